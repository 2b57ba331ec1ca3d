using System.Globalization;
using Nabla.Autodiff;

namespace Nabla.Layers;

/// <summary>
/// Softmax as a layer (Keras's <c>Softmax</c>): e^(x − m) / Σ e^(x − m) over every slice along <see cref="Axis"/>,
/// m the slice's maximum.
/// </summary>
/// <remarks>
/// Output shape = input shape; slices along <see cref="Axis"/> sum to 1. No weights. Over the last axis the output
/// keeps a link to its logits, so a following cross-entropy loss uses the exact form, as after
/// <c>Dense(…, activation: "softmax")</c>.
/// </remarks>
/// <example>
/// <code>
/// var attention = new Softmax(axis: 1).Apply(scores);   // normalise over the sequence axis of [batch, steps, 1]
/// </code>
/// </example>
public sealed class Softmax : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="axis">The axis to normalise over, batch axis included in the count; negative counts from the end. Default -1.</param>
    /// <param name="inputShape">The shape of one sample when this is the model's first layer.</param>
    /// <param name="name">The layer's name (default <c>softmax</c>, made unique).</param>
    public Softmax(int axis = -1, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        Axis = axis;
    }

    /// <summary>The axis normalised over.</summary>
    public int Axis { get; }

    /// <inheritdoc/>
    protected override void Build(int[] inputShape)
    {
        int rank = inputShape.Length;
        if (Axis < -rank || Axis >= rank)
        {
            throw new ArgumentOutOfRangeException("axis", Axis, string.Create(CultureInfo.InvariantCulture,
                $"Layer {Describe()}: axis {Axis} is out of range for input of shape {ShapeText(inputShape)} (rank {rank}; valid: {-rank}..{rank - 1})."));
        }
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => Ops.Softmax(inputs, Axis);

    /// <inheritdoc/>
    public override int[] ComputeOutputShape(int[] inputShape) => (int[])inputShape.Clone();

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> config = base.GetConfig();
        config["axis"] = Axis;
        return config;
    }

    internal static Softmax FromConfig(IReadOnlyDictionary<string, object?> config) =>
        new(ConfigValues.GetNullableInt(config, "axis") ?? -1, ConfigValues.GetIntArray(config, "input_shape"), ConfigValues.GetString(config, "name", null))
        {
            Trainable = ConfigValues.GetBool(config, "trainable", true),
        };

    /// <inheritdoc/>
    protected override string DescribeHyperparameters() => string.Create(CultureInfo.InvariantCulture, $"axis={Axis}");

    private static string ShapeText(int[] shape) => Tensors.ShapeUtil.Format(shape).Replace("-1", "None", StringComparison.Ordinal);
}
