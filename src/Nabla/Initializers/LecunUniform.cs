namespace Nabla.Initializers;

/// <summary>
/// The LeCun uniform initializer (Keras's <c>keras.initializers.LecunUniform</c>, <c>"lecun_uniform"</c>).
/// </summary>
/// <remarks>
/// Draws from [−limit, limit) with limit = √(3 / fan_in) (Klambauer et al., 2017). Equivalent to <c>VarianceScaling(scale: 1, mode: "fan_in", distribution: "uniform")</c>; see
/// <see cref="VarianceScaling"/> for how fans are computed.
/// </remarks>
/// <example>
/// <code>
/// Tensor kernel = new LecunUniform(seed: 42).Call(784, 128);
/// </code>
/// </example>
public sealed class LecunUniform : VarianceScaling
{
    /// <summary>Creates the initializer.</summary>
    /// <param name="seed">A seed for reproducible values, or null to draw one from <see cref="Random"/> (default null).</param>
    public LecunUniform(int? seed = null)
        : base(1f, "fan_in", "uniform", seed)
    {
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["seed"] = Seed };
}
