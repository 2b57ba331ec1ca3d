namespace Nabla.Initializers;

/// <summary>Values drawn uniformly from [minval, maxval) (Keras's <c>keras.initializers.RandomUniform</c>, <c>"random_uniform"</c>).</summary>
/// <example>
/// <code>
/// Tensor w = new RandomUniform(minval: -1f, maxval: 1f, seed: 3).Call(2, 2);
/// </code>
/// </example>
public sealed class RandomUniform : RandomInitializer
{
    /// <summary>Creates the initializer.</summary>
    /// <param name="minval">The lower bound, inclusive (default -0.05).</param>
    /// <param name="maxval">The upper bound, exclusive; at least <paramref name="minval"/> (default 0.05).</param>
    /// <param name="seed">A seed for reproducible values, or null to draw one from <see cref="Random"/> (default null).</param>
    /// <exception cref="ArgumentException">The bounds are not finite or <paramref name="maxval"/> is below <paramref name="minval"/>.</exception>
    public RandomUniform(double minval = -0.05, double maxval = 0.05, int? seed = null)
        : base(seed)
    {
        (Minval, Maxval) = ((float)minval, (float)maxval);
        if (!float.IsFinite(Minval) || !float.IsFinite(Maxval) || Maxval < Minval)
        {
            throw new ArgumentException($"RandomUniform expects finite bounds with minval <= maxval, but received minval={minval}, maxval={maxval}.", nameof(maxval));
        }
    }

    /// <summary>The lower bound.</summary>
    public float Minval { get; }

    /// <summary>The upper bound.</summary>
    public float Maxval { get; }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>
    {
        ["seed"] = Seed,
        ["minval"] = Minval,
        ["maxval"] = Maxval,
    };

    /// <inheritdoc/>
    protected override void Fill(Span<float> values, ReadOnlySpan<int> shape) => FillUniform(values, NewSource(), Minval, Maxval);
}
