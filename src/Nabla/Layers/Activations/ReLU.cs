using System.Globalization;
using Nabla.Autodiff;

namespace Nabla.Layers;

/// <summary>
/// The rectified linear unit as a layer, with Keras's options (Keras's <c>ReLU</c>): min(x, maxValue) for
/// x &gt; threshold, negativeSlope·(x − threshold) otherwise.
/// </summary>
/// <remarks>
/// Output shape = input shape. No weights. With the defaults this is max(x, 0); with only a slope, leaky ReLU; with
/// <c>maxValue: 6</c>, ReLU6.
/// </remarks>
/// <example>
/// <code>
/// var layer = new ReLU(maxValue: 10, negativeSlope: 0.5);
/// // [-10, -5, 0, 5, 10] → [-5, -2.5, 0, 5, 10]
/// </code>
/// </example>
public sealed class ReLU : Layer
{
    private readonly ActivationDescriptor _activation;

    /// <summary>Creates the layer.</summary>
    /// <param name="maxValue">The largest output, 0 or more; null (default) for no cap.</param>
    /// <param name="negativeSlope">The slope at or below the threshold, 0 or more. Default 0.</param>
    /// <param name="threshold">The input above which the unit passes its input, 0 or more. Default 0.</param>
    /// <param name="inputShape">The shape of one sample when this is the model's first layer.</param>
    /// <param name="name">The layer's name (default <c>re_lu</c>, made unique, as Keras names it).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is negative (or NaN).</exception>
    public ReLU(double? maxValue = null, double negativeSlope = 0.0, double threshold = 0.0, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        if (maxValue is double cap && !(cap >= 0))
        {
            throw Negative(nameof(maxValue), cap);
        }

        if (!(negativeSlope >= 0))
        {
            throw Negative(nameof(negativeSlope), negativeSlope);
        }

        if (!(threshold >= 0))
        {
            throw Negative(nameof(threshold), threshold);
        }

        (MaxValue, NegativeSlope, Threshold) = (maxValue, negativeSlope, threshold);
        _activation = ActivationTable.ReluWith((float)negativeSlope, (float?)maxValue, (float)threshold);
    }

    /// <summary>The largest output, or null for none.</summary>
    public double? MaxValue { get; }

    /// <summary>The slope at or below the threshold.</summary>
    public double NegativeSlope { get; }

    /// <summary>The input above which the unit passes its input.</summary>
    public double Threshold { get; }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => _activation.Apply(inputs);

    /// <inheritdoc/>
    public override int[] ComputeOutputShape(int[] inputShape) => (int[])inputShape.Clone();

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> config = base.GetConfig();
        config["max_value"] = MaxValue;
        config["negative_slope"] = NegativeSlope;
        config["threshold"] = Threshold;
        return config;
    }

    internal static ReLU FromConfig(IReadOnlyDictionary<string, object?> config) =>
        new(ConfigValues.GetNullableDouble(config, "max_value"), ConfigValues.GetDouble(config, "negative_slope", 0.0),
            ConfigValues.GetDouble(config, "threshold", 0.0), ConfigValues.GetIntArray(config, "input_shape"), ConfigValues.GetString(config, "name", null))
        {
            Trainable = ConfigValues.GetBool(config, "trainable", true),
        };

    /// <inheritdoc/>
    protected override string DescribeHyperparameters() => string.Create(CultureInfo.InvariantCulture,
        $"max_value={(MaxValue is double m ? m.ToString(CultureInfo.InvariantCulture) : "None")}, negative_slope={NegativeSlope}, threshold={Threshold}");

    private static ArgumentOutOfRangeException Negative(string name, double value) =>
        new(name, value, string.Create(CultureInfo.InvariantCulture, $"ReLU: {name} cannot be negative, but received {name}={value}."));
}
