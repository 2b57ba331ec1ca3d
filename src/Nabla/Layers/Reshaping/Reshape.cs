using Nabla.Autodiff;
using Nabla.Tensors;

namespace Nabla.Layers;

/// <summary>
/// Reshapes each sample to <see cref="TargetShape"/> (Keras's <c>Reshape</c>): [batch, …] → [batch, …targetShape].
/// One dimension may be -1 and is inferred. A view: no copy.
/// </summary>
/// <example>
/// <code>
/// new Reshape([7, 7, 16])   // [batch, 784] → [batch, 7, 7, 16]
/// </code>
/// </example>
public sealed class Reshape : Layer
{
    private readonly int[] _target;

    /// <summary>Creates the layer.</summary>
    /// <param name="targetShape">The shape of one output sample (no batch axis); one entry may be -1.</param>
    /// <param name="inputShape">The shape of one input sample when this is the model's first layer.</param>
    /// <param name="name">The layer's name (default <c>reshape</c>, made unique).</param>
    /// <exception cref="ArgumentException">The target has a zero or negative length other than a single -1.</exception>
    public Reshape(int[] targetShape, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        ArgumentNullException.ThrowIfNull(targetShape);
        if (targetShape.Count(d => d == -1) > 1 || targetShape.Any(d => d == 0 || d < -1))
        {
            throw new ArgumentException($"Reshape: targetShape must hold positive lengths and at most one -1, but received {ShapeUtil.Format(targetShape)}.", nameof(targetShape));
        }

        _target = (int[])targetShape.Clone();
        InputSpec = new InputSpec(minRank: 1);
    }

    /// <summary>The shape of one output sample.</summary>
    public int[] TargetShape => (int[])_target.Clone();

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        Span<int> shape = stackalloc int[_target.Length + 1];
        shape[0] = inputs.Dim(0);
        _target.CopyTo(shape[1..]);
        try
        {
            return Ops.Reshape(inputs, shape);
        }
        catch (ShapeMismatchException e)
        {
            string target = ShapeUtil.Format(_target);
            throw new ShapeMismatchException(Name, $"samples with {Math.Abs(_target.Aggregate(1, (p, d) => p * d))} elements", ShapeUtil.Format(inputs.Dims),
                $"Layer {Describe()} cannot reshape input of shape {ShapeUtil.Format(inputs.Dims)} to [batch, {target[1..]}: the element counts differ.", e);
        }
    }

    /// <inheritdoc/>
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        int[] output = [inputShape[0], .. _target];
        int infer = Array.IndexOf(_target, -1);
        if (infer >= 0 && inputShape.Skip(1).All(d => d > 0))
        {
            int size = inputShape.Skip(1).Aggregate(1, (p, d) => p * d);
            int known = _target.Where(d => d > 0).Aggregate(1, (p, d) => p * d);
            output[infer + 1] = size / known;
        }

        return output;
    }

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> config = base.GetConfig();
        config["target_shape"] = TargetShape;
        return config;
    }

    internal static Reshape FromConfig(IReadOnlyDictionary<string, object?> config) =>
        new(ConfigValues.GetIntArray(config, "target_shape") ?? throw new ArgumentException("Reshape config needs 'target_shape'."),
            ConfigValues.GetIntArray(config, "input_shape"), ConfigValues.GetString(config, "name", null))
        {
            Trainable = ConfigValues.GetBool(config, "trainable", true),
        };

    /// <inheritdoc/>
    protected override string DescribeHyperparameters() => $"targetShape={ShapeUtil.Format(_target)}";
}
