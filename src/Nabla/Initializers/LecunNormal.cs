namespace Nabla.Initializers;

/// <summary>
/// The LeCun normal initializer, suited to SELU layers (Keras's <c>keras.initializers.LecunNormal</c>, <c>"lecun_normal"</c>).
/// </summary>
/// <remarks>
/// Draws from a normal distribution truncated at two standard deviations, with standard deviation √(1 / fan_in) after truncation (Klambauer et al., 2017). Equivalent to <c>VarianceScaling(scale: 1, mode: "fan_in", distribution: "truncated_normal")</c>; see
/// <see cref="VarianceScaling"/> for how fans are computed.
/// </remarks>
/// <example>
/// <code>
/// Tensor kernel = new LecunNormal(seed: 42).Call(784, 128);
/// </code>
/// </example>
public sealed class LecunNormal : VarianceScaling
{
    /// <summary>Creates the initializer.</summary>
    /// <param name="seed">A seed for reproducible values, or null to draw one from <see cref="Random"/> (default null).</param>
    public LecunNormal(int? seed = null)
        : base(1f, "fan_in", "truncated_normal", seed)
    {
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["seed"] = Seed };
}
