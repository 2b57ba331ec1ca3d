using Nabla.Autodiff;
using Nabla.Kernels;

namespace Nabla.Layers;

/// <summary>
/// Max pooling over windows of steps: each output is the largest value of its window, channel by channel (Keras's
/// <c>MaxPooling1D</c>), computed by the 2-D pooling with a height of 1.
/// </summary>
/// <remarks>
/// Input: [batch, steps, channels]. Output: [batch, newSteps, channels], newSteps = ⌊(steps − pool) / stride⌋ + 1
/// with padding "valid" and ⌈steps / stride⌉ with "same". No weights.
/// </remarks>
/// <example>
/// <code>
/// new MaxPooling1D(poolSize: 2)   // [n, 10, 8] → [n, 5, 8]
/// </code>
/// </example>
public sealed class MaxPooling1D : Layer
{
    private readonly SlidingWindow _window;

    /// <summary>Creates the layer.</summary>
    /// <param name="poolSize">The window, in steps (default 2).</param>
    /// <param name="strides">Steps between windows (default null: the pool size).</param>
    /// <param name="padding"><c>"valid"</c> (default) or <c>"same"</c>; any case.</param>
    /// <param name="inputShape">The shape of one sample when this is the model's first layer, e.g. <c>[10, 8]</c>.</param>
    /// <param name="name">The layer's name (default <c>max_pooling1d</c>, made unique).</param>
    /// <exception cref="ArgumentOutOfRangeException">The size or stride is not positive.</exception>
    /// <exception cref="ArgumentException">The padding is unknown.</exception>
    public MaxPooling1D(int poolSize = 2, int? strides = null, string padding = "valid", int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        _window = new SlidingWindow(nameof(MaxPooling1D), 1, (1, poolSize), (1, strides ?? poolSize), padding, 1, sizeArgument: nameof(poolSize));
        InputSpec = new InputSpec(rank: 3);
    }

    /// <summary>The window, in steps.</summary>
    public int PoolSize => _window.Size.Width;

    /// <summary>Steps between windows.</summary>
    public int Strides => _window.Strides.Width;

    /// <summary><c>"valid"</c> or <c>"same"</c>.</summary>
    public string Padding => _window.Padding;

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        // [batch, steps, channels] pools as the image [batch, 1, steps, channels]; the reshapes are views.
        int batch = inputs.Dim(0), channels = inputs.Dim(2);
        Tensor image = Ops.Reshape(inputs, [batch, 1, inputs.Dim(1), channels]);
        Pool2DGeometry geometry = _window.Pooling(this, image.Dims);
        return Ops.Reshape(Ops.MaxPool2D(image, in geometry), [batch, geometry.OutputWidth, channels]);
    }

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
    internal static MaxPooling1D FromConfig(IReadOnlyDictionary<string, object?> config)
    {
        WeightConfig.RequireChannelsLast(config, nameof(MaxPooling1D));
        int size = IntPair.FromConfig(config, "pool_size", 2).Width;
        return new MaxPooling1D(size, IntPair.FromConfig(config, "strides", size).Width, ConfigValues.GetString(config, "padding", "valid")!,
            ConfigValues.GetIntArray(config, "input_shape"), ConfigValues.GetString(config, "name", null))
        {
            Trainable = ConfigValues.GetBool(config, "trainable", true),
        };
    }

    /// <inheritdoc/>
    protected override string DescribeHyperparameters() => $"poolSize={PoolSize}";
}
