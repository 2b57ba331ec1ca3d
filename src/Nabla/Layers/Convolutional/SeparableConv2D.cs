using Nabla.Activations;
using Nabla.Autodiff;
using Nabla.Initializers;
using Nabla.Kernels;
using Nabla.Regularizers;

namespace Nabla.Layers;

/// <summary>
/// A depthwise separable 2-D convolution: a depthwise convolution (each channel with its own
/// <see cref="DepthMultiplier"/> filters) followed by a pointwise 1×1 convolution that mixes the channels into
/// <see cref="Filters"/> outputs, then bias and activation (Keras's <c>SeparableConv2D</c>).
/// </summary>
/// <remarks>
/// Input: [batch, height, width, channels]. Output: [batch, newHeight, newWidth, filters], new lengths as in
/// <see cref="Conv2D"/> (the window, strides, padding and dilation belong to the depthwise step). Weights, in Keras's
/// order and layouts: <c>depthwise_kernel</c> [kernelHeight, kernelWidth, channels, depthMultiplier],
/// <c>pointwise_kernel</c> [1, 1, channels·depthMultiplier, filters] and <c>bias</c> [filters].
/// </remarks>
/// <example>
/// <code>
/// var separable = new SeparableConv2D(64, kernelSize: 3, padding: "same", activation: "relu");
/// </code>
/// </example>
public sealed class SeparableConv2D : Layer
{
    private readonly SlidingWindow _window;
    private Variable? _depthwise;
    private Variable? _pointwise;
    private Variable? _bias;
    private int _channels;

    /// <summary>Creates the layer.</summary>
    /// <param name="filters">Output channels, positive.</param>
    /// <param name="kernelSize">The depthwise window, an int or (height, width).</param>
    /// <param name="strides">Steps between windows, an int or (height, width) (default 1). Above 1 excludes a dilation above 1.</param>
    /// <param name="padding"><c>"valid"</c> (default) or <c>"same"</c>; any case.</param>
    /// <param name="dilationRate">Steps between depthwise taps, an int or (height, width) (default 1).</param>
    /// <param name="depthMultiplier">Depthwise filters per input channel (default 1).</param>
    /// <param name="activation">The activation, by name or object (default none: linear).</param>
    /// <param name="useBias">Whether to add a bias (default true).</param>
    /// <param name="depthwiseInitializer">How to fill the depthwise kernel (default <c>glorot_uniform</c>).</param>
    /// <param name="pointwiseInitializer">How to fill the pointwise kernel (default <c>glorot_uniform</c>).</param>
    /// <param name="biasInitializer">How to fill the bias (default <c>zeros</c>).</param>
    /// <param name="depthwiseRegularizer">A penalty on the depthwise kernel (default none).</param>
    /// <param name="pointwiseRegularizer">A penalty on the pointwise kernel (default none).</param>
    /// <param name="biasRegularizer">A penalty on the bias (default none).</param>
    /// <param name="inputShape">The shape of one sample when this is the model's first layer, e.g. <c>[32, 32, 3]</c>.</param>
    /// <param name="name">The layer's name (default <c>separable_conv2d</c>, made unique).</param>
    /// <exception cref="ArgumentOutOfRangeException">A count, size, stride, dilation or the multiplier is not positive, or strides and dilation both exceed 1.</exception>
    /// <exception cref="ArgumentException">The padding or the activation is unknown.</exception>
    public SeparableConv2D(int filters, IntPair kernelSize, IntPair? strides = null, string padding = "valid",
        IntPair? dilationRate = null, int depthMultiplier = 1, ActivationFunction? activation = null, bool useBias = true,
        Initializer? depthwiseInitializer = null, Initializer? pointwiseInitializer = null, Initializer? biasInitializer = null,
        Regularizer? depthwiseRegularizer = null, Regularizer? pointwiseRegularizer = null, Regularizer? biasRegularizer = null,
        int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        ConvChecks.FiltersAndGroups(nameof(SeparableConv2D), filters, 1);
        ConvChecks.DepthMultiplier(nameof(SeparableConv2D), depthMultiplier);
        _window = new SlidingWindow(nameof(SeparableConv2D), 2, kernelSize, strides ?? 1, padding, dilationRate ?? 1);
        (Filters, DepthMultiplier) = (filters, depthMultiplier);
        Activation = activation ?? ActivationFunction.Linear;
        UseBias = useBias;
        DepthwiseInitializer = depthwiseInitializer ?? new GlorotUniform();
        PointwiseInitializer = pointwiseInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
        (DepthwiseRegularizer, PointwiseRegularizer, BiasRegularizer) = (depthwiseRegularizer, pointwiseRegularizer, biasRegularizer);
        InputSpec = new InputSpec(rank: 4);
    }

    /// <summary>Output channels.</summary>
    public int Filters { get; }

    /// <summary>The depthwise window (height, width).</summary>
    public IntPair KernelSize => _window.Size;

    /// <summary>Steps between windows.</summary>
    public IntPair Strides => _window.Strides;

    /// <summary><c>"valid"</c> or <c>"same"</c>.</summary>
    public string Padding => _window.Padding;

    /// <summary>Steps between depthwise taps.</summary>
    public IntPair DilationRate => _window.Dilation;

    /// <summary>Depthwise filters per input channel.</summary>
    public int DepthMultiplier { get; }

