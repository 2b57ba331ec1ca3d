using Nabla.Kernels;

namespace Nabla.Layers;

/// <summary>
/// Shifts each image of a batch by its own random amount during training, filling the uncovered part by
/// <see cref="FillMode"/> (Keras's <c>RandomTranslation</c>). In inference it returns its input itself.
/// </summary>
/// <remarks>
/// <para>
/// Input: a batch of channels-last images [batch, height, width, channels], or one image [height, width, channels];
/// the output has the same shape. In training (<c>Apply(x, training: true)</c>, which <c>Fit</c> passes) image n is
/// shifted down by dy·height and right by dx·width pixels, dy and dx drawn uniformly from the height and width
/// factors' ranges; the shift need not be a whole number of pixels (<see cref="Interpolation"/> reads between them).
/// </para>
/// <para>
/// The shift is linear in the image, so a gradient that reaches the layer (when its input is tracked by a
/// <c>GradientTape</c>) goes back exactly: the adjoint of the sampling. An input no tape tracks, such as a model's
/// input, records nothing. With a seed the shifts repeat from run to run; without one the layer's generator is
/// seeded from <see cref="Random"/>'s sequence.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var model = new Sequential(
///     new RandomTranslation(0.1, 0.1, inputShape: [28, 28, 1]),   // up to ±10% of each side
///     new Flatten(),
///     new Dense(10, "softmax"));
/// </code>
/// </example>
public sealed class RandomTranslation : Layer, IAffineAugmentation
{
    private readonly RandomSource _rng;
    private readonly ImageFillMode _fill;
    private readonly ImageInterpolation _sampling;

    /// <summary>Creates the layer.</summary>
    /// <param name="heightFactor">
    /// The vertical shift as a fraction of the height: one number f for [−f, f], or a (lower, upper) pair, each in
    /// [−1, 1]. Negative shifts the image up, positive down; <c>(-0.2, 0.3)</c> shifts by 20% up to 30% down.
    /// </param>
    /// <param name="widthFactor">The horizontal shift as a fraction of the width, the same way; negative shifts left, positive right.</param>
    /// <param name="fillMode">
    /// How the uncovered part is filled (default <c>reflect</c>): <c>reflect</c> (d c b a | a b c d | d c b a),
    /// <c>wrap</c> (a b c d | a b c d | a b c d), <c>constant</c> (k k k k | a b c d | k k k k, k =
    /// <paramref name="fillValue"/>) or <c>nearest</c> (a a a a | a b c d | d d d d).
    /// </param>
    /// <param name="interpolation">How pixels between centres are read: <c>bilinear</c> (default) or <c>nearest</c>.</param>
    /// <param name="seed">A seed for reproducible shifts; without one, drawn from <c>Nabla.Random</c>'s sequence.</param>
    /// <param name="fillValue">The value k of the constant fill mode (default 0).</param>
    /// <param name="inputShape">The shape of one image when this is the model's first layer, e.g. <c>[28, 28, 1]</c>.</param>
    /// <param name="name">The layer's name (default <c>random_translation</c>, made unique).</param>
    /// <exception cref="ArgumentOutOfRangeException">A factor's number lies outside [−1, 1].</exception>
    /// <exception cref="ArgumentException">The fill mode or interpolation is unknown; the message lists the known ones.</exception>
    public RandomTranslation(RandomFactor heightFactor, RandomFactor widthFactor, string fillMode = "reflect",
        string interpolation = "bilinear", int? seed = null, double fillValue = 0.0, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        HeightFactor = ImageAugmentation.CheckFactor(nameof(RandomTranslation), nameof(heightFactor), heightFactor, "fractions of the height");
        WidthFactor = ImageAugmentation.CheckFactor(nameof(RandomTranslation), nameof(widthFactor), widthFactor, "fractions of the width");
        _fill = ImageAugmentation.ParseFillMode(nameof(RandomTranslation), fillMode);
        _sampling = ImageAugmentation.ParseInterpolation(nameof(RandomTranslation), interpolation);
        (FillMode, Interpolation, Seed, FillValue) = (fillMode, interpolation, seed, fillValue);
        _rng = Random.Source(seed);
        InputSpec = ImageAugmentation.ImageSpec();
    }

    /// <summary>The vertical shift range, as a fraction of the height.</summary>
    public RandomFactor HeightFactor { get; }

    /// <summary>The horizontal shift range, as a fraction of the width.</summary>
    public RandomFactor WidthFactor { get; }

    /// <summary>How the uncovered part is filled: <c>reflect</c>, <c>wrap</c>, <c>constant</c> or <c>nearest</c>.</summary>
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
        config["width_factor"] = ImageAugmentation.FactorConfig(WidthFactor);
        config["fill_mode"] = FillMode;
        config["interpolation"] = Interpolation;
        config["seed"] = Seed;
        config["fill_value"] = FillValue;
        config["data_format"] = "channels_last";
        return config;
    }

    internal static RandomTranslation FromConfig(IReadOnlyDictionary<string, object?> config)
    {
        ImageAugmentation.CheckDataFormat(config, nameof(RandomTranslation));
        return new(ImageAugmentation.GetFactor(config, "height_factor"), ImageAugmentation.GetFactor(config, "width_factor"),
            ConfigValues.GetString(config, "fill_mode", null) ?? "reflect", ConfigValues.GetString(config, "interpolation", null) ?? "bilinear",
            ConfigValues.GetNullableInt(config, "seed"), ImageAugmentation.GetDouble(config, "fill_value", 0.0),
            ConfigValues.GetIntArray(config, "input_shape"), ConfigValues.GetString(config, "name", null))
        {
            Trainable = ConfigValues.GetBool(config, "trainable", true),
        };
    }

    /// <inheritdoc/>
    protected override string DescribeHyperparameters() => $"heightFactor={HeightFactor}, widthFactor={WidthFactor}";

    // Output (q, r) reads the input at (q − dx, r − dy): the image moves right by dx and down by dy pixels.
    void IAffineAugmentation.DrawTransforms(Span<float> transforms, int height, int width)
    {
        for (int i = 0; i < transforms.Length; i += ImageTransform.TransformLength)
        {
            double dy = ImageAugmentation.Uniform(_rng, HeightFactor.Lower, HeightFactor.Upper) * height;
            double dx = ImageAugmentation.Uniform(_rng, WidthFactor.Lower, WidthFactor.Upper) * width;
            Span<float> t = transforms.Slice(i, ImageTransform.TransformLength);
            (t[0], t[1], t[2]) = (1f, 0f, (float)-dx);
            (t[3], t[4], t[5]) = (0f, 1f, (float)-dy);
        }
    }
}
