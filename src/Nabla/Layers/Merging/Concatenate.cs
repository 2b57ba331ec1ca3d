using System.Globalization;
using Nabla.Autodiff;

namespace Nabla.Layers;

/// <summary>
/// Joins its inputs along one axis (Keras's <c>Concatenate</c>): every other axis must match, and the output's axis is
/// the sum of theirs.
/// </summary>
/// <remarks>
/// Inputs: one or more tensors of one rank, batch axis first, equal on every axis but <see cref="Axis"/> (unknown
/// lengths match any). Output: their shape with <see cref="Axis"/> the sum of theirs (unknown when one of them is).
/// No weights.
/// </remarks>
/// <example>
/// <code>
/// var image = new Input(shape: [64]);
/// var hint = new Input(shape: [10]);
/// KerasTensor both = new Concatenate(axis: -1).Apply([image, hint]);   // (None, 74)
/// </code>
/// </example>
public sealed class Concatenate : Merge
{
    /// <summary>Creates the layer.</summary>
    /// <param name="axis">The axis to join along, batch axis included in the count; negative counts from the end. Default -1.</param>
    /// <param name="name">The layer's name (default <c>concatenate</c>, made unique).</param>
    public Concatenate(int axis = -1, string? name = null)
        : base(name)
    {
        Axis = axis;
    }

    /// <summary>The axis the inputs are joined along.</summary>
    public int Axis { get; }

    /// <inheritdoc/>
    private protected override int MinInputs => 1;

    /// <summary>The inputs' shape with <see cref="Axis"/> the sum of theirs.</summary>
    /// <param name="inputShapes">The input shapes, batch axis first (-1 = unknown).</param>
    /// <exception cref="ArgumentException">The list is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="Axis"/> is outside the inputs' rank.</exception>
    /// <exception cref="ShapeMismatchException">The ranks differ, or an axis other than <see cref="Axis"/> differs.</exception>
    public override int[] ComputeOutputShape(IReadOnlyList<int[]> inputShapes)
    {
        CheckInputShapes(inputShapes);
        int rank = inputShapes[0].Length;
        int axis = ResolveAxis(rank);
        int[] output = (int[])inputShapes[0].Clone();
        for (int i = 1; i < inputShapes.Count; i++)
        {
            int[] shape = inputShapes[i];
            bool matches = shape.Length == rank;
            for (int d = 0; matches && d < rank; d++)
            {
                matches = d == axis || shape[d] < 0 || output[d] < 0 || shape[d] == output[d];
                output[d] = d != axis && output[d] < 0 ? shape[d] : output[d];
            }

            if (!matches)
            {
                throw new ShapeMismatchException(Name, "shapes that match except on the concatenation axis", FormatList(inputShapes),
                    $"Layer {Describe()} requires inputs with matching shapes except for the concatenation axis, but received " +
                    $"{FormatList(inputShapes)}.");
            }

            output[axis] = output[axis] < 0 || shape[axis] < 0 ? -1 : output[axis] + shape[axis];
        }

        return output;
    }

    /// <summary>Checks the count and joins the batches with <see cref="Ops.Concatenate"/>, which checks their shapes.</summary>
    /// <param name="inputs">The batches.</param>
    /// <param name="training">Unused.</param>
    protected override Tensor Call(IReadOnlyList<Tensor> inputs, bool training)
    {
        CheckCount(inputs);
        return MergeFunction(inputs);
    }

    /// <inheritdoc/>
    protected override Tensor MergeFunction(IReadOnlyList<Tensor> inputs)
    {
        try
        {
            return Ops.Concatenate(inputs, Axis);
        }
        catch (ShapeMismatchException e)
        {
            throw new ShapeMismatchException(Name, e.Expected, e.Actual,
                $"Layer {Describe()} requires inputs with matching shapes except for the concatenation axis, but received " +
                $"{FormatList(Shapes(inputs))}.", e);
        }
    }

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> config = base.GetConfig();
        config["axis"] = Axis;
        return config;
    }

    internal static Concatenate FromConfig(IReadOnlyDictionary<string, object?> config) =>
        new(ConfigValues.GetNullableInt(config, "axis") ?? -1, ConfigValues.GetString(config, "name", null))
        {
            Trainable = ConfigValues.GetBool(config, "trainable", true),
        };

    /// <inheritdoc/>
    protected override string DescribeHyperparameters() => string.Create(CultureInfo.InvariantCulture, $"axis={Axis}");

    private int ResolveAxis(int rank)
    {
        int axis = Axis < 0 ? Axis + rank : Axis;
        if (axis < 0 || axis >= rank)
        {
            throw new ArgumentOutOfRangeException("axis", Axis,
                $"Layer {Describe()}: axis {Axis} is out of range for inputs of rank {rank} (valid: {-rank}..{rank - 1}).");
        }

        return axis;
    }
}
