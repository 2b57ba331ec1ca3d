using System.Globalization;
using Nabla.Autodiff;

namespace Nabla.Layers;

/// <summary>
/// Rescales every value: y = x·scale + offset (Keras's <c>Rescaling</c>), in training and in inference alike. Output
/// shape = input shape.
/// </summary>
/// <remarks>
/// Any input shape. <c>scale: 1 / 255.0</c> maps pixels in [0, 255] to [0, 1]; <c>scale: 1 / 127.5, offset: -1</c>
/// maps them to [−1, 1]. The scale and offset are kept as given and applied in single precision. Differentiable: the
/// gradient of the input is the output gradient times the scale.
/// </remarks>
/// <example>
/// <code>
/// var model = new Sequential(
///     new Rescaling(1 / 255.0, inputShape: [28, 28, 1]),
///     new Flatten(),
///     new Dense(10, "softmax"));
/// </code>
/// </example>
public sealed class Rescaling : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="scale">The factor every value is multiplied by.</param>
    /// <param name="offset">The value added after scaling (default 0).</param>
    /// <param name="inputShape">The shape of one sample when this is the model's first layer, e.g. <c>[28, 28, 1]</c>.</param>
    /// <param name="name">The layer's name (default <c>rescaling</c>, made unique).</param>
    /// <exception cref="ArgumentOutOfRangeException">The scale or offset is not finite in single precision.</exception>
    public Rescaling(double scale, double offset = 0.0, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        CheckFinite(scale, nameof(scale));
        CheckFinite(offset, nameof(offset));
        (Scale, Offset) = (scale, offset);
    }

    /// <summary>The factor every value is multiplied by.</summary>
    public double Scale { get; }

    /// <summary>The value added after scaling.</summary>
    public double Offset { get; }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        Tensor y = Ops.Multiply(inputs, (float)Scale);
        return Offset == 0.0 ? y : Ops.Add(y, (float)Offset);
    }

    /// <inheritdoc/>
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        return (int[])inputShape.Clone();
    }

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> config = base.GetConfig();
        config["scale"] = Scale;
        config["offset"] = Offset;
        return config;
    }

    internal static Rescaling FromConfig(IReadOnlyDictionary<string, object?> config) =>
        new(ImageAugmentation.GetDouble(config, "scale", double.NaN) is double s && !double.IsNaN(s)
                ? s
                : throw new ArgumentException("The config has no 'scale', which this layer needs."),
            ImageAugmentation.GetDouble(config, "offset", 0.0),
            ConfigValues.GetIntArray(config, "input_shape"), ConfigValues.GetString(config, "name", null))
        {
            Trainable = ConfigValues.GetBool(config, "trainable", true),
        };

    /// <inheritdoc/>
    protected override string DescribeHyperparameters() =>
        string.Create(CultureInfo.InvariantCulture, $"scale={Scale}, offset={Offset}");

    private static void CheckFinite(double value, string argument)
    {
        if (!float.IsFinite((float)value))
        {
            throw new ArgumentOutOfRangeException(argument, value,
                string.Create(CultureInfo.InvariantCulture, $"Rescaling: {argument} must be a finite number (in single precision), but received {value}."));
        }
    }
}
