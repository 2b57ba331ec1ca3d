using Nabla.Kernels;

namespace Nabla.Layers;

/// <summary>
/// Zooms each image of a batch in or out about its centre by its own random amount during training, filling what
/// the zoomed-out image leaves uncovered by <see cref="FillMode"/> (Keras's <c>RandomZoom</c>). In inference it
/// returns its input itself.
/// </summary>
/// <remarks>
/// <para>
/// Input: a batch of channels-last images [batch, height, width, channels], or one image [height, width, channels];
/// the output has the same shape. In training (<c>Apply(x, training: true)</c>, which <c>Fit</c> passes) image n
/// samples the input over 1 + z times its height (z drawn from the height factor's range) and 1 + z' times its width
/// (z' from the width factor's range, or z' = z when no width factor is given, which keeps the aspect ratio), centred:
/// a negative z zooms in, a positive one zooms out, as Keras documents it. A factor of 0 leaves the image unchanged.
/// </para>
/// <para>
/// The zoom is linear in the image, so a gradient that reaches the layer (when its input is tracked by a
/// <c>GradientTape</c>) goes back exactly: the adjoint of the sampling. An input no tape tracks, such as a model's
/// input, records nothing. With a seed the zooms repeat from run to run; without one the layer's generator is
/// seeded from <see cref="Random"/>'s sequence.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// new RandomZoom(0.1)                              // zoom in or out by up to 10%, aspect ratio kept
/// new RandomZoom((-0.3, -0.2), widthFactor: 0.0)   // zoom in by 20–30% vertically only
/// </code>
/// </example>
public sealed class RandomZoom : Layer, IAffineAugmentation
{
    private readonly RandomSource _rng;
    private readonly ImageFillMode _fill;
    private readonly ImageInterpolation _sampling;

    /// <summary>Creates the layer.</summary>
    /// <param name="heightFactor">
    /// The vertical zoom: one number f for [−f, f], or a (lower, upper) pair, each in [−1, 1]. Negative zooms in,
    /// positive zooms out; <c>(-0.3, -0.2)</c> zooms in by 20% to 30%, <c>(0.2, 0.3)</c> out by 20% to 30%.
    /// </param>
    /// <param name="widthFactor">
    /// The horizontal zoom, the same way; null (default) zooms both axes by the vertical draw, keeping the aspect ratio.
    /// </param>
    /// <param name="fillMode">
    /// How what a zoom out uncovers is filled (default <c>reflect</c>): <c>reflect</c> (d c b a | a b c d | d c b a),
    /// <c>wrap</c> (a b c d | a b c d | a b c d), <c>constant</c> (k k k k | a b c d | k k k k, k =
    /// <paramref name="fillValue"/>) or <c>nearest</c> (a a a a | a b c d | d d d d).
    /// </param>
    /// <param name="interpolation">How pixels between centres are read: <c>bilinear</c> (default) or <c>nearest</c>.</param>
    /// <param name="seed">A seed for reproducible zooms; without one, drawn from <c>Nabla.Random</c>'s sequence.</param>
    /// <param name="fillValue">The value k of the constant fill mode (default 0).</param>
    /// <param name="inputShape">The shape of one image when this is the model's first layer, e.g. <c>[28, 28, 1]</c>.</param>
    /// <param name="name">The layer's name (default <c>random_zoom</c>, made unique).</param>
    /// <exception cref="ArgumentOutOfRangeException">A factor's number lies outside [−1, 1].</exception>
    /// <exception cref="ArgumentException">The fill mode or interpolation is unknown; the message lists the known ones.</exception>
    public RandomZoom(RandomFactor heightFactor, RandomFactor? widthFactor = null, string fillMode = "reflect",
        string interpolation = "bilinear", int? seed = null, double fillValue = 0.0, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        HeightFactor = ImageAugmentation.CheckFactor(nameof(RandomZoom), nameof(heightFactor), heightFactor, "fractions of the height (negative zooms in)");
        WidthFactor = widthFactor is RandomFactor wf
            ? ImageAugmentation.CheckFactor(nameof(RandomZoom), nameof(widthFactor), wf, "fractions of the width (negative zooms in)")
            : null;
        _fill = ImageAugmentation.ParseFillMode(nameof(RandomZoom), fillMode);
        _sampling = ImageAugmentation.ParseInterpolation(nameof(RandomZoom), interpolation);
        (FillMode, Interpolation, Seed, FillValue) = (fillMode, interpolation, seed, fillValue);
        _rng = Random.Source(seed);
        InputSpec = ImageAugmentation.ImageSpec();
    }