    /// <summary>The activation.</summary>
    public ActivationFunction Activation { get; }

    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <summary>The depthwise kernel's initializer.</summary>
    public Initializer DepthwiseInitializer { get; }

    /// <summary>The pointwise kernel's initializer.</summary>
    public Initializer PointwiseInitializer { get; }

    /// <summary>The bias's initializer.</summary>
    public Initializer BiasInitializer { get; }

    /// <summary>The depthwise kernel's regularizer, or null.</summary>
    public Regularizer? DepthwiseRegularizer { get; }

    /// <summary>The pointwise kernel's regularizer, or null.</summary>
    public Regularizer? PointwiseRegularizer { get; }

    /// <summary>The bias's regularizer, or null.</summary>
    public Regularizer? BiasRegularizer { get; }

    /// <summary>The depthwise kernel [kernelHeight, kernelWidth, channels, depthMultiplier], once built.</summary>
    public Variable? DepthwiseKernel => _depthwise;

    /// <summary>The pointwise kernel [1, 1, channels·depthMultiplier, filters], once built.</summary>
    public Variable? PointwiseKernel => _pointwise;

    /// <summary>The bias [filters], once built (null without bias).</summary>
    public Variable? Bias => _bias;

    /// <inheritdoc/>
    protected override void Build(int[] inputShape)
    {
        _channels = ConvChecks.InputChannels(this, inputShape, 1);
        _window.OutputShape(this, inputShape, Filters);
        InputSpec = new InputSpec(rank: 4, axes: new Dictionary<int, int> { [-1] = _channels });
        int[] depthwiseShape = [KernelSize.Height, KernelSize.Width, _channels, DepthMultiplier];
        _depthwise = AddWeight("depthwise_kernel", depthwiseShape, DepthwiseInitializer, regularizer: DepthwiseRegularizer);
        _pointwise = AddWeight("pointwise_kernel", [1, 1, _channels * DepthMultiplier, Filters], PointwiseInitializer, regularizer: PointwiseRegularizer);
        _bias = UseBias ? AddWeight("bias", [Filters], BiasInitializer, regularizer: BiasRegularizer) : null;
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        int middle = _channels * DepthMultiplier;
        Conv2DGeometry depthwise = _window.Convolution(this, inputs.Dims, middle, _channels);
        Tensor h = Ops.Conv2D(inputs, _depthwise!.Value, null, in depthwise, ActivationTable.Linear);
        Conv2DGeometry pointwise = Conv2DGeometry.Create(depthwise.Batch, depthwise.OutputHeight, depthwise.OutputWidth, middle, Filters, 1, 1, PaddingMode.Valid);
        return ConvChecks.Fused(Activation, h, _pointwise!.Value, _bias?.Value, pointwise);
    }

    /// <inheritdoc/>
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        InputSpec?.Check(this, inputShape);
        return _window.OutputShape(this, inputShape, Filters);
    }

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> config = base.GetConfig();
        config["depth_multiplier"] = DepthMultiplier;
        config["filters"] = Filters;
        _window.WriteConfig(config, "kernel_size");
        config["activation"] = Activation.Name;
        config["use_bias"] = UseBias;
        config["depthwise_initializer"] = WeightConfig.Of(DepthwiseInitializer);
        config["pointwise_initializer"] = WeightConfig.Of(PointwiseInitializer);
        config["bias_initializer"] = WeightConfig.Of(BiasInitializer);
        config["depthwise_regularizer"] = WeightConfig.Of(DepthwiseRegularizer);
        config["pointwise_regularizer"] = WeightConfig.Of(PointwiseRegularizer);
        config["bias_regularizer"] = WeightConfig.Of(BiasRegularizer);
        return config;
    }

    /// <summary>Recreates a layer from <see cref="GetConfig"/>'s output (or a Keras config).</summary>
    internal static SeparableConv2D FromConfig(IReadOnlyDictionary<string, object?> config)
    {
        WeightConfig.RequireChannelsLast(config, nameof(SeparableConv2D));
        return new SeparableConv2D(
            ConfigValues.GetInt(config, "filters"),
            IntPair.FromConfig(config, "kernel_size", 0),
            IntPair.FromConfig(config, "strides", 1),
            ConfigValues.GetString(config, "padding", "valid")!,
            IntPair.FromConfig(config, "dilation_rate", 1),
            ConfigValues.GetNullableInt(config, "depth_multiplier") ?? 1,
            ActivationFunction.Get(ConfigValues.GetString(config, "activation", "linear")),
            ConfigValues.GetBool(config, "use_bias", true),
            ConfigValues.GetInitializer(config, "depthwise_initializer"),
            ConfigValues.GetInitializer(config, "pointwise_initializer"),
            ConfigValues.GetInitializer(config, "bias_initializer"),
            ConfigValues.GetRegularizer(config, "depthwise_regularizer"),
            ConfigValues.GetRegularizer(config, "pointwise_regularizer"),
            ConfigValues.GetRegularizer(config, "bias_regularizer"),
            ConfigValues.GetIntArray(config, "input_shape"),
            ConfigValues.GetString(config, "name", null))
        {
            Trainable = ConfigValues.GetBool(config, "trainable", true),
        };
    }

    /// <inheritdoc/>
    protected override string DescribeHyperparameters() => $"filters={Filters}, kernelSize={KernelSize}";
}
