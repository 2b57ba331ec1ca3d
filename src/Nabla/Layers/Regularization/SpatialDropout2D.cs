using System.Globalization;
using Nabla.Autodiff;

namespace Nabla.Layers;

/// <summary>
/// Dropout of whole feature maps: during training, each channel of each sample is set to zero with probability
/// <see cref="Rate"/> (all its pixels together) and kept channels are scaled by 1 / (1 − rate) (Keras's
/// <c>SpatialDropout2D</c>). Nothing changes at inference.
/// </summary>
/// <remarks>
/// Where neighbouring pixels are strongly correlated, as in early convolution layers, dropping single values barely
/// regularizes; dropping channels does (Tompson et al., 2014). Input: [batch, height, width, channels]; output: the
/// same shape. Masks are drawn from the layer's own generator, seeded like <see cref="Dropout"/>.
/// </remarks>
/// <example>
/// <code>
/// new Conv2D(64, kernelSize: 3, activation: "relu"), new SpatialDropout2D(0.2, seed: 1)
/// </code>
/// </example>
public sealed class SpatialDropout2D : Layer
{
    private readonly RandomSource _rng;

    /// <summary>Creates the layer.</summary>
    /// <param name="rate">The fraction of channels dropped, in [0, 1) (kept in single precision).</param>
    /// <param name="seed">A seed for reproducible masks; without one, drawn from <c>Nabla.Random</c>'s sequence.</param>
    /// <param name="name">The layer's name (default <c>spatial_dropout2d</c>, made unique).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rate"/> is outside [0, 1).</exception>
    public SpatialDropout2D(double rate, int? seed = null, string? name = null)
        : base(name)
    {
        float r = (float)rate;
        if (!(r >= 0f && r < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate,
                string.Create(CultureInfo.InvariantCulture, $"SpatialDropout2D: rate must be in [0, 1), but received {rate}."));
        }

        Rate = r;
        Seed = seed;
        _rng = Random.Source(seed);
        InputSpec = new InputSpec(rank: 4);
    }

    /// <summary>The fraction of channels dropped during training.</summary>
    public float Rate { get; }

    /// <summary>The seed given, or null.</summary>
    public int? Seed { get; }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) =>
        training && Rate > 0f ? Ops.SpatialDropout(inputs, Rate, _rng) : inputs;

    /// <inheritdoc/>
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        return (int[])inputShape.Clone();
    }

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> config = base.GetConfig();
        config["rate"] = Rate;
        config["seed"] = Seed;
        config["data_format"] = "channels_last";
        return config;
    }

    internal static SpatialDropout2D FromConfig(IReadOnlyDictionary<string, object?> config)
    {
        WeightConfig.RequireChannelsLast(config, nameof(SpatialDropout2D));
        return new(ConfigValues.GetFloat(config, "rate"), ConfigValues.GetNullableInt(config, "seed"), ConfigValues.GetString(config, "name", null))
        {
            Trainable = ConfigValues.GetBool(config, "trainable", true),
        };
    }

    /// <inheritdoc/>
    protected override string DescribeHyperparameters() => string.Create(CultureInfo.InvariantCulture, $"rate={Rate}");
}
