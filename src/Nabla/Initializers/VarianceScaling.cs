namespace Nabla.Initializers;

/// <summary>
/// Random values whose scale adapts to the weight's shape (Keras's <c>keras.initializers.VarianceScaling</c>),
/// the base of the Glorot, He and LeCun initializers.
/// </summary>
/// <remarks>
/// <para>
/// With n = fan_in, fan_out or their average (<c>mode</c>): <c>truncated_normal</c> draws from a normal
/// distribution truncated at two standard deviations whose standard deviation after truncation is √(scale/n)
/// (the pre-truncation σ is divided by 0.87962566103423978, the standard deviation of a unit normal truncated at
/// ±2); <c>untruncated_normal</c> draws from N(0, scale/n); <c>uniform</c> draws from [−limit, limit) with
/// limit = √(3·scale/n).
/// </para>
/// <para>
/// Fans as Keras computes them: a vector [n] has fan_in = fan_out = n; a matrix [in, out] has fan_in = in and
/// fan_out = out; a convolution kernel [..., in, out] multiplies both by the receptive field (the product of the
/// leading axes), e.g. [3, 3, 16, 32] has fan_in 144 and fan_out 288. Each n is at least 1.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var init = new VarianceScaling(scale: 0.1f, mode: "fan_in", distribution: "uniform", seed: 7);
/// Tensor w = init.Call(64, 10);
/// </code>
/// </example>
public class VarianceScaling : RandomInitializer
{
    private static readonly string[] s_modes = ["fan_in", "fan_out", "fan_avg"];
    private static readonly string[] s_distributions = ["truncated_normal", "untruncated_normal", "uniform"];

    /// <summary>Creates the initializer.</summary>
    /// <param name="scale">The scaling factor, positive (default 1).</param>
    /// <param name="mode">One of <c>fan_in</c>, <c>fan_out</c>, <c>fan_avg</c> (default <c>fan_in</c>).</param>
    /// <param name="distribution">One of <c>truncated_normal</c>, <c>untruncated_normal</c>, <c>uniform</c>; case-insensitive, and <c>normal</c> means <c>truncated_normal</c> (default <c>truncated_normal</c>).</param>
    /// <param name="seed">A seed for reproducible values, or null to draw one from <see cref="Random"/> (default null).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="mode"/> or <paramref name="distribution"/> is unknown.</exception>
    public VarianceScaling(double scale = 1, string mode = "fan_in", string distribution = "truncated_normal", int? seed = null)
        : base(seed)
    {
        ArgumentNullException.ThrowIfNull(mode);
        ArgumentNullException.ThrowIfNull(distribution);
        if (!((float)scale > 0f) || !float.IsFinite((float)scale))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, $"VarianceScaling: scale must be a positive number, but received {scale}.");
        }

        if (Array.IndexOf(s_modes, mode) < 0)
        {
            throw new ArgumentException("VarianceScaling: " + KnownNames.UnknownMessage("mode", mode, s_modes), nameof(mode));
        }

        distribution = distribution.ToLowerInvariant();
        distribution = distribution == "normal" ? "truncated_normal" : distribution;
        if (Array.IndexOf(s_distributions, distribution) < 0)
        {
            throw new ArgumentException("VarianceScaling: " + KnownNames.UnknownMessage("distribution", distribution, s_distributions), nameof(distribution));
        }

        (Scale, Mode, Distribution) = ((float)scale, mode, distribution);
    }

    /// <summary>The scaling factor.</summary>
    public float Scale { get; }

    /// <summary>Which fan divides the scale: <c>fan_in</c>, <c>fan_out</c> or <c>fan_avg</c>.</summary>
    public string Mode { get; }

    /// <summary>The distribution: <c>truncated_normal</c>, <c>untruncated_normal</c> or <c>uniform</c>.</summary>
    public string Distribution { get; }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>
    {
        ["seed"] = Seed,
        ["scale"] = Scale,
        ["mode"] = Mode,
        ["distribution"] = Distribution,
    };

    /// <summary>Keras's <c>compute_fans</c>: (fan_in, fan_out) of a weight shape; see the class remarks.</summary>
    internal static (long FanIn, long FanOut) ComputeFans(ReadOnlySpan<int> shape)
    {
        if (shape.Length == 0)
        {
            return (1, 1);
        }

        if (shape.Length == 1)
        {
            return (shape[0], shape[0]);
        }

        long receptiveField = 1;
        for (int i = 0; i < shape.Length - 2; i++)
        {
            receptiveField *= shape[i];
        }

        return (shape[^2] * receptiveField, shape[^1] * receptiveField);
    }

    /// <inheritdoc/>
    protected override void Fill(Span<float> values, ReadOnlySpan<int> shape)
    {
        (long fanIn, long fanOut) = ComputeFans(shape);
        double n = Mode switch
        {
            "fan_in" => fanIn,
            "fan_out" => fanOut,
            _ => (fanIn + fanOut) / 2.0,
        };
        double variance = Scale / Math.Max(1.0, n);
        RandomSource rng = NewSource();
        switch (Distribution)
        {
            case "truncated_normal":
                // σ of a unit normal truncated to [-2, 2] is 0.8796…; dividing restores the target σ after truncation.
                FillTruncatedNormal(values, rng, 0f, (float)(Math.Sqrt(variance) / 0.87962566103423978));
                break;
            case "untruncated_normal":
                FillNormal(values, rng, 0f, (float)Math.Sqrt(variance));
                break;
            default:
                float limit = (float)Math.Sqrt(3.0 * variance);
                FillUniform(values, rng, -limit, limit);
                break;
        }
    }
}
