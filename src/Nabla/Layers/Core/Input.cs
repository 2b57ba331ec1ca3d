namespace Nabla.Layers;

/// <summary>
/// The symbolic input of a functional model (Keras's <c>keras.Input</c>): a <see cref="KerasTensor"/> produced
/// by a new <see cref="InputLayer"/>. Also accepted as the first entry of a <see cref="Sequential"/>.
/// </summary>
/// <example>
/// <code>
/// var input = new Input(shape: [784]);
/// var output = new Dense(10, activation: "softmax").Apply(input);
/// var model = new Model(input, output);
/// </code>
/// </example>
public sealed class Input : KerasTensor
{
    /// <summary>Creates a model input.</summary>
    /// <param name="shape">The shape of one sample, without the batch axis, e.g. <c>[784]</c>.</param>
    /// <param name="batchSize">A fixed batch size, or null for any (default).</param>
    /// <param name="name">The input layer's name; default <c>input_layer</c>, made unique.</param>
    /// <exception cref="ArgumentException">A length of <paramref name="shape"/> is zero or negative other than -1 (unknown).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is zero or negative.</exception>
    public Input(int[] shape, int? batchSize = null, string? name = null)
        : this(new InputLayer(shape, batchSize, name))
    {
    }

    private Input(InputLayer layer)
        : base(layer.BatchShape, layer, [], 0)
    {
        InputLayer = layer;
    }

    /// <summary>The input layer behind this tensor.</summary>
    public InputLayer InputLayer { get; }

    /// <summary>The input layer, so that an <see cref="Input"/> can start a <see cref="Sequential"/> list.</summary>
    public static implicit operator Layer(Input input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.InputLayer;
    }
}
