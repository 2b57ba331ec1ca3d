using Nabla.Tensors;

namespace Nabla.Layers;

/// <summary>
/// The entry point of a model: declares the shape of one sample and passes data through unchanged (Keras's
/// <c>InputLayer</c>). Usually created for you by <see cref="Input"/> or a first layer's <c>inputShape</c>.
/// </summary>
public sealed class InputLayer : Layer
{
    private readonly int[] _batchShape;

    /// <summary>Creates an input layer.</summary>
    /// <param name="shape">The shape of one sample, without the batch axis, e.g. <c>[28, 28, 1]</c>.</param>
    /// <param name="batchSize">A fixed batch size, or null for any (default).</param>
    /// <param name="name">The layer's name; default <c>input_layer</c>, made unique.</param>
    /// <exception cref="ArgumentException">A length of <paramref name="shape"/> is zero or negative other than -1 (unknown).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is zero or negative.</exception>
    public InputLayer(int[] shape, int? batchSize = null, string? name = null)
        : base(name, CheckShape(shape))
    {
        if (batchSize is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "InputLayer: batchSize must be positive when given.");
        }

        _batchShape = [batchSize ?? -1, .. shape];
        InputSpec = new InputSpec(rank: _batchShape.Length);
        BuildOnce(_batchShape);   // nothing to build: an input layer is built from the start, as in Keras
    }

    /// <summary>The expected input shape, batch axis first (-1 = any batch size).</summary>
    public int[] BatchShape => (int[])_batchShape.Clone();

    /// <inheritdoc/>
    public override int[] ComputeOutputShape(int[] inputShape) => (int[])inputShape.Clone();

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> config = base.GetConfig();
        config.Remove("input_shape");
        config["batch_shape"] = BatchShape;
        return config;
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => inputs;

    /// <inheritdoc/>
    protected override string DescribeHyperparameters() => $"shape={ShapeUtil.Format(_batchShape.AsSpan(1))}";

    // Checked here rather than left to Layer's inputShape check, so that the message names InputLayer and its argument.
    private static int[] CheckShape(int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        foreach (int d in shape)
        {
            if (d <= 0 && d != -1)
            {
                throw new ArgumentException(
                    $"InputLayer: shape must hold positive lengths (or -1 for unknown), but received {ShapeUtil.Format(shape)}.", nameof(shape));
            }
        }

        return shape;
    }
}
