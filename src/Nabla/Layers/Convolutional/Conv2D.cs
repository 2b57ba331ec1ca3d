using Nabla.Activations;
using Nabla.Autodiff;
using Nabla.Initializers;
using Nabla.Kernels;
using Nabla.Regularizers;

namespace Nabla.Layers;

/// <summary>
/// A 2-D convolution layer: <c>activation(conv(inputs, kernel) + bias)</c> over channels-last images (Keras's
/// <c>Conv2D</c>, a cross-correlation as in every framework).
/// </summary>
/// <remarks>
/// Input: [batch, height, width, channels]. Output: [batch, newHeight, newWidth, filters], where each new length is
/// ⌊(length − (kernel − 1)·dilation − 1) / stride⌋ + 1 with padding "valid" and ⌈length / stride⌉ with "same"
/// (TensorFlow's rule: the odd padding row or column goes at the bottom or right). Weights: <c>kernel</c>
/// [kernelHeight, kernelWidth, channels / groups, filters] and <c>bias</c> [filters], as Keras stores them. The
/// convolution, bias and built-in activation run as one fused op forward and backward.
/// </remarks>
/// <example>
/// <code>
/// var conv = new Conv2D(32, kernelSize: 3, activation: "relu", padding: "same", inputShape: [28, 28, 1]);
/// var wide = new Conv2D(64, kernelSize: (3, 5), strides: 2);
/// </code>
/// </example>
public sealed class Conv2D : Layer
{
    private readonly SlidingWindow _window;
    private Variable? _kernel;
    private Variable? _bias;

    /// <summary>Creates the layer.</summary>
    /// <param name="filters">Output channels, positive; a multiple of <paramref name="groups"/>.</param>
    /// <param name="kernelSize">The window, an int or (height, width).</param>
    /// <param name="strides">Steps between windows, an int or (height, width) (default 1). Above 1 excludes a dilation above 1.</param>
    /// <param name="padding"><c>"valid"</c> (default: no padding) or <c>"same"</c> (zeros so that output = ⌈input / stride⌉); any case.</param>
    /// <param name="dilationRate">Steps between kernel taps, an int or (height, width) (default 1).</param>
    /// <param name="groups">Channel groups convolved separately (default 1); divides the input channels and the filters.</param>
    /// <param name="activation">The activation, by name or object (default none: linear).</param>
    /// <param name="useBias">Whether to add a bias (default true).</param>
    /// <param name="kernelInitializer">How to fill the kernel (default <c>glorot_uniform</c>).</param>
    /// <param name="biasInitializer">How to fill the bias (default <c>zeros</c>).</param>
    /// <param name="kernelRegularizer">A penalty on the kernel added to the loss (default none).</param>
    /// <param name="biasRegularizer">A penalty on the bias added to the loss (default none).</param>
    /// <param name="inputShape">The shape of one sample when this is the model's first layer, e.g. <c>[28, 28, 1]</c>.</param>
    /// <param name="name">The layer's name (default <c>conv2d</c>, made unique).</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// A count, size, stride or dilation is not positive, groups do not divide the filters, or strides and dilation
    /// both exceed 1.
    /// </exception>
    /// <exception cref="ArgumentException">The padding or the activation is unknown.</exception>
    public Conv2D(int filters, IntPair kernelSize, IntPair? strides = null, string padding = "valid", IntPair? dilationRate = null,
        int groups = 1, ActivationFunction? activation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null,
        int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        ConvChecks.FiltersAndGroups(nameof(Conv2D), filters, groups);
        _window = new SlidingWindow(nameof(Conv2D), 2, kernelSize, strides ?? 1, padding, dilationRate ?? 1);
        (Filters, Groups) = (filters, groups);
        Activation = activation ?? ActivationFunction.Linear;
        UseBias = useBias;
        KernelInitializer = kernelInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
        KernelRegularizer = kernelRegularizer;
        BiasRegularizer = biasRegularizer;
        InputSpec = new InputSpec(rank: 4);
    }

    /// <summary>Output channels.</summary>
    public int Filters { get; }

    /// <summary>The window (height, width).</summary>
    public IntPair KernelSize => _window.Size;

    /// <summary>Steps between windows.</summary>
    public IntPair Strides => _window.Strides;

    /// <summary><c>"valid"</c> or <c>"same"</c>.</summary>
    public string Padding => _window.Padding;

    /// <summary>Steps between kernel taps.</summary>
    public IntPair DilationRate => _window.Dilation;

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

    /// <summary>The kernel [kernelHeight, kernelWidth, channels / groups, filters], once built.</summary>
    public Variable? Kernel => _kernel;

    /// <summary>The bias [filters], once built (null without bias).</summary>
    public Variable? Bias => _bias;

    /// <inheritdoc/>
    protected override void Build(int[] inputShape)
    {
        int channels = ConvChecks.InputChannels(this, inputShape, Groups);
        _window.OutputShape(this, inputShape, Filters);
        InputSpec = new InputSpec(rank: 4, axes: new Dictionary<int, int> { [-1] = channels });
        int[] kernelShape = [KernelSize.Height, KernelSize.Width, channels / Groups, Filters];
        _kernel = AddWeight("kernel", kernelShape, KernelInitializer, regularizer: KernelRegularizer);
        _bias = UseBias ? AddWeight("bias", [Filters], BiasInitializer, regularizer: BiasRegularizer) : null;
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        Conv2DGeometry geometry = _window.Convolution(this, inputs.Dims, Filters, Groups);
        return ConvChecks.Fused(Activation, inputs, _kernel!.Value, _bias?.Value, geometry);
    }

    /// <summary>
    /// This layer then <paramref name="pool"/> on <paramref name="inputs"/>, in one pass (see
    /// <see cref="Ops.Conv2DMaxPool"/>): what <c>pool.Apply(Apply(inputs, training), training)</c> returns for either
    /// value of training (neither layer depends on it), or null, having computed nothing, when the pair cannot run
    /// fused (a layer not built yet, an activation applied apart, a gradient to record through an activation other than
    /// ReLU or linear, a pooling or an algorithm that cannot take the output in blocks).
    /// </summary>
    internal Tensor? ApplyPooled(Tensor inputs, MaxPooling2D pool)
    {
        if (!IsBuilt || !pool.IsBuilt || Activation.Fusable is not { } activation)
        {
            return null;
        }

        InputSpec?.Check(this, inputs.Dims);
        Conv2DGeometry geometry = _window.Convolution(this, inputs.Dims, Filters, Groups);
        ReadOnlySpan<int> outputDims = [geometry.Batch, geometry.OutputHeight, geometry.OutputWidth, geometry.OutputChannels];
        pool.InputSpec?.Check(pool, outputDims);
        return Ops.Conv2DMaxPool(inputs, _kernel!.Value, _bias?.Value, in geometry, activation, pool.Geometry(outputDims));
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
    internal static Conv2D FromConfig(IReadOnlyDictionary<string, object?> config)
    {
        WeightConfig.RequireChannelsLast(config, nameof(Conv2D));
        return new Conv2D(
            ConfigValues.GetInt(config, "filters"),
            IntPair.FromConfig(config, "kernel_size", 0),
            IntPair.FromConfig(config, "strides", 1),
            ConfigValues.GetString(config, "padding", "valid")!,
            IntPair.FromConfig(config, "dilation_rate", 1),
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
