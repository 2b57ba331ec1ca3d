namespace Nabla.Initializers;

/// <summary>
/// The Glorot (Xavier) uniform initializer, the default for Dense and Conv2D kernels (Keras's <c>keras.initializers.GlorotUniform</c>, <c>"glorot_uniform"</c>).
/// </summary>
/// <remarks>
/// Draws from [−limit, limit) with limit = √(6 / (fan_in + fan_out)) (Glorot and Bengio, 2010). Equivalent to <c>VarianceScaling(scale: 1, mode: "fan_avg", distribution: "uniform")</c>; see
/// <see cref="VarianceScaling"/> for how fans are computed.
/// </remarks>
/// <example>
/// <code>
/// Tensor kernel = new GlorotUniform(seed: 42).Call(784, 128);
/// </code>
/// </example>
public sealed class GlorotUniform : VarianceScaling
{
    /// <summary>Creates the initializer.</summary>
    /// <param name="seed">A seed for reproducible values, or null to draw one from <see cref="Random"/> (default null).</param>
    public GlorotUniform(int? seed = null)
        : base(1f, "fan_avg", "uniform", seed)
    {
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["seed"] = Seed };
}
