using Nabla.Autodiff;
using Nabla.Layers;
using Nabla.Tensors;

namespace Nabla;

/// <summary>
/// A network of layers with training and inference (Keras's <c>keras.Model</c>): build one from a functional graph
/// (<c>new Model(input, output)</c>), use <see cref="Sequential"/> for a plain stack, or derive from it and
/// override <see cref="Call"/>. Then <see cref="Compile"/>, <c>Fit</c>,
/// <c>Evaluate</c> and
/// <c>Predict</c>.
/// </summary>
/// <remarks>
/// A model is itself a <see cref="Layer"/>, so models nest. Inputs whose rank differs from the declared input by a
/// trailing axis of length 1 are adjusted, as Keras does (data of shape [n, 28, 28] feeds a model declared with
/// input shape [28, 28, 1]).
/// </remarks>
/// <example>
/// <code>
/// var input = new Input(shape: [784]);
/// var h = new Dense(64, activation: "relu").Apply(input);
/// var output = new Dense(10, activation: "softmax").Apply(h);
/// var model = new Model(input, output);
/// </code>
/// </example>
public partial class Model : Layer
{
    private readonly List<Layer> _graph = [];
    private int[]? _declaredInput;
    private bool _trainable = true;

    /// <summary>Creates a functional model from a graph built with <see cref="Layer.Apply(KerasTensor)"/>.</summary>
    /// <param name="inputs">The model's input, made with <see cref="Input"/>.</param>
    /// <param name="outputs">The symbolic output of the last layer.</param>
    /// <param name="name">The model's name (default <c>functional</c>, made unique).</param>
    /// <exception cref="ArgumentException"><paramref name="outputs"/> is not computed from <paramref name="inputs"/>.</exception>
    public Model(KerasTensor inputs, KerasTensor outputs, string? name = null)
        : base(name ?? LayerNames.Unique("functional"))
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        if (inputs.Layer is not InputLayer)
        {
            throw new ArgumentException("Model: inputs must come from new Input(shape: ...), but received the output of layer " +
                $"{inputs.Layer.Describe()}.", nameof(inputs));
        }

        var chain = new List<Layer>();
        for (KerasTensor? t = outputs; t is not null; t = t.Source)
        {
            chain.Add(t.Layer);
            if (ReferenceEquals(t, inputs))
            {
                chain.Reverse();
                _graph.AddRange(chain);
                _declaredInput = inputs.Shape;
                BuildOnce(inputs.Shape);
                OutputShape = outputs.Shape;
                return;
            }
        }

