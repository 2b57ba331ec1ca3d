using Nabla.Activations;
using Nabla.Autodiff;
using Nabla.Initializers;
using Nabla.Kernels;
using Nabla.Regularizers;

namespace Nabla.Layers;

/// <summary>
/// A transposed 2-D convolution (sometimes called deconvolution): the adjoint of a <see cref="Conv2D"/> with the same
/// window, strides and padding, which maps its output shape back to its input shape, then bias and activation (Keras's
/// <c>Conv2DTranspose</c>, with <c>output_padding=None</c>).
/// </summary>
/// <remarks>
/// Input: [batch, height, width, channels]. Output: [batch, newHeight, newWidth, filters], each new length
/// length·stride with padding "same" and length·stride + max((kernel − 1)·dilation + 1 − stride, 0) with "valid"
/// (Keras's rule). Weights: <c>kernel</c> [kernelHeight, kernelWidth, filters, channels] (Keras's layout for this
/// layer, output channels before input channels) and <c>bias</c> [filters].
/// </remarks>
/// <example>
/// <code>
/// var up = new Conv2DTranspose(16, kernelSize: 3, strides: 2, padding: "same");   // [n, 7, 7, c] → [n, 14, 14, 16]
/// </code>
/// </example>
public sealed class Conv2DTranspose : Layer
{
    private readonly SlidingWindow _window;
    private Variable? _kernel;
    private Variable? _bias;

    /// <summary>Creates the layer.</summary>
    /// <param name="filters">Output channels, positive.</param>
    /// <param name="kernelSize">The window, an int or (height, width).</param>
    /// <param name="strides">Upsampling steps, an int or (height, width) (default 1). Above 1 excludes a dilation above 1.</param>
    /// <param name="padding"><c>"valid"</c> (default) or <c>"same"</c>; any case.</param>
    /// <param name="dilationRate">Steps between kernel taps, an int or (height, width) (default 1).</param>
    /// <param name="activation">The activation, by name or object (default none: linear).</param>
    /// <param name="useBias">Whether to add a bias (default true).</param>
    /// <param name="kernelInitializer">How to fill the kernel (default <c>glorot_uniform</c>).</param>
    /// <param name="biasInitializer">How to fill the bias (default <c>zeros</c>).</param>
    /// <param name="kernelRegularizer">A penalty on the kernel added to the loss (default none).</param>
    /// <param name="biasRegularizer">A penalty on the bias added to the loss (default none).</param>
    /// <param name="inputShape">The shape of one sample when this is the model's first layer, e.g. <c>[7, 7, 64]</c>.</param>
    /// <param name="name">The layer's name (default <c>conv2d_transpose</c>, made unique).</param>
    /// <exception cref="ArgumentOutOfRangeException">A count, size, stride or dilation is not positive, or strides and dilation both exceed 1.</exception>
    /// <exception cref="ArgumentException">The padding or the activation is unknown.</exception>
    public Conv2DTranspose(int filters, IntPair kernelSize, IntPair? strides = null, string padding = "valid", IntPair? dilationRate = null,
        ActivationFunction? activation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null,
        int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        ConvChecks.FiltersAndGroups(nameof(Conv2DTranspose), filters, 1);
        _window = new SlidingWindow(nameof(Conv2DTranspose), 2, kernelSize, strides ?? 1, padding, dilationRate ?? 1);
        Filters = filters;
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

    /// <summary>Upsampling steps.</summary>
    public IntPair Strides => _window.Strides;

    /// <summary><c>"valid"</c> or <c>"same"</c>.</summary>
    public string Padding => _window.Padding;

    /// <summary>Steps between kernel taps.</summary>
    public IntPair DilationRate => _window.Dilation;

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

    /// <summary>The kernel [kernelHeight, kernelWidth, filters, channels], once built.</summary>
    public Variable? Kernel => _kernel;

    /// <summary>The bias [filters], once built (null without bias).</summary>
    public Variable? Bias => _bias;

    /// <inheritdoc/>
    protected override void Build(int[] inputShape)
    {
        int channels = ConvChecks.InputChannels(this, inputShape, 1);
        InputSpec = new InputSpec(rank: 4, axes: new Dictionary<int, int> { [-1] = channels });
        int[] kernelShape = [KernelSize.Height, KernelSize.Width, Filters, channels];
        _kernel = AddWeight("kernel", kernelShape, KernelInitializer, regularizer: KernelRegularizer);
        _bias = UseBias ? AddWeight("bias", [Filters], BiasInitializer, regularizer: BiasRegularizer) : null;
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        Conv2DGeometry geometry = _window.Transpose(inputs.Dims, Filters);
        return ConvChecks.Fused(Activation, inputs, _kernel!.Value, _bias?.Value, geometry, transpose: true);
    }

    /// <inheritdoc/>
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        InputSpec?.Check(this, inputShape);
        return _window.TransposeOutputShape(inputShape, Filters);
    }

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> config = base.GetConfig();
        config["filters"] = Filters;
        _window.WriteConfig(config, "kernel_size");
        config["activation"] = Activation.Name;
        config["use_bias"] = UseBias;
        config["kernel_initializer"] = WeightConfig.Of(KernelInitializer);
        config["bias_initializer"] = WeightConfig.Of(BiasInitializer);
        config["kernel_regularizer"] = WeightConfig.Of(KernelRegularizer);
        config["bias_regularizer"] = WeightConfig.Of(BiasRegularizer);
        return config;
    }

    /// <summary>Recreates a layer from <see cref="GetConfig"/>'s output (or a Keras config).</summary>
    /// <exception cref="ArgumentException">The config sets an <c>output_padding</c>, which this layer does not compute.</exception>
    internal static Conv2DTranspose FromConfig(IReadOnlyDictionary<string, object?> config)
    {
        WeightConfig.RequireChannelsLast(config, nameof(Conv2DTranspose));
        if (ConfigValues.GetIntArray(config, "output_padding") is { } outputPadding)
        {
            throw new ArgumentException(
                $"Conv2DTranspose: the config sets output_padding=({string.Join(", ", outputPadding)}), but Nabla's Conv2DTranspose computes Keras's default (output_padding=None) only.");
        }

        return new Conv2DTranspose(
            ConfigValues.GetInt(config, "filters"),
            IntPair.FromConfig(config, "kernel_size", 0),
            IntPair.FromConfig(config, "strides", 1),
            ConfigValues.GetString(config, "padding", "valid")!,
            IntPair.FromConfig(config, "dilation_rate", 1),
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
