using Nabla.Tensors;

namespace Nabla.Layers;

/// <summary>
/// A symbolic tensor: the shape of a value in a functional model's graph, the layer call that produces it, and that
/// call's inputs (Keras's <c>KerasTensor</c> with its <c>_keras_history</c>). Made by <see cref="Input"/> and by
/// <see cref="Layer.Apply(KerasTensor)"/> or <see cref="Layer.Apply(IReadOnlyList{KerasTensor})"/>.
/// </summary>
/// <example>
/// <code>
/// var input = new Input(shape: [784]);
/// KerasTensor h = new Dense(64, activation: "relu").Apply(input);
/// var model = new Model(input, new Dense(10, activation: "softmax").Apply(h));
/// </code>
/// </example>
public class KerasTensor
{
    private readonly int[] _shape;
    private readonly KerasTensor[] _inputs;

    /// <summary>Creates a symbolic tensor produced by the <paramref name="nodeIndex"/>-th call of <paramref name="layer"/> on <paramref name="inputs"/>.</summary>
    internal KerasTensor(int[] shape, Layer layer, KerasTensor[] inputs, int nodeIndex)
    {
        _shape = (int[])shape.Clone();
        Layer = layer;
        _inputs = inputs;
        NodeIndex = nodeIndex;
    }

    /// <summary>The shape, batch axis first; -1 where the length is unknown (Keras's <c>None</c>).</summary>
    public int[] Shape => (int[])_shape.Clone();

    /// <summary>The layer that produces this value.</summary>
    public Layer Layer { get; }

    /// <summary>The symbolic inputs of the call that produced this value; empty for a model input.</summary>
    public IReadOnlyList<KerasTensor> Inputs => _inputs;

    /// <summary>Which call of <see cref="Layer"/> produced this value (a shared layer is called more than once).</summary>
    internal int NodeIndex { get; }

    /// <summary>The inputs, without a copy.</summary>
    internal KerasTensor[] InputArray => _inputs;

    /// <summary>The shape, without a copy.</summary>
    internal int[] ShapeArray => _shape;

    /// <inheritdoc/>
    public override string ToString() =>
        $"<KerasTensor shape={ShapeUtil.Format(_shape).Replace("-1", "None", StringComparison.Ordinal)}, source={Layer.Name}>";
}
