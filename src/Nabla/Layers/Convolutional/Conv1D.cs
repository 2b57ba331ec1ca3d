using Nabla.Activations;
using Nabla.Autodiff;
using Nabla.Initializers;
using Nabla.Kernels;
using Nabla.Regularizers;

namespace Nabla.Layers;

/// <summary>
/// A 1-D convolution layer over sequences: <c>activation(conv(inputs, kernel) + bias)</c> along the steps (Keras's
/// <c>Conv1D</c>), computed by the 2-D kernels with a height of 1.
/// </summary>
/// <remarks>
/// Input: [batch, steps, channels]. Output: [batch, newSteps, filters], with newSteps =
/// ⌊(steps − (kernel − 1)·dilation − 1) / stride⌋ + 1 for "valid" and ⌈steps / stride⌉ for "same" and "causal"
/// ("causal" pads (kernel − 1)·dilation zeros before the first step only, so output t never sees inputs after t).
/// Weights: <c>kernel</c> [kernelSize, channels / groups, filters] and <c>bias</c> [filters].
/// </remarks>
/// <example>
/// <code>
/// var conv = new Conv1D(32, kernelSize: 3, activation: "relu", inputShape: [10, 128]);   // [batch, 8, 32]
/// var causal = new Conv1D(16, kernelSize: 2, padding: "causal", dilationRate: 4);
/// </code>
/// </example>
public sealed class Conv1D : Layer
{
    private readonly SlidingWindow _window;
    private Variable? _kernel;
    private Variable? _bias;

    /// <summary>Creates the layer.</summary>
    /// <param name="filters">Output channels, positive; a multiple of <paramref name="groups"/>.</param>
    /// <param name="kernelSize">The window, in steps.</param>
    /// <param name="strides">Steps between windows (default 1). Above 1 excludes a dilation above 1.</param>
    /// <param name="padding"><c>"valid"</c> (default), <c>"same"</c> or <c>"causal"</c>; any case.</param>
    /// <param name="dilationRate">Steps between kernel taps (default 1).</param>
    /// <param name="groups">Channel groups convolved separately (default 1); divides the input channels and the filters.</param>
    /// <param name="activation">The activation, by name or object (default none: linear).</param>
    /// <param name="useBias">Whether to add a bias (default true).</param>
    /// <param name="kernelInitializer">How to fill the kernel (default <c>glorot_uniform</c>).</param>
    /// <param name="biasInitializer">How to fill the bias (default <c>zeros</c>).</param>
    /// <param name="kernelRegularizer">A penalty on the kernel added to the loss (default none).</param>
    /// <param name="biasRegularizer">A penalty on the bias added to the loss (default none).</param>
    /// <param name="inputShape">The shape of one sample when this is the model's first layer, e.g. <c>[10, 128]</c>.</param>
    /// <param name="name">The layer's name (default <c>conv1d</c>, made unique).</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// A count, size, stride or dilation is not positive, groups do not divide the filters, or strides and dilation
    /// both exceed 1.
    /// </exception>
    /// <exception cref="ArgumentException">The padding or the activation is unknown.</exception>
    public Conv1D(int filters, int kernelSize, int strides = 1, string padding = "valid", int dilationRate = 1,
        int groups = 1, ActivationFunction? activation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null,
        int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        ConvChecks.FiltersAndGroups(nameof(Conv1D), filters, groups);
        _window = new SlidingWindow(nameof(Conv1D), 1, (1, kernelSize), (1, strides), padding, (1, dilationRate), allowCausal: true);
        (Filters, Groups) = (filters, groups);
        Activation = activation ?? ActivationFunction.Linear;
        UseBias = useBias;
        KernelInitializer = kernelInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
        KernelRegularizer = kernelRegularizer;
        BiasRegularizer = biasRegularizer;
        InputSpec = new InputSpec(rank: 3);
    }

    /// <summary>Output channels.</summary>
    public int Filters { get; }

    /// <summary>The window, in steps.</summary>
    public int KernelSize => _window.Size.Width;

