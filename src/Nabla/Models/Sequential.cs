using Nabla.Layers;

namespace Nabla;

/// <summary>
/// A plain stack of layers, each feeding the next (Keras's <c>keras.Sequential</c>).
/// </summary>
/// <remarks>
/// When the first layer declares its input (an <see cref="Input"/>, an <see cref="InputLayer"/>, an
/// <c>inputShape</c>, or is itself already built, such as a trained model), every layer is built as it is added, so <see cref="Model.Summary"/> works before training;
/// otherwise the model builds on the first batch it sees.
/// </remarks>
/// <example>
/// <code>
/// var model = new Sequential([
///     new Flatten(inputShape: [28, 28, 1]),
///     new Dense(128, activation: "relu"),
///     new Dense(10, activation: "softmax"),
/// ]);
/// </code>
/// </example>
public class Sequential : Model
{
    private readonly List<Layer> _layers = [];

    /// <summary>Creates the model, optionally with its layers.</summary>
    /// <param name="layers">The layers, first to last; an <see cref="Input"/> may come first.</param>
    /// <param name="name">The model's name (default <c>sequential</c>, made unique).</param>
    public Sequential(IEnumerable<Layer>? layers = null, string? name = null)
        : base(name ?? LayerNames.Unique("sequential"))
    {
        if (layers is not null)
        {
            foreach (Layer layer in layers)
            {
                Add(layer);
            }
        }
    }

    /// <summary>The layers, first to last, without the input layer (as Keras 3 lists them).</summary>
    public override IReadOnlyList<Layer> Layers => _layers.Count > 0 && _layers[0] is InputLayer ? _layers.GetRange(1, _layers.Count - 1) : _layers;

    /// <inheritdoc/>
    internal override IReadOnlyList<Layer> AllLayers => _layers;

    /// <summary>Appends a layer (Keras's <c>add</c>), building it now when the input shape is known.</summary>
    /// <param name="layer">The layer; an <see cref="InputLayer"/> (or <see cref="Input"/>) only as the first.</param>
    /// <exception cref="ArgumentException">An input layer is added after other layers, or the layer's name is taken.</exception>
    /// <exception cref="ShapeMismatchException">The layer cannot take the previous layer's output.</exception>
    public void Add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer is InputLayer && _layers.Count > 0)
        {
            throw new ArgumentException($"Sequential '{Name}': an input layer must come first, but the model already has {_layers.Count} layer(s).", nameof(layer));
        }

        if (_layers.Any(l => l.Name == layer.Name))
        {
            throw new ArgumentException($"Sequential '{Name}': all layers must have unique names, and '{layer.Name}' is already used.", nameof(layer));
        }

        if (_layers.Count == 0)
        {
            if (layer is InputLayer input)
            {
                DeclaredInputShape = input.BatchShape;
            }
            else if (layer.InputShape is int[] shape)
            {
                DeclaredInputShape = [-1, .. shape];
            }
            else if (layer.IsBuilt && layer.BuildShape is int[] built)
            {
                // An already built layer or model (a pretrained base) fixes the input shape, as in Keras, so the stack
                // builds now and its summary shows real parameter counts before any training.
                DeclaredInputShape = built;
            }
        }

        _layers.Add(layer);
        ResetTrainingState();   // the next step trains the new layer's weights too
        if (DeclaredInputShape is not null)
        {
            BuildLayers();
            BuildOnce(DeclaredInputShape);
        }
    }

    /// <summary>
    /// Removes and returns the last layer (Keras's <c>pop</c>). The model's output shape becomes that of the new last
    /// layer, so that label checks and the summary follow.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model has no layers.</exception>
    public Layer Pop()
    {
        if (Layers.Count == 0)
        {
            throw new InvalidOperationException($"Sequential '{Name}' has no layers to pop.");
        }

        Layer last = _layers[^1];
        _layers.RemoveAt(_layers.Count - 1);
        ResetTrainingState();   // the next step no longer updates the removed layer's weights
        if (DeclaredInputShape is not null)
        {
            BuildLayers();   // the remaining layers are built already; this only recomputes the shapes
        }

        return last;
    }

    /// <inheritdoc/>
    protected override void Build(int[] inputShape)
    {
        base.Build(inputShape);
        BuildLayers();
    }

    /// <summary>Builds every layer from the declared input shape, recording each output shape for the summary.</summary>
    private void BuildLayers()
    {
        int[] shape = DeclaredInputShape!;
        foreach (Layer layer in _layers)
        {
            layer.InputSpec?.Check(layer, shape);
            layer.BuildOnce(shape);
            layer.InputSpec?.Check(layer, shape);
            shape = layer.ComputeOutputShape(shape);
            layer.OutputShape = shape;
        }

        OutputShape = shape;
    }
}
