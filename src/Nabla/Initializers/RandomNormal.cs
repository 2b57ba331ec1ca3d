namespace Nabla.Initializers;

/// <summary>Values drawn from a normal distribution (Keras's <c>keras.initializers.RandomNormal</c>, <c>"random_normal"</c>).</summary>
/// <example>
/// <code>
/// Tensor w = new RandomNormal(mean: 0f, stddev: 1f, seed: 3).Call(2, 2);
/// </code>
/// </example>
public sealed class RandomNormal : RandomInitializer
{
    /// <summary>Creates the initializer.</summary>
    /// <param name="mean">The distribution's mean (default 0).</param>
    /// <param name="stddev">Its standard deviation, non-negative (default 0.05).</param>
    /// <param name="seed">A seed for reproducible values, or null to draw one from <see cref="Random"/> (default null).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stddev"/> is negative or not finite.</exception>
    public RandomNormal(double mean = 0, double stddev = 0.05, int? seed = null)
        : base(seed)
    {
        (Mean, Stddev) = ((float)mean, (float)stddev);
        Check.StandardDeviation(nameof(RandomNormal), Stddev);
    }

    /// <summary>The mean.</summary>
    public float Mean { get; }

    /// <summary>The standard deviation.</summary>
    public float Stddev { get; }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>
    {
        ["seed"] = Seed,
        ["mean"] = Mean,
        ["stddev"] = Stddev,
    };

    /// <inheritdoc/>
    protected override void Fill(Span<float> values, ReadOnlySpan<int> shape) => FillNormal(values, NewSource(), Mean, Stddev);
}
