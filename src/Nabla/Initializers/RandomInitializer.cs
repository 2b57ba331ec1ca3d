namespace Nabla.Initializers;

/// <summary>
/// The base of the random initializers: it owns the seed and the three distributions Keras draws from.
/// </summary>
/// <remarks>
/// With a seed, every call draws the same values; without one, the instance draws a seed from the global sequence
/// of <see cref="Random"/> when it is created and reuses it on every call (Keras 3: an unseeded initializer
/// "will produce the same random values across multiple calls").
/// </remarks>
public abstract class RandomInitializer : Initializer
{
    private readonly ulong _drawnSeed;

    /// <summary>Sets the seed.</summary>
    /// <param name="seed">A seed for reproducible values, or null to draw one from <see cref="Random"/>'s global sequence.</param>
    protected RandomInitializer(int? seed)
    {
        Seed = seed;
        if (seed is null)
        {
            _drawnSeed = Random.NextSeed();
        }
    }

    /// <summary>The seed given to the constructor, or null when the instance drew its own.</summary>
    public int? Seed { get; }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["seed"] = Seed };

    /// <summary>A generator that restarts the instance's sequence, so each call gives the same values.</summary>
    private protected RandomSource NewSource() => Seed is int s ? Random.Source(s) : new RandomSource(_drawnSeed);

    /// <summary>Uniform on [min, max).</summary>
    private protected static void FillUniform(Span<float> values, RandomSource rng, float min, float max)
    {
        float range = max - min;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = min + (range * rng.NextFloat());
        }
    }

    /// <summary>Normal with the given mean and standard deviation.</summary>
    private protected static void FillNormal(Span<float> values, RandomSource rng, float mean, float stddev)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = mean + (stddev * rng.NextNormal());
        }
    }

    /// <summary>Normal, with draws more than two standard deviations from the mean discarded and redrawn (as Keras).</summary>
    private protected static void FillTruncatedNormal(Span<float> values, RandomSource rng, float mean, float stddev)
    {
        for (int i = 0; i < values.Length; i++)
        {
            float z;
            do
            {
                z = rng.NextNormal();
            }
            while (MathF.Abs(z) > 2f);

            values[i] = mean + (stddev * z);
        }
    }
}
