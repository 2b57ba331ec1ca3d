using Nabla.Autodiff;
using Nabla.Layers;
using Nabla.Models;
using Nabla.Tensors;

namespace Nabla;

/// <summary>
/// A network of layers with training and inference (Keras's <c>keras.Model</c>): build one from a functional graph
/// (<c>new Model(input, output)</c>), use <see cref="Sequential"/> for a plain stack, or derive from it and
/// override <see cref="Call(Tensor, bool)"/>. Then <c>Compile</c>, <c>Fit</c>,
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
    private readonly FunctionalGraph? _functional;
    private int[]? _declaredInput;
    private bool _trainable = true;

    /// <summary>Creates a functional model from a graph built with <see cref="Layer.Apply(KerasTensor)"/>.</summary>
    /// <param name="inputs">The model's input, made with <see cref="Input"/>.</param>
    /// <param name="outputs">The symbolic output of the last layer.</param>
    /// <param name="name">The model's name (default <c>functional</c>, made unique).</param>
    /// <exception cref="ArgumentException"><paramref name="outputs"/> is not computed from <paramref name="inputs"/>.</exception>
    public Model(KerasTensor inputs, KerasTensor outputs, string? name = null)
        : this([inputs ?? throw new ArgumentNullException(nameof(inputs))], [outputs ?? throw new ArgumentNullException(nameof(outputs))], name)
    {
    }

    /// <summary>
    /// Creates a functional model with several inputs or outputs (Keras's <c>Model(inputs=[a, b], outputs=[c, d])</c>).
    /// Fit, Evaluate and Predict then take one array per input and per output, in these orders.
    /// </summary>
    /// <param name="inputs">The model's inputs, each made with <see cref="Input"/>.</param>
    /// <param name="outputs">The symbolic outputs, computed from the inputs.</param>
    /// <param name="name">The model's name (default <c>functional</c>, made unique).</param>
    /// <exception cref="ArgumentException">An input is not an <see cref="Input"/>, or an output depends on something that is not among the inputs.</exception>
    /// <example>
    /// <code>
    /// var image = new Input(shape: [784], name: "image");
    /// var hint = new Input(shape: [10], name: "hint");
    /// var merged = new Concatenate().Apply([new Dense(64, activation: "relu").Apply(image), hint]);
    /// var model = new Model([image, hint], [new Dense(10, activation: "softmax").Apply(merged), new Dense(1).Apply(merged)]);
    /// </code>
    /// </example>
    public Model(IReadOnlyList<KerasTensor> inputs, IReadOnlyList<KerasTensor> outputs, string? name = null)
        : base(name ?? LayerNames.Unique("functional"))
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        _functional = new FunctionalGraph(inputs, outputs);
        _declaredInput = _functional.Inputs[0].Shape;
        BuildOnce(_declaredInput);
        OutputShape = _functional.Outputs[0].Shape;
    }

    /// <summary>For <see cref="Sequential"/> and subclassed models: the layers are supplied later.</summary>
    /// <param name="name">The model's name (default: the class name in snake_case, made unique).</param>
    protected Model(string? name = null)
        : base(name)
    {
    }

    /// <summary>The model's layers in execution order, input layers first (Keras's <c>model.layers</c>).</summary>
    public virtual IReadOnlyList<Layer> Layers => _functional?.Layers ?? [];

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
    internal virtual IReadOnlyList<Layer> AllLayers => _functional?.Layers ?? [];

    /// <summary>The graph of a functional model, or null for Sequential and subclassed models.</summary>
    internal FunctionalGraph? Graph => _functional;

    /// <summary>The number of inputs the model takes.</summary>
    internal int InputCount => _functional?.Inputs.Length ?? 1;

    /// <summary>The number of outputs the model produces.</summary>
    internal int OutputCount => _functional?.Outputs.Length ?? 1;

    /// <summary>The names of the outputs (the producing layers' names), for per-output losses and metrics.</summary>
    internal string[] OutputNames => _functional?.OutputNames ?? [Name];

    /// <inheritdoc/>
    protected override bool TakesInputList => _functional is { Inputs.Length: > 1 };

    /// <summary>The declared input shape, batch axis first (-1 = any), once known.</summary>
    internal int[]? DeclaredInputShape
    {
        get => _declaredInput;
        set => _declaredInput = value;
    }

    /// <summary>Runs the layers in order. Subclassed models override this with their own computation.</summary>
    /// <param name="inputs">A batch.</param>
    /// <param name="training">True in training mode.</param>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        if (_functional is not null)
        {
            CheckSingle();
            Tensor result = null!;
            _functional.Forward(new ReadOnlySpan<Tensor>(in inputs), new Span<Tensor>(ref result), training);
            return result;
        }

        Tensor x = AdjustInputRank(inputs);
        IReadOnlyList<Layer> layers = AllLayers;
        for (int i = 0; i < layers.Count; i++)
        {
            // A convolution and the max pooling after it run as one pass where they can.
            if (i + 1 < layers.Count && layers[i] is Conv2D conv && layers[i + 1] is MaxPooling2D pool
                && conv.ApplyPooled(x, pool) is { } pooled)
            {
                x = pooled;
                i++;
                continue;
            }

            x = layers[i].Apply(x, training);
        }

        return x;
    }

    /// <summary>A model with several inputs, applied to a list of batches: its (single) output.</summary>
    /// <param name="inputs">One batch per model input.</param>
    /// <param name="training">True in training mode.</param>
    protected override Tensor Call(IReadOnlyList<Tensor> inputs, bool training)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (_functional is null || inputs.Count != _functional.Inputs.Length || _functional.Outputs.Length != 1)
        {
            throw new ArgumentException(
                $"Model '{Name}' takes {InputCount} inputs and gives {OutputCount} outputs; Apply with a list of {inputs.Count} returns one tensor. " +
                "Use Predict with one array per input to get every output.", nameof(inputs));
        }

        Tensor result = null!;
        _functional.Forward([.. inputs], new Span<Tensor>(ref result), training);
        return result;
    }

    /// <inheritdoc/>
    public override int[] ComputeOutputShape(IReadOnlyList<int[]> inputShapes) =>
        _functional is null ? base.ComputeOutputShape(inputShapes) : _functional.Outputs[0].Shape;

    /// <summary>
    /// The forward pass over every input, writing every output; the trainer's steps call it. A model with one input
    /// and one output that is not functional runs <c>Apply</c>.
    /// </summary>
    internal void Forward(ReadOnlySpan<Tensor> inputs, Span<Tensor> outputs, bool training)
    {
        if (_functional is null)
        {
            outputs[0] = Apply(inputs[0], training);
            return;
        }

        _functional.Forward(inputs, outputs, training);
    }

    private void CheckSingle()
    {
        if (_functional is { } g && (g.Inputs.Length != 1 || g.Outputs.Length != 1))
        {
            throw new ArgumentException(
                $"Model '{Name}' takes {g.Inputs.Length} inputs and gives {g.Outputs.Length} outputs, so it cannot be applied to one tensor. " +
                "Pass one array per input: model.Predict([a, b]) returns one tensor per output.");
        }
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

    /// <summary>Keras 3's input rank adjustment of the declared input (see <see cref="FunctionalGraph.AdjustRank"/>).</summary>
    private Tensor AdjustInputRank(Tensor x) => _declaredInput is int[] declared ? FunctionalGraph.AdjustRank(x, declared) : x;

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
