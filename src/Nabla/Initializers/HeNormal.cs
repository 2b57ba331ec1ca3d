namespace Nabla.Initializers;

/// <summary>
/// The He normal initializer, suited to ReLU layers (Keras's <c>keras.initializers.HeNormal</c>, <c>"he_normal"</c>).
/// </summary>
/// <remarks>
/// Draws from a normal distribution truncated at two standard deviations, with standard deviation √(2 / fan_in) after truncation (He et al., 2015). Equivalent to <c>VarianceScaling(scale: 2, mode: "fan_in", distribution: "truncated_normal")</c>; see
/// <see cref="VarianceScaling"/> for how fans are computed.
/// </remarks>
/// <example>
/// <code>
/// Tensor kernel = new HeNormal(seed: 42).Call(784, 128);
/// </code>
/// </example>
public sealed class HeNormal : VarianceScaling
{
    /// <summary>Creates the initializer.</summary>
    /// <param name="seed">A seed for reproducible values, or null to draw one from <see cref="Random"/> (default null).</param>
    public HeNormal(int? seed = null)
        : base(2f, "fan_in", "truncated_normal", seed)
    {
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["seed"] = Seed };
}
