using Nabla.Activations;

namespace Nabla.Layers;

/// <summary>Applies an activation function to its input (Keras's <c>Activation</c> layer). Output shape = input shape.</summary>
/// <example>
/// <code>
/// new Activation("tanh")
/// </code>
/// </example>
public sealed class Activation : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="activation">The activation, by name or object.</param>
    /// <param name="inputShape">The shape of one sample when this is the model's first layer.</param>
    /// <param name="name">The layer's name (default <c>activation</c>, made unique).</param>
    public Activation(ActivationFunction activation, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        ArgumentNullException.ThrowIfNull(activation);
        Function = activation;
    }

    /// <summary>The activation applied.</summary>
    public ActivationFunction Function { get; }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => Function.Apply(inputs);

    /// <inheritdoc/>
    public override int[] ComputeOutputShape(int[] inputShape) => (int[])inputShape.Clone();

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> config = base.GetConfig();
        config["activation"] = Function.Name;
        return config;
    }

    internal static Activation FromConfig(IReadOnlyDictionary<string, object?> config) =>
        new(ActivationFunction.Get(ConfigValues.GetString(config, "activation", "linear")),
            ConfigValues.GetIntArray(config, "input_shape"), ConfigValues.GetString(config, "name", null))
        {
            Trainable = ConfigValues.GetBool(config, "trainable", true),
        };

    /// <inheritdoc/>
    protected override string DescribeHyperparameters() => $"activation={Function.Name}";
}
