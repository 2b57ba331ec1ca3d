namespace Nabla.Initializers;

/// <summary>
/// The He uniform initializer, suited to ReLU layers (Keras's <c>keras.initializers.HeUniform</c>, <c>"he_uniform"</c>).
/// </summary>
/// <remarks>
/// Draws from [−limit, limit) with limit = √(6 / fan_in) (He et al., 2015). Equivalent to <c>VarianceScaling(scale: 2, mode: "fan_in", distribution: "uniform")</c>; see
/// <see cref="VarianceScaling"/> for how fans are computed.
/// </remarks>
/// <example>
/// <code>
/// Tensor kernel = new HeUniform(seed: 42).Call(784, 128);
/// </code>
/// </example>
public sealed class HeUniform : VarianceScaling
{
    /// <summary>Creates the initializer.</summary>
    /// <param name="seed">A seed for reproducible values, or null to draw one from <see cref="Random"/> (default null).</param>
    public HeUniform(int? seed = null)
        : base(2f, "fan_in", "uniform", seed)
    {
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["seed"] = Seed };
}
