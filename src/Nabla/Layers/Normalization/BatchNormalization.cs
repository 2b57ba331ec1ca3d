using System.Globalization;
using Nabla.Autodiff;
using Nabla.Devices;
using Nabla.Initializers;
using Nabla.Kernels;
using Nabla.Regularizers;
using Nabla.Tensors;

namespace Nabla.Layers;

/// <summary>
/// Normalizes each channel to zero mean and unit variance, then scales by <c>gamma</c> and shifts by <c>beta</c>
/// (Keras's <c>BatchNormalization</c>). It behaves differently in training and in inference.
/// </summary>
/// <remarks>
/// <para>
/// <b>Training</b> (<c>Fit</c>, or <c>Apply(x, training: true)</c>): y = γ·(x − mean(x))/√(var(x) + ε) + β with the
/// batch's mean and biased variance per channel (over every axis but the channel axis), and the moving statistics
/// updated in place as Keras updates them: <c>moving = moving·momentum + batch·(1 − momentum)</c>, for the variance
/// from the same biased batch variance. <b>Inference</b> (<c>Predict</c>, <c>Evaluate</c>, the default): the same
/// formula with the moving mean and variance. As in Keras, a layer whose <see cref="Layer.Trainable"/> is false runs
/// in inference mode even in training, and leaves its statistics alone.
/// </para>
/// <para>
/// Input: any rank, channels on the normalized axis, which is the last axis (channels-last data). Output: the input's
/// shape. Weights: <c>gamma</c> and <c>beta</c> (trainable, when <see cref="Scale"/> and <see cref="Center"/>) then
/// <c>moving_mean</c> and <c>moving_variance</c> (non-trainable), each [channels].
/// </para>
/// </remarks>
/// <example>
/// <code>
/// new Conv2D(32, kernelSize: 3, useBias: false), new BatchNormalization(), new Activation("relu")
/// </code>
/// </example>
public sealed class BatchNormalization : Layer
{
    private Variable? _gamma;
    private Variable? _beta;
    private Variable? _movingMean;
    private Variable? _movingVariance;

    /// <summary>Creates the layer.</summary>
    /// <param name="axis">The channel axis (default -1, the last). Nabla's layers are channels-last: the axis must be the last one.</param>
    /// <param name="momentum">Weight of the old value in the moving averages, in [0, 1] (default 0.99).</param>
    /// <param name="epsilon">Added to the variance before the square root, 0 or more (default 1e-3).</param>
    /// <param name="center">Whether to add the offset <c>beta</c> (default true).</param>
    /// <param name="scale">Whether to multiply by <c>gamma</c> (default true).</param>
    /// <param name="betaInitializer">How to fill beta (default <c>zeros</c>).</param>
    /// <param name="gammaInitializer">How to fill gamma (default <c>ones</c>).</param>
    /// <param name="movingMeanInitializer">How to fill the moving mean (default <c>zeros</c>).</param>
    /// <param name="movingVarianceInitializer">How to fill the moving variance (default <c>ones</c>).</param>
    /// <param name="betaRegularizer">A penalty on beta added to the loss (default none).</param>
    /// <param name="gammaRegularizer">A penalty on gamma added to the loss (default none).</param>
    /// <param name="inputShape">The shape of one sample when this is the model's first layer.</param>
    /// <param name="name">The layer's name (default <c>batch_normalization</c>, made unique).</param>
    /// <exception cref="ArgumentOutOfRangeException">Momentum is outside [0, 1], or epsilon is negative or not finite.</exception>
    public BatchNormalization(int axis = -1, double momentum = 0.99, double epsilon = 1e-3, bool center = true, bool scale = true,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null,
        Initializer? movingMeanInitializer = null, Initializer? movingVarianceInitializer = null,
        Regularizer? betaRegularizer = null, Regularizer? gammaRegularizer = null,
        int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        if (!(momentum >= 0 && momentum <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum,
                string.Create(CultureInfo.InvariantCulture, $"BatchNormalization: momentum must be in [0, 1], but received momentum={momentum}."));
        }

        if (!(epsilon >= 0) || double.IsInfinity(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon,
                string.Create(CultureInfo.InvariantCulture, $"BatchNormalization: epsilon must be a finite number >= 0, but received epsilon={epsilon}."));
        }

        (Axis, Momentum, Epsilon, Center, Scale) = (axis, momentum, epsilon, center, scale);
        BetaInitializer = betaInitializer ?? new Zeros();
        GammaInitializer = gammaInitializer ?? new Ones();
        MovingMeanInitializer = movingMeanInitializer ?? new Zeros();
        MovingVarianceInitializer = movingVarianceInitializer ?? new Ones();
        (BetaRegularizer, GammaRegularizer) = (betaRegularizer, gammaRegularizer);
        InputSpec = new InputSpec(minRank: 2);
    }

