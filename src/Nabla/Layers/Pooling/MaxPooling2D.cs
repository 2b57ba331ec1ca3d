using Nabla.Autodiff;
using Nabla.Kernels;

namespace Nabla.Layers;

/// <summary>
/// Max pooling over 2-D windows: each output is the largest value of its window, channel by channel (Keras's
/// <c>MaxPooling2D</c>).
/// </summary>
/// <remarks>
/// Input: [batch, height, width, channels]. Output: [batch, newHeight, newWidth, channels], each new length
/// ⌊(length − pool) / stride⌋ + 1 with padding "valid" and ⌈length / stride⌉ with "same" (the padded positions take
/// no part in a maximum). No weights.
/// </remarks>
/// <example>
/// <code>
/// new MaxPooling2D(poolSize: 2)   // [n, 28, 28, 32] → [n, 14, 14, 32]
/// </code>
/// </example>
public sealed class MaxPooling2D : Layer
{
    private readonly SlidingWindow _window;

    /// <summary>Creates the layer.</summary>
    /// <param name="poolSize">The window, an int or (height, width) (default 2).</param>
    /// <param name="strides">Steps between windows, an int or (height, width) (default null: the pool size).</param>
    /// <param name="padding"><c>"valid"</c> (default) or <c>"same"</c>; any case.</param>
    /// <param name="inputShape">The shape of one sample when this is the model's first layer, e.g. <c>[28, 28, 1]</c>.</param>
    /// <param name="name">The layer's name (default <c>max_pooling2d</c>, made unique).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or stride is not positive.</exception>
    /// <exception cref="ArgumentException">The padding is unknown.</exception>
    public MaxPooling2D(IntPair? poolSize = null, IntPair? strides = null, string padding = "valid", int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        IntPair size = poolSize ?? 2;
        _window = new SlidingWindow(nameof(MaxPooling2D), 2, size, strides ?? size, padding, 1, sizeArgument: nameof(poolSize));
        InputSpec = new InputSpec(rank: 4);
    }

    /// <summary>The window (height, width).</summary>
    public IntPair PoolSize => _window.Size;

    /// <summary>Steps between windows.</summary>
    public IntPair Strides => _window.Strides;

    /// <summary><c>"valid"</c> or <c>"same"</c>.</summary>
    public string Padding => _window.Padding;

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        Pool2DGeometry geometry = _window.Pooling(this, inputs.Dims);
        return Ops.MaxPool2D(inputs, in geometry);
    }

    /// <summary>The pooling of an input of <paramref name="inputDims"/> (an input the layer's spec accepts).</summary>
    internal Pool2DGeometry Geometry(ReadOnlySpan<int> inputDims) => _window.Pooling(this, inputDims);

    /// <inheritdoc/>
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        InputSpec?.Check(this, inputShape);
        return _window.OutputShape(this, inputShape, inputShape[^1]);
    }

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> config = base.GetConfig();
        _window.WriteConfig(config, "pool_size", withDilation: false);
        return config;
    }

    /// <summary>Recreates a layer from <see cref="GetConfig"/>'s output (or a Keras config).</summary>
    internal static MaxPooling2D FromConfig(IReadOnlyDictionary<string, object?> config)
    {
        WeightConfig.RequireChannelsLast(config, nameof(MaxPooling2D));
        IntPair size = IntPair.FromConfig(config, "pool_size", 2);
        return new MaxPooling2D(size, IntPair.FromConfig(config, "strides", size), ConfigValues.GetString(config, "padding", "valid")!,
            ConfigValues.GetIntArray(config, "input_shape"), ConfigValues.GetString(config, "name", null))
        {
            Trainable = ConfigValues.GetBool(config, "trainable", true),
        };
    }

    /// <inheritdoc/>
    protected override string DescribeHyperparameters() => $"poolSize={PoolSize}";
}
