using Nabla.Autodiff;
using Nabla.Tensors;

namespace Nabla.Layers;

/// <summary>Removes rows and columns at the edges of images (Keras's <c>Cropping2D</c>).</summary>
/// <remarks>
/// Input: [batch, height, width, channels]. Output: [batch, height − top − bottom, width − left − right, channels];
/// the cropping must leave at least one row and one column. No weights.
/// </remarks>
/// <example>
/// <code>
/// new Cropping2D(((2, 2), (4, 4)))   // [n, 28, 28, 3] → [n, 24, 20, 3]
/// </code>
/// </example>
public sealed class Cropping2D : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="cropping">An int, (rows, columns) or ((top, bottom), (left, right)) (default null: nothing).</param>
    /// <param name="inputShape">The shape of one sample when this is the model's first layer, e.g. <c>[28, 28, 3]</c>.</param>
    /// <param name="name">The layer's name (default <c>cropping2d</c>, made unique).</param>
    /// <exception cref="ArgumentOutOfRangeException">An amount is negative.</exception>
    public Cropping2D(Margins2D? cropping = null, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        Margins2D c = cropping ?? 0;
        c.CheckNotNegative(nameof(Cropping2D), nameof(cropping));
        Cropping = c;
        InputSpec = new InputSpec(rank: 4);
    }

    /// <summary>The rows and columns removed at each edge.</summary>
    public Margins2D Cropping { get; }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        CheckLeavesPixels(inputs.Dims);
        return Ops.Crop2D(inputs, Cropping.Top, Cropping.Bottom, Cropping.Left, Cropping.Right);
    }

    /// <inheritdoc/>
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        InputSpec?.Check(this, inputShape);
        CheckLeavesPixels(inputShape);
        int[] output = (int[])inputShape.Clone();
        output[1] = inputShape[1] < 0 ? -1 : inputShape[1] - Cropping.Rows;
        output[2] = inputShape[2] < 0 ? -1 : inputShape[2] - Cropping.Columns;
        return output;
    }

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> config = base.GetConfig();
        config["cropping"] = Cropping.ToConfig();
        config["data_format"] = "channels_last";
        return config;
    }

    internal static Cropping2D FromConfig(IReadOnlyDictionary<string, object?> config)
    {
        WeightConfig.RequireChannelsLast(config, nameof(Cropping2D));
        return new(Margins2D.FromConfig(config, "cropping", 0), ConfigValues.GetIntArray(config, "input_shape"), ConfigValues.GetString(config, "name", null))
        {
            Trainable = ConfigValues.GetBool(config, "trainable", true),
        };
    }

    /// <inheritdoc/>
    protected override string DescribeHyperparameters() => $"cropping={Cropping}";

    // Keras: "Values in `cropping` argument should be smaller than the corresponding spatial dimension of the input."
    private void CheckLeavesPixels(ReadOnlySpan<int> shape)
    {
        if ((shape[1] >= 0 && Cropping.Rows >= shape[1]) || (shape[2] >= 0 && Cropping.Columns >= shape[2]))
        {
            string s = ShapeUtil.Format(shape).Replace("-1", "None", StringComparison.Ordinal);
            throw new ShapeMismatchException(Name, $"more than {Cropping.Rows} rows and {Cropping.Columns} columns", s,
                $"Layer {Describe()} expects the cropping to be smaller than the input's height and width, but received input shape {s} with cropping={Cropping}.");
        }
    }
}
