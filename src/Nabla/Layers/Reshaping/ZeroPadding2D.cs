using Nabla.Autodiff;

namespace Nabla.Layers;

/// <summary>Adds rows and columns of zeros at the edges of images (Keras's <c>ZeroPadding2D</c>).</summary>
/// <remarks>
/// Input: [batch, height, width, channels]. Output: [batch, top + height + bottom, left + width + right, channels].
/// No weights.
/// </remarks>
/// <example>
/// <code>
/// new ZeroPadding2D(1)                   // [n, 28, 28, c] → [n, 30, 30, c]
/// new ZeroPadding2D(((1, 2), (3, 4)))    // top 1, bottom 2, left 3, right 4
/// </code>
/// </example>
public sealed class ZeroPadding2D : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="padding">An int, (rows, columns) or ((top, bottom), (left, right)) (default null: 1 on every edge).</param>
    /// <param name="inputShape">The shape of one sample when this is the model's first layer, e.g. <c>[28, 28, 1]</c>.</param>
    /// <param name="name">The layer's name (default <c>zero_padding2d</c>, made unique).</param>
    /// <exception cref="ArgumentOutOfRangeException">An amount is negative.</exception>
    public ZeroPadding2D(Margins2D? padding = null, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        Margins2D p = padding ?? 1;
        p.CheckNotNegative(nameof(ZeroPadding2D), nameof(padding));
        Padding = p;
        InputSpec = new InputSpec(rank: 4);
    }

    /// <summary>The zeros added at each edge.</summary>
    public Margins2D Padding { get; }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) =>
        Ops.ZeroPad2D(inputs, Padding.Top, Padding.Bottom, Padding.Left, Padding.Right);

    /// <inheritdoc/>
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        InputSpec?.Check(this, inputShape);
        int[] output = (int[])inputShape.Clone();
        output[1] = inputShape[1] < 0 ? -1 : inputShape[1] + Padding.Rows;
        output[2] = inputShape[2] < 0 ? -1 : inputShape[2] + Padding.Columns;
        return output;
    }

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> config = base.GetConfig();
        config["padding"] = Padding.ToConfig();
        config["data_format"] = "channels_last";
        return config;
    }

    internal static ZeroPadding2D FromConfig(IReadOnlyDictionary<string, object?> config)
    {
        WeightConfig.RequireChannelsLast(config, nameof(ZeroPadding2D));
        return new(Margins2D.FromConfig(config, "padding", 1), ConfigValues.GetIntArray(config, "input_shape"), ConfigValues.GetString(config, "name", null))
        {
            Trainable = ConfigValues.GetBool(config, "trainable", true),
        };
    }

    /// <inheritdoc/>
    protected override string DescribeHyperparameters() => $"padding={Padding}";
}
