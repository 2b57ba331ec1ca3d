using Nabla.Autodiff;

namespace Nabla.Layers;

/// <summary>
/// Flattens each sample to one axis: [batch, d1, d2, …] → [batch, d1·d2·…] (Keras's <c>Flatten</c>). A view: no copy.
/// </summary>
/// <example>
/// <code>
/// new Flatten(inputShape: [28, 28, 1])   // [batch, 28, 28, 1] → [batch, 784]
/// </code>
/// </example>
public sealed class Flatten : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="inputShape">The shape of one sample when this is the model's first layer, e.g. <c>[28, 28]</c>.</param>
    /// <param name="name">The layer's name (default <c>flatten</c>, made unique).</param>
    public Flatten(int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        InputSpec = new InputSpec(minRank: 1);
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => Ops.Reshape(inputs, [inputs.Dim(0), -1]);

    /// <inheritdoc/>
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        int size = 1;
        for (int i = 1; i < inputShape.Length; i++)
        {
            size = inputShape[i] < 0 || size < 0 ? -1 : size * inputShape[i];
        }

        return [inputShape[0], size];
    }

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> config = base.GetConfig();
        config["data_format"] = "channels_last";   // Keras's key; Nabla is channels-last throughout
        return config;
    }

    internal static Flatten FromConfig(IReadOnlyDictionary<string, object?> config)
    {
        ConfigValues.RequireSupported(config, "data_format", "channels_last", "Nabla is channels-last throughout");
        return Create(config);
    }

    private static Flatten Create(IReadOnlyDictionary<string, object?> config) =>
        new(ConfigValues.GetIntArray(config, "input_shape"), ConfigValues.GetString(config, "name", null))
        {
            Trainable = ConfigValues.GetBool(config, "trainable", true),
        };
}
