using System.Globalization;
using Nabla.Autodiff;

namespace Nabla.Layers;

/// <summary>
/// The exponential linear unit as a layer (Keras's <c>ELU</c>): x for x &gt; 0, alpha·(e^x − 1) otherwise.
/// </summary>
/// <remarks>
/// Output shape = input shape. No weights. Its config holds <c>alpha</c>, so that a reloaded layer keeps it (Keras 3's
/// ELU leaves it out of its config, and its from_config accepts it).
/// </remarks>
/// <example>
/// <code>
/// var layer = new ELU(alpha: 0.5);
/// </code>
/// </example>
public sealed class ELU : Layer
{
    private readonly ActivationDescriptor _activation;

    /// <summary>Creates the layer.</summary>
    /// <param name="alpha">The scale of the negative side, which saturates at −alpha. Default 1.</param>
    /// <param name="inputShape">The shape of one sample when this is the model's first layer.</param>
    /// <param name="name">The layer's name (default <c>elu</c>, made unique).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alpha"/> is NaN or infinite.</exception>
    public ELU(double alpha = 1.0, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        if (!double.IsFinite(alpha))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha,
                string.Create(CultureInfo.InvariantCulture, $"ELU: alpha must be a finite number, but received alpha={alpha}."));
        }

        Alpha = alpha;
        _activation = alpha == 1.0 ? ActivationTable.Elu : ActivationTable.EluWith((float)alpha);
    }

    /// <summary>The scale of the negative side.</summary>
    public double Alpha { get; }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => _activation.Apply(inputs);

    /// <inheritdoc/>
    public override int[] ComputeOutputShape(int[] inputShape) => (int[])inputShape.Clone();

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> config = base.GetConfig();
        config["alpha"] = Alpha;
        return config;
    }

    internal static ELU FromConfig(IReadOnlyDictionary<string, object?> config) =>
        new(ConfigValues.GetDouble(config, "alpha", 1.0), ConfigValues.GetIntArray(config, "input_shape"), ConfigValues.GetString(config, "name", null))
        {
            Trainable = ConfigValues.GetBool(config, "trainable", true),
        };

    /// <inheritdoc/>
    protected override string DescribeHyperparameters() => string.Create(CultureInfo.InvariantCulture, $"alpha={Alpha}");
}