    /// <summary>The channel axis, as given.</summary>
    public int Axis { get; }

    /// <summary>Weight of the old value in the moving averages.</summary>
    public double Momentum { get; }

    /// <summary>Added to the variance before the square root (applied in single precision, as Keras's backends do).</summary>
    public double Epsilon { get; }

    /// <summary>Whether beta is added.</summary>
    public bool Center { get; }

    /// <summary>Whether gamma multiplies.</summary>
    public bool Scale { get; }

    /// <summary>Beta's initializer.</summary>
    public Initializer BetaInitializer { get; }

    /// <summary>Gamma's initializer.</summary>
    public Initializer GammaInitializer { get; }

    /// <summary>The moving mean's initializer.</summary>
    public Initializer MovingMeanInitializer { get; }

    /// <summary>The moving variance's initializer.</summary>
    public Initializer MovingVarianceInitializer { get; }

    /// <summary>Beta's regularizer, or null.</summary>
    public Regularizer? BetaRegularizer { get; }

    /// <summary>Gamma's regularizer, or null.</summary>
    public Regularizer? GammaRegularizer { get; }

    /// <summary>Gamma [channels], once built (null without scale).</summary>
    public Variable? Gamma => _gamma;

    /// <summary>Beta [channels], once built (null without center).</summary>
    public Variable? Beta => _beta;

    /// <summary>The moving mean [channels], once built.</summary>
    public Variable? MovingMean => _movingMean;

    /// <summary>The moving variance [channels], once built.</summary>
    public Variable? MovingVariance => _movingVariance;

