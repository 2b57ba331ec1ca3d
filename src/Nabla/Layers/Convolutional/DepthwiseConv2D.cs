using Nabla.Activations;
using Nabla.Autodiff;
using Nabla.Initializers;
using Nabla.Kernels;
using Nabla.Regularizers;

namespace Nabla.Layers;

/// <summary>
/// A depthwise 2-D convolution: each input channel convolved with its own <see cref="DepthMultiplier"/> filters
/// (Keras's <c>DepthwiseConv2D</c>), then bias and activation.
/// </summary>
/// <remarks>
/// Input: [batch, height, width, channels]. Output: [batch, newHeight, newWidth, channels·depthMultiplier], output
/// channel c·depthMultiplier + m coming from input channel c; new lengths as in <see cref="Conv2D"/>. Weights:
/// <c>kernel</c> [kernelHeight, kernelWidth, channels, depthMultiplier] and <c>bias</c> [channels·depthMultiplier], as
/// Keras 3 stores them. It is a convolution with as many groups as channels, computed by per-channel vector loops.
/// </remarks>
/// <example>
/// <code>
/// var depthwise = new DepthwiseConv2D(kernelSize: 3, padding: "same", depthMultiplier: 2);
/// </code>
/// </example>
public sealed class DepthwiseConv2D : Layer
{
    private readonly SlidingWindow _window;
    private Variable? _kernel;
    private Variable? _bias;
    private int _channels;

    /// <summary>Creates the layer.</summary>
    /// <param name="kernelSize">The window, an int or (height, width).</param>
    /// <param name="strides">Steps between windows, an int or (height, width) (default 1). Above 1 excludes a dilation above 1.</param>
    /// <param name="padding"><c>"valid"</c> (default) or <c>"same"</c>; any case.</param>
    /// <param name="depthMultiplier">Filters per input channel (default 1).</param>
    /// <param name="dilationRate">Steps between kernel taps, an int or (height, width) (default 1).</param>
    /// <param name="activation">The activation, by name or object (default none: linear).</param>
    /// <param name="useBias">Whether to add a bias (default true).</param>
    /// <param name="depthwiseInitializer">How to fill the kernel (default <c>glorot_uniform</c>).</param>
    /// <param name="biasInitializer">How to fill the bias (default <c>zeros</c>).</param>
    /// <param name="depthwiseRegularizer">A penalty on the kernel added to the loss (default none).</param>
    /// <param name="biasRegularizer">A penalty on the bias added to the loss (default none).</param>
    /// <param name="inputShape">The shape of one sample when this is the model's first layer, e.g. <c>[28, 28, 3]</c>.</param>
    /// <param name="name">The layer's name (default <c>depthwise_conv2d</c>, made unique).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size, stride, dilation or the multiplier is not positive, or strides and dilation both exceed 1.</exception>
    /// <exception cref="ArgumentException">The padding or the activation is unknown.</exception>
    public DepthwiseConv2D(IntPair kernelSize, IntPair? strides = null, string padding = "valid", int depthMultiplier = 1,
        IntPair? dilationRate = null, ActivationFunction? activation = null, bool useBias = true,
        Initializer? depthwiseInitializer = null, Initializer? biasInitializer = null,
        Regularizer? depthwiseRegularizer = null, Regularizer? biasRegularizer = null,
        int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        ConvChecks.DepthMultiplier(nameof(DepthwiseConv2D), depthMultiplier);
        _window = new SlidingWindow(nameof(DepthwiseConv2D), 2, kernelSize, strides ?? 1, padding, dilationRate ?? 1);
        DepthMultiplier = depthMultiplier;
        Activation = activation ?? ActivationFunction.Linear;
        UseBias = useBias;
        DepthwiseInitializer = depthwiseInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
        DepthwiseRegularizer = depthwiseRegularizer;
        BiasRegularizer = biasRegularizer;
        InputSpec = new InputSpec(rank: 4);
    }

    /// <summary>The window (height, width).</summary>
    public IntPair KernelSize => _window.Size;

    /// <summary>Steps between windows.</summary>
    public IntPair Strides => _window.Strides;

    /// <summary><c>"valid"</c> or <c>"same"</c>.</summary>
    public string Padding => _window.Padding;

    /// <summary>Filters per input channel.</summary>
    public int DepthMultiplier { get; }

