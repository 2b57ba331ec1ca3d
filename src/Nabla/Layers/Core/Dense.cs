using Nabla.Activations;
using Nabla.Autodiff;
using Nabla.Initializers;
using Nabla.Regularizers;

namespace Nabla.Layers;

/// <summary>
/// A densely connected layer: <c>activation(inputs · kernel + bias)</c> over the last axis (Keras's <c>Dense</c>).
/// </summary>
/// <remarks>
/// Input: [batch, …, inputDim]. Output: [batch, …, units]. Weights: <c>kernel</c> [inputDim, units] and
/// <c>bias</c> [units]. The product, bias and built-in activation run as one fused op forward and backward.
/// </remarks>
/// <example>
/// <code>
/// var layer = new Dense(128, activation: "relu", inputShape: [784]);
/// </code>
/// </example>
public sealed class Dense : Layer
{
    private Variable? _kernel;
    private Variable? _bias;

    /// <summary>Creates the layer.</summary>
    /// <param name="units">The number of outputs, positive.</param>
    /// <param name="activation">The activation, by name or object (default none: linear).</param>
    /// <param name="useBias">Whether to add a bias (default true).</param>
    /// <param name="kernelInitializer">How to fill the kernel (default <c>glorot_uniform</c>).</param>
    /// <param name="biasInitializer">How to fill the bias (default <c>zeros</c>).</param>
    /// <param name="kernelRegularizer">A penalty on the kernel added to the loss (default none).</param>
    /// <param name="biasRegularizer">A penalty on the bias added to the loss (default none).</param>
    /// <param name="inputShape">The shape of one sample when this is the model's first layer, e.g. <c>[784]</c>.</param>
    /// <param name="name">The layer's name (default <c>dense</c>, made unique).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="units"/> is not positive.</exception>
    public Dense(int units, ActivationFunction? activation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null,
        int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(units);
        Units = units;
        Activation = activation ?? ActivationFunction.Linear;
        UseBias = useBias;
        KernelInitializer = kernelInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
        KernelRegularizer = kernelRegularizer;
        BiasRegularizer = biasRegularizer;
        InputSpec = new InputSpec(minRank: 2);
    }

    /// <summary>The number of outputs.</summary>
    public int Units { get; }

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

    /// <summary>The kernel [inputDim, units], once built.</summary>
    public Variable? Kernel => _kernel;

    /// <summary>The bias [units], once built (null without bias).</summary>
    public Variable? Bias => _bias;

    /// <inheritdoc/>
    protected override void Build(int[] inputShape)
    {
        int inputDim = inputShape[^1];
        InputSpec = new InputSpec(minRank: 2, axes: new Dictionary<int, int> { [-1] = inputDim });
        _kernel = AddWeight("kernel", [inputDim, Units], KernelInitializer, regularizer: KernelRegularizer);
        _bias = UseBias ? AddWeight("bias", [Units], BiasInitializer, regularizer: BiasRegularizer) : null;
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        // Softmax and sigmoid outputs keep a link to their logits (for exact cross-entropies), so they run as
        // their own op after the fused product; every other built-in activation is fused into Dense.
        if (Activation.Fusable is { } descriptor)
        {
            return Ops.Dense(inputs, _kernel!.Value, _bias?.Value, descriptor);
        }

        Tensor z = Ops.Dense(inputs, _kernel!.Value, _bias?.Value, ActivationTable.Linear);
        return Activation.Apply(z);
    }

    /// <inheritdoc/>
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        int[] output = (int[])inputShape.Clone();
        output[^1] = Units;
        return output;
    }

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> config = base.GetConfig();
        config["units"] = Units;
        config["activation"] = Activation.Name;
        config["use_bias"] = UseBias;
        config["kernel_initializer"] = ConfigValues.Describe(KernelInitializer.GetType().Name, KernelInitializer.GetConfig());
        config["bias_initializer"] = ConfigValues.Describe(BiasInitializer.GetType().Name, BiasInitializer.GetConfig());
        config["kernel_regularizer"] = KernelRegularizer is null ? null : ConfigValues.Describe(KernelRegularizer.GetType().Name, KernelRegularizer.GetConfig());
        config["bias_regularizer"] = BiasRegularizer is null ? null : ConfigValues.Describe(BiasRegularizer.GetType().Name, BiasRegularizer.GetConfig());
        config["kernel_constraint"] = null;   // Keras's keys; Nabla has no weight constraints, and a file setting one does not load
        config["bias_constraint"] = null;
        return config;
    }

    /// <summary>Recreates a layer from <see cref="GetConfig"/>'s output.</summary>
    internal static Dense FromConfig(IReadOnlyDictionary<string, object?> config)
    {
        ConfigValues.RequireSupported(config, "kernel_constraint", null, "Nabla's Dense has no weight constraints");
        ConfigValues.RequireSupported(config, "bias_constraint", null, "Nabla's Dense has no weight constraints");
        return Create(config);
    }

    private static Dense Create(IReadOnlyDictionary<string, object?> config) => new(
        ConfigValues.GetInt(config, "units"),
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

    /// <inheritdoc/>
    protected override string DescribeHyperparameters() => $"units={Units}";
}