        throw new ArgumentException(
            $"Model: the outputs are not computed from the given inputs (the graph behind {outputs} never reaches {inputs}).", nameof(outputs));
    }

    /// <summary>For <see cref="Sequential"/> and subclassed models: the layers are supplied later.</summary>
    /// <param name="name">The model's name (default: the class name in snake_case, made unique).</param>
    protected Model(string? name = null)
        : base(name)
    {
    }

    /// <summary>The model's layers in execution order (Keras's <c>model.layers</c>).</summary>
    public virtual IReadOnlyList<Layer> Layers => _graph;

    /// <summary>Whether training updates the model's weights; setting it sets every layer (Keras's <c>model.trainable</c>).</summary>
    public override bool Trainable
    {
        get => _trainable;
        set
        {
            _trainable = value;
            foreach (Layer layer in AllLayers)
            {
                layer.Trainable = value;
            }
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Variable> Weights => Distinct(AllLayers.SelectMany(l => l.Weights));

    /// <inheritdoc/>
    public override IReadOnlyList<Variable> TrainableWeights =>
        Trainable ? Distinct(AllLayers.SelectMany(l => l.TrainableWeights)) : [];

    /// <inheritdoc/>
    public override IReadOnlyList<Variable> NonTrainableWeights
    {
        get
        {
            var trainable = new HashSet<Variable>(TrainableWeights);
            return Weights.Where(w => !trainable.Contains(w)).ToList();
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Tensor> Losses => AllLayers.SelectMany(l => l.Losses).ToList();

    /// <summary>Set by a callback to end <c>Fit</c> after the current batch (Keras's <c>stop_training</c>).</summary>
    public bool StopTraining { get; set; }

    /// <summary>The layers the model runs, including a leading <see cref="InputLayer"/> if it has one.</summary>
    internal virtual IReadOnlyList<Layer> AllLayers => _graph;

    /// <summary>The declared input shape, batch axis first (-1 = any), once known.</summary>
    internal int[]? DeclaredInputShape
    {
        get => _declaredInput;
        set => _declaredInput = value;
    }

    /// <summary>Copies of the weights' current values, in <see cref="Weights"/> order (Keras's <c>get_weights</c>).</summary>
    public IReadOnlyList<Tensor> GetWeights() => Weights.Select(w => w.Value.Clone()).ToList();

    /// <summary>Sets every weight from <paramref name="weights"/>, in <see cref="Weights"/> order (Keras's <c>set_weights</c>).</summary>
    /// <param name="weights">One tensor per weight, each of its weight's shape.</param>
    /// <exception cref="ArgumentException">The count differs from the model's.</exception>
    /// <exception cref="ShapeMismatchException">A tensor's shape differs from its weight's; the message names the weight.</exception>
    public void SetWeights(IReadOnlyList<Tensor> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        IReadOnlyList<Variable> mine = Weights;
        if (weights.Count != mine.Count)
        {
            throw new ArgumentException(
                $"SetWeights: model '{Name}' has {mine.Count} weights ({string.Join(", ", mine.Select(w => w.Path))}), but received {weights.Count}.", nameof(weights));
        }

        for (int i = 0; i < mine.Count; i++)
        {
            Tensor w = weights[i] ?? throw new ArgumentException($"SetWeights: weight {i} is null.", nameof(weights));
            if (!ShapeUtil.SameShape(w.Dims, mine[i].Value.Dims))
            {
                string expected = ShapeUtil.Format(mine[i].Value.Dims), actual = ShapeUtil.Format(w.Dims);
                throw new ShapeMismatchException("SetWeights", expected, actual,
                    $"SetWeights: weight {i} ('{mine[i].Path}') has shape {expected}, but received a tensor of shape {actual}.");
            }
        }

        for (int i = 0; i < mine.Count; i++)
        {
            mine[i].Assign(weights[i]);
        }
    }

    /// <summary>Runs the layers in order. Subclassed models override this with their own computation.</summary>
    /// <param name="inputs">A batch.</param>
    /// <param name="training">True in training mode.</param>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        Tensor x = AdjustInputRank(inputs);
        IReadOnlyList<Layer> layers = AllLayers;
        for (int i = 0; i < layers.Count; i++)
        {
            x = layers[i].Apply(x, training);
        }

        return x;
    }

    /// <inheritdoc/>
    protected override void Build(int[] inputShape)
    {
        _declaredInput ??= (int[])inputShape.Clone();
    }

    /// <inheritdoc/>
    internal override Tensor? AddRegularization(Tensor? total)
    {
        IReadOnlyList<Layer> layers = AllLayers;
        for (int i = 0; i < layers.Count; i++)
        {
            total = layers[i].AddRegularization(total);
        }

        return total;
    }

    /// <summary>
    /// Keras 3's input rank adjustment: data with one axis fewer than declared, where the declared last axis is 1,
    /// gains that axis; data with one more axis of length 1 loses it. A view: no copy.
    /// </summary>
    private Tensor AdjustInputRank(Tensor x)
    {
        int[]? declared = _declaredInput;
        if (declared is null)
        {
            return x;
        }

        if (x.Rank == declared.Length - 1 && declared[^1] == 1)
        {
            Span<int> shape = stackalloc int[x.Rank + 1];
            x.Dims.CopyTo(shape);
            shape[^1] = 1;
            return Ops.Reshape(x, shape);
        }

        if (x.Rank == declared.Length + 1 && x.Dim(-1) == 1)
        {
            return Ops.Reshape(x, x.Dims[..^1]);
        }

        return x;
    }

    private static List<Variable> Distinct(IEnumerable<Variable> variables)
    {
        var seen = new HashSet<Variable>();
        var list = new List<Variable>();
        foreach (Variable v in variables)
        {
            if (seen.Add(v))
            {
                list.Add(v);
            }
        }

        return list;
    }
}
