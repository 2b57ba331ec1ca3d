using System.Globalization;
using Nabla.Autodiff;

namespace Nabla.Layers;

/// <summary>
/// Leaky ReLU as a layer (Keras's <c>LeakyReLU</c>): x for x &gt; 0, negativeSlope·x otherwise, so that a unit that is
/// not active still passes a small gradient.
/// </summary>
/// <remarks>Output shape = input shape. No weights.</remarks>
/// <example>
/// <code>
/// var layer = new LeakyReLU(negativeSlope: 0.5);
/// // [-10, -5, 0, 5, 10] → [-5, -2.5, 0, 5, 10]
/// </code>
/// </example>
public sealed class LeakyReLU : Layer
{
    private readonly ActivationDescriptor _activation;

    /// <summary>Creates the layer.</summary>
    /// <param name="negativeSlope">The slope for negative inputs, 0 or more. Default 0.3, Keras's default for this layer (the <c>leaky_relu</c> function's is 0.2).</param>
    /// <param name="inputShape">The shape of one sample when this is the model's first layer.</param>
    /// <param name="name">The layer's name (default <c>leaky_re_lu</c>, made unique, as Keras names it).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="negativeSlope"/> is negative (or NaN).</exception>
    public LeakyReLU(double negativeSlope = 0.3, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        if (!(negativeSlope >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(negativeSlope), negativeSlope, string.Create(CultureInfo.InvariantCulture,
                $"LeakyReLU: negativeSlope cannot be negative, but received negativeSlope={negativeSlope}. Expected a slope of 0 or more."));
        }

        NegativeSlope = negativeSlope;
        _activation = ActivationTable.LeakyReluWith((float)negativeSlope);
    }

    /// <summary>The slope for negative inputs.</summary>
    public double NegativeSlope { get; }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => _activation.Apply(inputs);

    /// <inheritdoc/>
    public override int[] ComputeOutputShape(int[] inputShape) => (int[])inputShape.Clone();

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> config = base.GetConfig();
        config["negative_slope"] = NegativeSlope;
        return config;
    }

    internal static LeakyReLU FromConfig(IReadOnlyDictionary<string, object?> config) =>
        new(ConfigValues.GetDouble(config, "negative_slope", 0.3), ConfigValues.GetIntArray(config, "input_shape"), ConfigValues.GetString(config, "name", null))
        {
            Trainable = ConfigValues.GetBool(config, "trainable", true),
        };

    /// <inheritdoc/>
    protected override string DescribeHyperparameters() => string.Create(CultureInfo.InvariantCulture, $"negative_slope={NegativeSlope}");
}
