using Nabla.Kernels;

namespace Nabla.Layers;

/// <summary>
/// Rotates each image of a batch about its centre by its own random angle during training, filling the corners by
/// <see cref="FillMode"/> (Keras's <c>RandomRotation</c>). In inference it returns its input itself.
/// </summary>
/// <remarks>
/// <para>
/// Input: a batch of channels-last images [batch, height, width, channels], or one image [height, width, channels];
/// the output has the same shape. In training (<c>Apply(x, training: true)</c>, which <c>Fit</c> passes) image n is
/// turned by an angle drawn uniformly from <see cref="Factor"/>'s range times 360°, counter-clockwise for positive
/// angles, about the centre ((width − 1)/2, (height − 1)/2), as Keras turns it.
/// </para>
/// <para>
/// The rotation is linear in the image, so a gradient that reaches the layer (when its input is tracked by a
/// <c>GradientTape</c>) goes back exactly: the adjoint of the sampling. An input no tape tracks, such as a model's
/// input, records nothing. With a seed the angles repeat from run to run; without one the layer's generator is
/// seeded from <see cref="Random"/>'s sequence.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// new RandomRotation(0.1)            // up to ±36°
/// new RandomRotation((-0.25, 0.25), fillMode: "constant", interpolation: "nearest")
/// </code>
/// </example>
public sealed class RandomRotation : Layer, IAffineAugmentation
{
    private readonly RandomSource _rng;
    private readonly ImageFillMode _fill;
    private readonly ImageInterpolation _sampling;

    /// <summary>Creates the layer.</summary>
    /// <param name="factor">
    /// The angle as a fraction of a full turn (2π): one number f for [−f, f], or a (lower, upper) pair, each in
    /// [−1, 1]. Positive turns counter-clockwise; <c>(-0.2, 0.3)</c> turns between 72° clockwise and 108° counter-clockwise.
    /// </param>
    /// <param name="fillMode">
    /// How the uncovered corners are filled (default <c>reflect</c>): <c>reflect</c> (d c b a | a b c d | d c b a),
    /// <c>wrap</c> (a b c d | a b c d | a b c d), <c>constant</c> (k k k k | a b c d | k k k k, k =
    /// <paramref name="fillValue"/>) or <c>nearest</c> (a a a a | a b c d | d d d d).
    /// </param>
    /// <param name="interpolation">How pixels between centres are read: <c>bilinear</c> (default) or <c>nearest</c>.</param>
    /// <param name="seed">A seed for reproducible angles; without one, drawn from <c>Nabla.Random</c>'s sequence.</param>
    /// <param name="fillValue">The value k of the constant fill mode (default 0).</param>
    /// <param name="inputShape">The shape of one image when this is the model's first layer, e.g. <c>[28, 28, 1]</c>.</param>
    /// <param name="name">The layer's name (default <c>random_rotation</c>, made unique).</param>
    /// <exception cref="ArgumentOutOfRangeException">A factor's number lies outside [−1, 1].</exception>
    /// <exception cref="ArgumentException">The fill mode or interpolation is unknown; the message lists the known ones.</exception>
    public RandomRotation(RandomFactor factor, string fillMode = "reflect", string interpolation = "bilinear",
        int? seed = null, double fillValue = 0.0, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        ImageAugmentation.CheckFactor(nameof(RandomRotation), nameof(factor), factor, "fractions of a full turn");
        Factor = (factor.Lower, factor.Upper);   // Keras keeps the range, sorted
        _fill = ImageAugmentation.ParseFillMode(nameof(RandomRotation), fillMode);
        _sampling = ImageAugmentation.ParseInterpolation(nameof(RandomRotation), interpolation);
        (FillMode, Interpolation, Seed, FillValue) = (fillMode, interpolation, seed, fillValue);
        _rng = Random.Source(seed);
        InputSpec = ImageAugmentation.ImageSpec();
    }

    /// <summary>The angle range as fractions of a full turn, (lower, upper); one number f is kept as (−|f|, |f|), as Keras keeps it.</summary>
    public RandomFactor Factor { get; }

    /// <summary>How the uncovered corners are filled: <c>reflect</c>, <c>wrap</c>, <c>constant</c> or <c>nearest</c>.</summary>
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
        config["factor"] = ImageAugmentation.FactorConfig(Factor);
        config["data_format"] = "channels_last";
        config["fill_mode"] = FillMode;
        config["fill_value"] = FillValue;
        config["interpolation"] = Interpolation;
        config["seed"] = Seed;
        return config;
    }

    internal static RandomRotation FromConfig(IReadOnlyDictionary<string, object?> config)
    {
        ImageAugmentation.CheckDataFormat(config, nameof(RandomRotation));
        return new(ImageAugmentation.GetFactor(config, "factor"),
            ConfigValues.GetString(config, "fill_mode", null) ?? "reflect", ConfigValues.GetString(config, "interpolation", null) ?? "bilinear",
            ConfigValues.GetNullableInt(config, "seed"), ImageAugmentation.GetDouble(config, "fill_value", 0.0),
            ConfigValues.GetIntArray(config, "input_shape"), ConfigValues.GetString(config, "name", null))
        {
            Trainable = ConfigValues.GetBool(config, "trainable", true),
        };
    }

    /// <inheritdoc/>
    protected override string DescribeHyperparameters() => $"factor={Factor}";

    // Keras's matrix: output (q, r) reads the input at R(θ)·((q, r) − centre) + centre, R(θ) = [cos −sin; sin cos].
    // With rows growing downwards, that shows the image turned counter-clockwise by θ.
    void IAffineAugmentation.DrawTransforms(Span<float> transforms, int height, int width)
    {
        double cx = (width - 1) / 2.0, cy = (height - 1) / 2.0;
        for (int i = 0; i < transforms.Length; i += ImageTransform.TransformLength)
        {
            double degrees = ImageAugmentation.Uniform(_rng, Factor.Lower * 360.0, Factor.Upper * 360.0);
            (double sin, double cos) = Math.SinCos(degrees * (Math.PI / 180.0));
            Span<float> t = transforms.Slice(i, ImageTransform.TransformLength);
            (t[0], t[1], t[2]) = ((float)cos, (float)-sin, (float)(cx - (cx * cos) + (cy * sin)));
            (t[3], t[4], t[5]) = ((float)sin, (float)cos, (float)(cy - (cx * sin) - (cy * cos)));
        }
    }
}
