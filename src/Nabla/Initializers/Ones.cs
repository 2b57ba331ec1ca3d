namespace Nabla.Initializers;

/// <summary>All ones (Keras's <c>keras.initializers.Ones</c>, <c>"ones"</c>), e.g. for a normalization scale.</summary>
/// <example>
/// <code>
/// Tensor gamma = new Ones().Call(64);
/// </code>
/// </example>
public sealed class Ones : Initializer
{
    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>();

    /// <inheritdoc/>
    protected override void Fill(Span<float> values, ReadOnlySpan<int> shape) => values.Fill(1f);
}
