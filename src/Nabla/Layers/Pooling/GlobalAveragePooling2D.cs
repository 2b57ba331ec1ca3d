using Nabla.Autodiff;

namespace Nabla.Layers;

/// <summary>
/// The mean of each channel over the whole image (Keras's <c>GlobalAveragePooling2D</c>).
/// </summary>
/// <remarks>
/// Input: [batch, height, width, channels]. Output: [batch, channels], or [batch, 1, 1, channels] with
/// <see cref="Keepdims"/>. No weights.
/// </remarks>
/// <example>
/// <code>
/// new GlobalAveragePooling2D()   // [n, 7, 7, 64] → [n, 64]
/// </code>
/// </example>
public sealed class GlobalAveragePooling2D : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="keepdims">Keep the spatial axes with length 1 (default false).</param>
    /// <param name="inputShape">The shape of one sample when this is the model's first layer, e.g. <c>[7, 7, 64]</c>.</param>
    /// <param name="name">The layer's name (default <c>global_average_pooling2d</c>, made unique).</param>
    public GlobalAveragePooling2D(bool keepdims = false, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        Keepdims = keepdims;
        InputSpec = new InputSpec(rank: 4);
    }

    /// <summary>Whether the output keeps the spatial axes (length 1).</summary>
    public bool Keepdims { get; }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        Tensor y = Ops.GlobalAveragePool2D(inputs);
        return Keepdims ? Ops.Reshape(y, [y.Dim(0), 1, 1, y.Dim(1)]) : y;
    }

    /// <inheritdoc/>
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        InputSpec?.Check(this, inputShape);
        return Keepdims ? [inputShape[0], 1, 1, inputShape[^1]] : [inputShape[0], inputShape[^1]];
    }

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> config = base.GetConfig();
        config["data_format"] = "channels_last";
        config["keepdims"] = Keepdims;
        return config;
    }

    /// <summary>Recreates a layer from <see cref="GetConfig"/>'s output (or a Keras config).</summary>
    internal static GlobalAveragePooling2D FromConfig(IReadOnlyDictionary<string, object?> config)
    {
        WeightConfig.RequireChannelsLast(config, nameof(GlobalAveragePooling2D));
        return new(ConfigValues.GetBool(config, "keepdims", false), ConfigValues.GetIntArray(config, "input_shape"), ConfigValues.GetString(config, "name", null))
        {
            Trainable = ConfigValues.GetBool(config, "trainable", true),
        };
    }
}
