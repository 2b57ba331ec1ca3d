using Nabla.Tensors;

namespace Nabla.Layers;

/// <summary>
/// A symbolic tensor: the shape of a value in a functional model's graph and the layer that produces it
/// (Keras's <c>KerasTensor</c>). Made by <see cref="Input"/> and by <see cref="Layer.Apply(KerasTensor)"/>.
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

    /// <summary>Creates a symbolic tensor produced by <paramref name="layer"/> from <paramref name="source"/>.</summary>
    internal KerasTensor(int[] shape, Layer layer, KerasTensor? source)
    {
        _shape = (int[])shape.Clone();
        Layer = layer;
        Source = source;
    }

    /// <summary>The shape, batch axis first; -1 where the length is unknown (Keras's <c>None</c>).</summary>
    public int[] Shape => (int[])_shape.Clone();

    /// <summary>The layer that produces this value.</summary>
    public Layer Layer { get; }

    /// <summary>The symbolic input of <see cref="Layer"/>, or null for a model input.</summary>
    public KerasTensor? Source { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"<KerasTensor shape={ShapeUtil.Format(_shape).Replace("-1", "None", StringComparison.Ordinal)}, source={Layer.Name}>";
}