    /// <summary>Steps between kernel taps.</summary>
    public IntPair DilationRate => _window.Dilation;

    /// <summary>The activation.</summary>
    public ActivationFunction Activation { get; }

    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <summary>The kernel's initializer.</summary>
    public Initializer DepthwiseInitializer { get; }

    /// <summary>The bias's initializer.</summary>
    public Initializer BiasInitializer { get; }

    /// <summary>The kernel's regularizer, or null.</summary>
    public Regularizer? DepthwiseRegularizer { get; }

    /// <summary>The bias's regularizer, or null.</summary>
    public Regularizer? BiasRegularizer { get; }

    /// <summary>The kernel [kernelHeight, kernelWidth, channels, depthMultiplier], once built.</summary>
    public Variable? Kernel => _kernel;

    /// <summary>The bias [channels·depthMultiplier], once built (null without bias).</summary>
    public Variable? Bias => _bias;

    /// <inheritdoc/>
    protected override void Build(int[] inputShape)
    {
        _channels = ConvChecks.InputChannels(this, inputShape, 1);
        _window.OutputShape(this, inputShape, _channels * DepthMultiplier);
        InputSpec = new InputSpec(rank: 4, axes: new Dictionary<int, int> { [-1] = _channels });
        int[] kernelShape = [KernelSize.Height, KernelSize.Width, _channels, DepthMultiplier];
        _kernel = AddWeight("kernel", kernelShape, DepthwiseInitializer, regularizer: DepthwiseRegularizer);
        _bias = UseBias ? AddWeight("bias", [_channels * DepthMultiplier], BiasInitializer, regularizer: BiasRegularizer) : null;
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        // One group per channel: the kernel [kh, kw, C, M] has the floats of the grouped layout [kh, kw, 1, C·M].
        Conv2DGeometry geometry = _window.Convolution(this, inputs.Dims, _channels * DepthMultiplier, _channels);
        return ConvChecks.Fused(Activation, inputs, _kernel!.Value, _bias?.Value, geometry);
    }

    /// <inheritdoc/>
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        InputSpec?.Check(this, inputShape);
        int channels = inputShape[^1];
        return _window.OutputShape(this, inputShape, channels < 0 ? -1 : channels * DepthMultiplier);
    }

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> config = base.GetConfig();
        config["depth_multiplier"] = DepthMultiplier;
        _window.WriteConfig(config, "kernel_size");
        config["activation"] = Activation.Name;
        config["use_bias"] = UseBias;
        config["depthwise_initializer"] = WeightConfig.Of(DepthwiseInitializer);
        config["bias_initializer"] = WeightConfig.Of(BiasInitializer);
        config["depthwise_regularizer"] = WeightConfig.Of(DepthwiseRegularizer);
        config["bias_regularizer"] = WeightConfig.Of(BiasRegularizer);
        return config;
    }

    /// <summary>Recreates a layer from <see cref="GetConfig"/>'s output (or a Keras config).</summary>
    internal static DepthwiseConv2D FromConfig(IReadOnlyDictionary<string, object?> config)
    {
        WeightConfig.RequireChannelsLast(config, nameof(DepthwiseConv2D));
        return new DepthwiseConv2D(
            IntPair.FromConfig(config, "kernel_size", 0),
            IntPair.FromConfig(config, "strides", 1),
            ConfigValues.GetString(config, "padding", "valid")!,
            ConfigValues.GetNullableInt(config, "depth_multiplier") ?? 1,
            IntPair.FromConfig(config, "dilation_rate", 1),
            ActivationFunction.Get(ConfigValues.GetString(config, "activation", "linear")),
            ConfigValues.GetBool(config, "use_bias", true),
            ConfigValues.GetInitializer(config, "depthwise_initializer"),
            ConfigValues.GetInitializer(config, "bias_initializer"),
            ConfigValues.GetRegularizer(config, "depthwise_regularizer"),
            ConfigValues.GetRegularizer(config, "bias_regularizer"),
            ConfigValues.GetIntArray(config, "input_shape"),
            ConfigValues.GetString(config, "name", null))
        {
            Trainable = ConfigValues.GetBool(config, "trainable", true),
        };
    }

    /// <inheritdoc/>
    protected override string DescribeHyperparameters() => $"kernelSize={KernelSize}, depthMultiplier={DepthMultiplier}";
}