    /// <inheritdoc/>
    protected override void Build(int[] inputShape)
    {
        int rank = inputShape.Length, channels = inputShape[^1];
        string shape = ShapeUtil.Format(inputShape).Replace("-1", "None", StringComparison.Ordinal);
        if (Axis != -1 && Axis != rank - 1)
        {
            throw new ShapeMismatchException(Name, "the channel axis last", shape,
                $"Layer {Describe()} normalizes the last axis (channels-last data), but received axis={Axis} for input shape {shape}. " +
                $"Use axis=-1 (or {rank - 1}) with the channels last.");
        }

        if (channels < 1)
        {
            throw new ShapeMismatchException(Name, "a known number of channels", shape,
                $"Layer {Describe()} expects input with a known number of channels (last axis), but received shape {shape}.");
        }

        InputSpec = new InputSpec(rank: rank, axes: new Dictionary<int, int> { [-1] = channels });
        _gamma = Scale ? AddWeight("gamma", [channels], GammaInitializer, regularizer: GammaRegularizer) : null;
        _beta = Center ? AddWeight("beta", [channels], BetaInitializer, regularizer: BetaRegularizer) : null;
        _movingMean = AddWeight("moving_mean", [channels], MovingMeanInitializer, trainable: false);
        _movingVariance = AddWeight("moving_variance", [channels], MovingVarianceInitializer, trainable: false);
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        Tensor movingMean = _movingMean!.Value, movingVariance = _movingVariance!.Value;
        if (!training || !Trainable)
        {
            return Ops.BatchNormInference(inputs, _gamma?.Value, _beta?.Value, movingMean, movingVariance, (float)Epsilon);
        }

        Tensor y = Ops.BatchNormTraining(inputs, _gamma?.Value, _beta?.Value, (float)Epsilon, out Tensor mean, out Tensor variance);
        if (movingMean.Memory is null)
        {
            BatchNorm.UpdateMoving(movingMean.Span, mean.Span, Momentum);
            BatchNorm.UpdateMoving(movingVariance.Span, variance.Span, Momentum);
        }
        else
        {
            DeviceBackend device = Compute.Backend("BatchNormalization", movingMean, mean, movingVariance, variance);
            device.UpdateMoving(movingMean, mean, (float)Momentum);
            device.UpdateMoving(movingVariance, variance, (float)Momentum);
        }

        return y;
    }

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
        config["axis"] = Axis;
        config["momentum"] = Momentum;
        config["epsilon"] = Epsilon;
        config["center"] = Center;
        config["scale"] = Scale;
        config["beta_initializer"] = WeightConfig.Of(BetaInitializer);
        config["gamma_initializer"] = WeightConfig.Of(GammaInitializer);
        config["moving_mean_initializer"] = WeightConfig.Of(MovingMeanInitializer);
        config["moving_variance_initializer"] = WeightConfig.Of(MovingVarianceInitializer);
        config["beta_regularizer"] = WeightConfig.Of(BetaRegularizer);
        config["gamma_regularizer"] = WeightConfig.Of(GammaRegularizer);
        return config;
    }

    /// <summary>Recreates a layer from <see cref="GetConfig"/>'s output (or a Keras config).</summary>
    /// <exception cref="ArgumentException">The config's <c>axis</c> is a list of more or fewer than one axis.</exception>
    internal static BatchNormalization FromConfig(IReadOnlyDictionary<string, object?> config) => new(
        AxisFromConfig(config),
        ConfigValues.GetDouble(config, "momentum", 0.99),
        ConfigValues.GetDouble(config, "epsilon", 1e-3),
        ConfigValues.GetBool(config, "center", true),
        ConfigValues.GetBool(config, "scale", true),
        ConfigValues.GetInitializer(config, "beta_initializer"),
        ConfigValues.GetInitializer(config, "gamma_initializer"),
        ConfigValues.GetInitializer(config, "moving_mean_initializer"),
        ConfigValues.GetInitializer(config, "moving_variance_initializer"),
        ConfigValues.GetRegularizer(config, "beta_regularizer"),
        ConfigValues.GetRegularizer(config, "gamma_regularizer"),
        ConfigValues.GetIntArray(config, "input_shape"),
        ConfigValues.GetString(config, "name", null))
    {
        Trainable = ConfigValues.GetBool(config, "trainable", true),
    };

    // Keras 3 and Keras 2.0–2.2 write the axis as an integer (-1); tf.keras 2.x writes the list its build normalized
    // it to ([3] for images, [1] after a Dense layer), as Keras 2 .h5 files hold it.
    private static int AxisFromConfig(IReadOnlyDictionary<string, object?> config)
    {
        if (config.TryGetValue("axis", out object? v) && v is System.Collections.IEnumerable and not string or System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Array })
        {
            int[] axes = ConfigValues.GetIntArray(config, "axis")!;
            return axes.Length == 1
                ? axes[0]
                : throw new ArgumentException($"'axis' is [{string.Join(", ", axes)}], but Nabla's BatchNormalization normalizes one axis, the last (channels-last data).");
        }

        return ConfigValues.GetNullableInt(config, "axis") ?? -1;
    }

    /// <inheritdoc/>
    protected override string DescribeHyperparameters() => string.Create(CultureInfo.InvariantCulture, $"axis={Axis}, momentum={Momentum}");
}