    /// <summary>The vertical zoom range (negative zooms in).</summary>
    public RandomFactor HeightFactor { get; }

    /// <summary>The horizontal zoom range, or null to zoom both axes alike.</summary>
    public RandomFactor? WidthFactor { get; }

    /// <summary>How what a zoom out uncovers is filled: <c>reflect</c>, <c>wrap</c>, <c>constant</c> or <c>nearest</c>.</summary>
    public string FillMode { get; }

    /// <summary>How pixels between centres are read: <c>bilinear</c> or <c>nearest</c>.</summary>
    public string Interpolation { get; }

    /// <summary>The seed given, or null.</summary>
    public int? Seed { get; }

    /// <summary>The value of the constant fill mode.</summary>
    public double FillValue { get; }

    ImageInterpolation IAffineAugmentation.Sampling => _sampling;

    ImageFillMode IAffineAugmentation.Fill => _fill;

    float IAffineAugmentation.FillWith => (float)FillValue;

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) =>
        training ? ImageAugmentation.ApplyAffine(inputs, this, _rng) : inputs;

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
        config["height_factor"] = ImageAugmentation.FactorConfig(HeightFactor);
        config["width_factor"] = WidthFactor is RandomFactor wf ? ImageAugmentation.FactorConfig(wf) : null;
        config["fill_mode"] = FillMode;
        config["interpolation"] = Interpolation;
        config["seed"] = Seed;
        config["fill_value"] = FillValue;
        config["data_format"] = "channels_last";
        return config;
    }

    internal static RandomZoom FromConfig(IReadOnlyDictionary<string, object?> config)
    {
        ImageAugmentation.CheckDataFormat(config, nameof(RandomZoom));
        return new(ImageAugmentation.GetFactor(config, "height_factor"), ImageAugmentation.ReadFactor(config, "width_factor"),
            ConfigValues.GetString(config, "fill_mode", null) ?? "reflect", ConfigValues.GetString(config, "interpolation", null) ?? "bilinear",
            ConfigValues.GetNullableInt(config, "seed"), ImageAugmentation.GetDouble(config, "fill_value", 0.0),
            ConfigValues.GetIntArray(config, "input_shape"), ConfigValues.GetString(config, "name", null))
        {
            Trainable = ConfigValues.GetBool(config, "trainable", true),
        };
    }

    /// <inheritdoc/>
    protected override string DescribeHyperparameters() =>
        WidthFactor is RandomFactor wf ? $"heightFactor={HeightFactor}, widthFactor={wf}" : $"heightFactor={HeightFactor}";

    // Keras's matrix: output (q, r) reads the input at (zx·q + (w − 1)/2·(1 − zx), zy·r + (h − 1)/2·(1 − zy)), a
    // scaling by z about the centre; z = 1 + factor, so z > 1 shows more of the image (zooms out).
    void IAffineAugmentation.DrawTransforms(Span<float> transforms, int height, int width)
    {
        double cx = (width - 1) / 2.0, cy = (height - 1) / 2.0;
        for (int i = 0; i < transforms.Length; i += ImageTransform.TransformLength)
        {
            double zy = 1.0 + ImageAugmentation.Uniform(_rng, HeightFactor.Lower, HeightFactor.Upper);
            double zx = WidthFactor is RandomFactor wf ? 1.0 + ImageAugmentation.Uniform(_rng, wf.Lower, wf.Upper) : zy;
            Span<float> t = transforms.Slice(i, ImageTransform.TransformLength);
            (t[0], t[1], t[2]) = ((float)zx, 0f, (float)(cx * (1.0 - zx)));
            (t[3], t[4], t[5]) = (0f, (float)zy, (float)(cy * (1.0 - zy)));
        }
    }
}
