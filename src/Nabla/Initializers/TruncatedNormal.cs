namespace Nabla.Initializers;

/// <summary>
/// Values drawn from a normal distribution, with draws more than two standard deviations from the mean discarded
/// and redrawn (Keras's <c>keras.initializers.TruncatedNormal</c>, <c>"truncated_normal"</c>).
/// </summary>
/// <remarks>
/// <c>stddev</c> is the standard deviation before truncation, as in Keras; the values' actual standard deviation is
/// about 0.88 times it.
/// </remarks>
/// <example>
/// <code>
/// Tensor w = new TruncatedNormal(stddev: 0.02f, seed: 3).Call(768, 768);
/// </code>
/// </example>
public sealed class TruncatedNormal : RandomInitializer
{
    /// <summary>Creates the initializer.</summary>
    /// <param name="mean">The distribution's mean (default 0).</param>
    /// <param name="stddev">Its standard deviation before truncation, non-negative (default 0.05).</param>
    /// <param name="seed">A seed for reproducible values, or null to draw one from <see cref="Random"/> (default null).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stddev"/> is negative or not finite.</exception>
    public TruncatedNormal(double mean = 0, double stddev = 0.05, int? seed = null)
        : base(seed)
    {
        (Mean, Stddev) = ((float)mean, (float)stddev);
        Check.StandardDeviation(nameof(TruncatedNormal), Stddev);
    }

    /// <summary>The mean.</summary>
    public float Mean { get; }

    /// <summary>The standard deviation before truncation.</summary>
    public float Stddev { get; }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>
    {
        ["seed"] = Seed,
        ["mean"] = Mean,
        ["stddev"] = Stddev,
    };

    /// <inheritdoc/>
    protected override void Fill(Span<float> values, ReadOnlySpan<int> shape) => FillTruncatedNormal(values, NewSource(), Mean, Stddev);
}
