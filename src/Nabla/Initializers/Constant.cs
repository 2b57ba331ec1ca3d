namespace Nabla.Initializers;

/// <summary>Every value equal to a constant (Keras's <c>keras.initializers.Constant</c>, <c>"constant"</c>).</summary>
/// <example>
/// <code>
/// Tensor bias = new Constant(0.1f).Call(10);
/// </code>
/// </example>
public sealed class Constant : Initializer
{
    /// <summary>Creates the initializer.</summary>
    /// <param name="value">The fill value (default 0).</param>
    public Constant(double value = 0) => Value = (float)value;

    /// <summary>The fill value.</summary>
    public float Value { get; }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["value"] = Value };

    /// <inheritdoc/>
    protected override void Fill(Span<float> values, ReadOnlySpan<int> shape) => values.Fill(Value);
}
