namespace Nabla.Initializers;

/// <summary>
/// The Glorot (Xavier) normal initializer (Keras's <c>keras.initializers.GlorotNormal</c>, <c>"glorot_normal"</c>).
/// </summary>
/// <remarks>
/// Draws from a normal distribution truncated at two standard deviations, with standard deviation √(2 / (fan_in + fan_out)) after truncation (Glorot and Bengio, 2010). Equivalent to <c>VarianceScaling(scale: 1, mode: "fan_avg", distribution: "truncated_normal")</c>; see
/// <see cref="VarianceScaling"/> for how fans are computed.
/// </remarks>
/// <example>
/// <code>
/// Tensor kernel = new GlorotNormal(seed: 42).Call(784, 128);
/// </code>
/// </example>
public sealed class GlorotNormal : VarianceScaling
{
    /// <summary>Creates the initializer.</summary>
    /// <param name="seed">A seed for reproducible values, or null to draw one from <see cref="Random"/> (default null).</param>
    public GlorotNormal(int? seed = null)
        : base(1f, "fan_avg", "truncated_normal", seed)
    {
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["seed"] = Seed };
}
