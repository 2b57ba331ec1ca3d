using Nabla.Autodiff;

namespace Nabla.Layers;

/// <summary>
/// Upsamples images by repeating each row <see cref="Size"/>.Height times and each column <see cref="Size"/>.Width
/// times (Keras's <c>UpSampling2D</c> with <c>interpolation="nearest"</c>).
/// </summary>
/// <remarks>
/// Input: [batch, height, width, channels]. Output: [batch, height·size.Height, width·size.Width, channels]. No
/// weights. The gradient of each output block sums into its source pixel.
/// </remarks>
/// <example>
/// <code>
/// new UpSampling2D()          // [n, 7, 7, c] → [n, 14, 14, c]
/// new UpSampling2D((1, 2))    // columns only
/// </code>
/// </example>
public sealed class UpSampling2D : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="size">The factors, an int or (rows, columns) (default null: 2).</param>
    /// <param name="inputShape">The shape of one sample when this is the model's first layer, e.g. <c>[7, 7, 16]</c>.</param>
    /// <param name="name">The layer's name (default <c>up_sampling2d</c>, made unique).</param>
    /// <exception cref="ArgumentOutOfRangeException">A factor is not positive.</exception>
    public UpSampling2D(IntPair? size = null, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        IntPair s = size ?? 2;
        s.CheckPositive(nameof(UpSampling2D), nameof(size));
        Size = s;
        InputSpec = new InputSpec(rank: 4);
    }

    /// <summary>The factors (rows, columns).</summary>
    public IntPair Size { get; }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => Ops.UpSample2D(inputs, Size.Height, Size.Width);

    /// <inheritdoc/>
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        InputSpec?.Check(this, inputShape);
        int[] output = (int[])inputShape.Clone();
        output[1] = inputShape[1] < 0 ? -1 : inputShape[1] * Size.Height;
        output[2] = inputShape[2] < 0 ? -1 : inputShape[2] * Size.Width;
        return output;
    }

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> config = base.GetConfig();
        config["size"] = Size.ToArray();
        config["data_format"] = "channels_last";
        config["interpolation"] = "nearest";
        return config;
    }

    /// <exception cref="ArgumentException">The config asks for an interpolation other than nearest.</exception>
    internal static UpSampling2D FromConfig(IReadOnlyDictionary<string, object?> config)
    {
        WeightConfig.RequireChannelsLast(config, nameof(UpSampling2D));
        string interpolation = ConfigValues.GetString(config, "interpolation", "nearest")!;
        if (!string.Equals(interpolation, "nearest", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"UpSampling2D: the config has interpolation '{interpolation}', but Nabla's UpSampling2D repeats pixels (interpolation 'nearest') only.");
        }

        return new(IntPair.FromConfig(config, "size", 2), ConfigValues.GetIntArray(config, "input_shape"), ConfigValues.GetString(config, "name", null))
        {
            Trainable = ConfigValues.GetBool(config, "trainable", true),
        };
    }

    /// <inheritdoc/>
    protected override string DescribeHyperparameters() => $"size={Size}";
}
