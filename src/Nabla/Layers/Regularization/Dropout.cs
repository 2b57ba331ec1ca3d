using System.Globalization;
using Nabla.Autodiff;

namespace Nabla.Layers;

/// <summary>
/// Randomly sets a fraction <see cref="Rate"/> of its inputs to zero during training and scales the rest by
/// 1 / (1 − rate), so that nothing changes at inference (Keras's <c>Dropout</c>). Output shape = input shape.
/// </summary>
/// <example>
/// <code>
/// new Dropout(0.5)
/// </code>
/// </example>
public sealed class Dropout : Layer
{
    private readonly RandomSource _rng;

    /// <summary>Creates the layer.</summary>
    /// <param name="rate">The fraction of inputs dropped, in [0, 1) (kept in single precision).</param>
    /// <param name="seed">A seed for reproducible masks; without one, drawn from <c>Nabla.Random</c>'s sequence.</param>
    /// <param name="name">The layer's name (default <c>dropout</c>, made unique).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rate"/> is outside [0, 1).</exception>
    public Dropout(double rate, int? seed = null, string? name = null)
        : base(name)
    {
        // Checked after the conversion, so that a rate just below 1 that rounds to 1f is refused too.
        float r = (float)rate;
        if (!(r >= 0f && r < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate,
                string.Create(CultureInfo.InvariantCulture, $"Dropout: rate must be in [0, 1), but received {rate}."));
        }

        Rate = r;
        Seed = seed;
        _rng = Random.Source(seed);
    }

    /// <summary>The fraction of inputs dropped during training.</summary>
    public float Rate { get; }

    /// <summary>The seed given, or null.</summary>
    public int? Seed { get; }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) =>
        training && Rate > 0f ? Ops.Dropout(inputs, Rate, _rng) : inputs;

    /// <inheritdoc/>
    public override int[] ComputeOutputShape(int[] inputShape) => (int[])inputShape.Clone();

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> config = base.GetConfig();
        config["rate"] = Rate;
        config["seed"] = Seed;
        config["noise_shape"] = null;   // Keras's key; Nabla drops elementwise, and a file setting a noise shape does not load
        return config;
    }

    internal static Dropout FromConfig(IReadOnlyDictionary<string, object?> config)
    {
        ConfigValues.RequireSupported(config, "noise_shape", null, "Nabla's Dropout drops elements independently (no noise_shape)");
        return Create(config);
    }

    private static Dropout Create(IReadOnlyDictionary<string, object?> config) =>
        new(ConfigValues.GetFloat(config, "rate"), ConfigValues.GetNullableInt(config, "seed"), ConfigValues.GetString(config, "name", null))
        {
            Trainable = ConfigValues.GetBool(config, "trainable", true),
        };

    /// <inheritdoc/>
    protected override string DescribeHyperparameters() => string.Create(CultureInfo.InvariantCulture, $"rate={Rate}");
}