    /// <summary>Steps between windows.</summary>
    public int Strides => _window.Strides.Width;

    /// <summary><c>"valid"</c>, <c>"same"</c> or <c>"causal"</c>.</summary>
    public string Padding => _window.Padding;

    /// <summary>Steps between kernel taps.</summary>
    public int DilationRate => _window.Dilation.Width;

    /// <summary>Channel groups.</summary>
    public int Groups { get; }

    /// <summary>The activation.</summary>
    public ActivationFunction Activation { get; }

    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <summary>The kernel's initializer.</summary>
    public Initializer KernelInitializer { get; }

    /// <summary>The bias's initializer.</summary>
    public Initializer BiasInitializer { get; }

    /// <summary>The kernel's regularizer, or null.</summary>
    public Regularizer? KernelRegularizer { get; }

    /// <summary>The bias's regularizer, or null.</summary>
    public Regularizer? BiasRegularizer { get; }

    /// <summary>The kernel [kernelSize, channels / groups, filters], once built.</summary>
    public Variable? Kernel => _kernel;

    /// <summary>The bias [filters], once built (null without bias).</summary>
    public Variable? Bias => _bias;

    /// <inheritdoc/>
    protected override void Build(int[] inputShape)
    {
        int channels = ConvChecks.InputChannels(this, inputShape, Groups);
        _window.OutputShape(this, inputShape, Filters);
        InputSpec = new InputSpec(rank: 3, axes: new Dictionary<int, int> { [-1] = channels });
        _kernel = AddWeight("kernel", [KernelSize, channels / Groups, Filters], KernelInitializer, regularizer: KernelRegularizer);
        _bias = UseBias ? AddWeight("bias", [Filters], BiasInitializer, regularizer: BiasRegularizer) : null;
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        // [batch, steps, channels] is [batch, 1, steps, channels]: reshapes are views, and the kernel's floats are
        // already in the 2-D layout [1, kernelSize, channels / groups, filters].
        int batch = inputs.Dim(0), steps = inputs.Dim(1), channels = inputs.Dim(2);
        Tensor image = Ops.Reshape(inputs, [batch, 1, steps, channels]);
        Conv2DGeometry geometry = _window.Convolution(this, image.Dims, Filters, Groups);
        Tensor y = ConvChecks.Fused(Activation, image, _kernel!.Value, _bias?.Value, geometry);
        return Ops.Reshape(y, [batch, geometry.OutputWidth, Filters]);
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
        config["filters"] = Filters;
        _window.WriteConfig(config, "kernel_size");
        config["groups"] = Groups;
        config["activation"] = Activation.Name;
        config["use_bias"] = UseBias;
        config["kernel_initializer"] = WeightConfig.Of(KernelInitializer);
        config["bias_initializer"] = WeightConfig.Of(BiasInitializer);
        config["kernel_regularizer"] = WeightConfig.Of(KernelRegularizer);
        config["bias_regularizer"] = WeightConfig.Of(BiasRegularizer);
        return config;
    }

    /// <summary>Recreates a layer from <see cref="GetConfig"/>'s output (or a Keras config).</summary>
    internal static Conv1D FromConfig(IReadOnlyDictionary<string, object?> config)
    {
        WeightConfig.RequireChannelsLast(config, nameof(Conv1D));
        return new Conv1D(
            ConfigValues.GetInt(config, "filters"),
            IntPair.FromConfig(config, "kernel_size", 0).Width,
            IntPair.FromConfig(config, "strides", 1).Width,
            ConfigValues.GetString(config, "padding", "valid")!,
            IntPair.FromConfig(config, "dilation_rate", 1).Width,
            ConfigValues.GetNullableInt(config, "groups") ?? 1,
            ActivationFunction.Get(ConfigValues.GetString(config, "activation", "linear")),
            ConfigValues.GetBool(config, "use_bias", true),
            ConfigValues.GetInitializer(config, "kernel_initializer"),
            ConfigValues.GetInitializer(config, "bias_initializer"),
            ConfigValues.GetRegularizer(config, "kernel_regularizer"),
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
