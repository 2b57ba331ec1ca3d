namespace Nabla.Initializers;

/// <summary>All zeros (Keras's <c>keras.initializers.Zeros</c>, <c>"zeros"</c>), the default for biases.</summary>
/// <example>
/// <code>
/// Tensor bias = new Zeros().Call(128);
/// </code>
/// </example>
public sealed class Zeros : Initializer
{
    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>();

    /// <inheritdoc/>
    protected override void Fill(Span<float> values, ReadOnlySpan<int> shape) => values.Clear();
}
