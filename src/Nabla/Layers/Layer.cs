using Nabla.Autodiff;
using Nabla.Initializers;
using Nabla.Regularizers;
using Nabla.Tensors;

namespace Nabla.Layers;

/// <summary>
/// The base of every layer: a unit of computation with its own weights, built lazily from the first input
/// shape (Keras's <c>keras.layers.Layer</c>).
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Apply(Tensor, bool)"/> is the only entry point and is not virtual: it checks the input against
/// <see cref="InputSpec"/>, builds the layer once from the first input shape, then calls <see cref="Call(Tensor, bool)"/>.
/// A subclass overrides <see cref="Build(int[])"/> (create weights with <see cref="AddWeight"/>), <see cref="Call(Tensor, bool)"/>
/// (compute with <see cref="Ops"/> — gradients follow automatically), and optionally
/// <see cref="ComputeOutputShape(int[])"/> and <see cref="GetConfig"/>.
/// </para>
/// <para>
/// Weights are registered in creation order, which <see cref="Weights"/>, <c>Model.GetWeights</c> and saved
/// files rely on. Shapes passed to <see cref="Build(int[])"/> and <see cref="ComputeOutputShape(int[])"/> include the batch
/// axis first, with -1 where its length is unknown (Keras's <c>None</c>).
/// </para>
/// </remarks>
public abstract partial class Layer
{
    private readonly List<Variable> _weights = [];
    private readonly List<(Variable Variable, Regularizer Regularizer)> _regularized = [];
    private readonly int[]? _inputShape;
    private readonly object _buildLock = new();
    private volatile bool _isBuilt;
    private bool _building;

    /// <summary>Initializes the layer.</summary>
    /// <param name="name">The layer's name; by default the snake_case class name made unique (<c>dense</c>, <c>dense_1</c>…).</param>
    /// <param name="inputShape">The shape of one sample (no batch axis), for a model's first layer, e.g. <c>[784]</c>.</param>
    protected Layer(string? name = null, int[]? inputShape = null)
    {
        if (inputShape is not null)
        {
            foreach (int d in inputShape)
            {
                if (d <= 0 && d != -1)
                {
                    throw new ArgumentException(
                        $"{GetType().Name}: inputShape must hold positive lengths (or -1 for unknown), but received {ShapeUtil.Format(inputShape)}.",
                        nameof(inputShape));
                }
            }

            _inputShape = (int[])inputShape.Clone();
        }

        Name = string.IsNullOrEmpty(name) ? LayerNames.Unique(LayerNames.ToSnakeCase(GetType().Name)) : name;
    }

    /// <summary>The layer's name, unique among the layers created on this thread unless given explicitly.</summary>
    public string Name { get; }

    /// <summary>Whether training updates this layer's weights (default true). A frozen layer's weights are all non-trainable.</summary>
    public virtual bool Trainable { get; set; } = true;

    /// <summary>True once the weights exist (after the first call or an explicit build).</summary>
    public bool IsBuilt => _isBuilt;

    /// <summary>What the layer accepts as input; checked on every call.</summary>
    public InputSpec? InputSpec { get; protected set; }

    /// <summary>The shape of one sample given at construction (<c>inputShape</c>), or null.</summary>
    public int[]? InputShape => (int[]?)_inputShape?.Clone();

    /// <summary>The input shape the layer was built for, batch axis first (-1 = any), or null before building.</summary>
    public int[]? BuildShape { get; private set; }

    /// <summary>Every weight, trainable ones first, each group in creation order (Keras's <c>weights</c>).</summary>
    public virtual IReadOnlyList<Variable> Weights
    {
        get
        {
            var all = new List<Variable>(_weights.Count);
            all.AddRange(_weights.Where(w => w.Trainable));
            all.AddRange(_weights.Where(w => !w.Trainable));
            return all;
        }
    }

    /// <summary>The weights training updates: none when <see cref="Trainable"/> is false.</summary>
    public virtual IReadOnlyList<Variable> TrainableWeights =>
        Trainable ? _weights.Where(w => w.Trainable).ToList() : [];

    /// <summary>The weights training does not update (all of them when <see cref="Trainable"/> is false).</summary>
    public virtual IReadOnlyList<Variable> NonTrainableWeights =>
        Trainable ? _weights.Where(w => !w.Trainable).ToList() : Weights;

    /// <summary>
    /// The regularization penalties of this layer's weights, recomputed on each access (differentiable while a
    /// tape records); the trainer adds their sum to the loss.
    /// </summary>
    public virtual IReadOnlyList<Tensor> Losses
    {
        get
        {
            var losses = new List<Tensor>(_regularized.Count);
            foreach ((Variable v, Regularizer r) in _regularized)
            {
                losses.Add(r.Call(v.Value));
            }

            return losses;
        }
    }

    /// <summary>Host copies of the weights' current values, in <see cref="Weights"/> order (Keras's <c>get_weights</c>), wherever the weights live.</summary>
    /// <returns>One new tensor per weight, e.g. a Dense layer's kernel and bias; yours to keep.</returns>
    public IReadOnlyList<Tensor> GetWeights() => Weights.Select(w => w.Value.Memory is null ? w.Value.Clone() : w.Value.To(Device.Cpu)).ToList();

    /// <summary>Sets every weight from <paramref name="weights"/>, in <see cref="Weights"/> order (Keras's <c>set_weights</c>).</summary>
    /// <param name="weights">One tensor per weight, each of its weight's shape.</param>
    /// <exception cref="ArgumentException">The count differs from the layer's.</exception>
    /// <exception cref="ShapeMismatchException">A tensor's shape differs from its weight's; the message names the weight. Nothing is set then.</exception>
    public void SetWeights(IReadOnlyList<Tensor> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        IReadOnlyList<Variable> mine = Weights;
        string who = this is Model ? $"model '{Name}'" : $"layer {Describe()}";
        if (weights.Count != mine.Count)
        {
            throw new ArgumentException(
                $"SetWeights: {who} has {mine.Count} weights ({string.Join(", ", mine.Select(w => w.Path))}), but received {weights.Count}." +
                (IsBuilt ? string.Empty : " It is not built yet: call it on data, or give it an inputShape, first."), nameof(weights));
        }

        for (int i = 0; i < mine.Count; i++)
        {
            Tensor w = weights[i] ?? throw new ArgumentException($"SetWeights: weight {i} is null.", nameof(weights));
            if (!ShapeUtil.SameShape(w.Dims, mine[i].Value.Dims))
            {
                string expected = ShapeUtil.Format(mine[i].Value.Dims), actual = ShapeUtil.Format(w.Dims);
                throw new ShapeMismatchException("SetWeights", expected, actual,
                    $"SetWeights: weight {i} ('{mine[i].Path}') has shape {expected}, but received a tensor of shape {actual} (in {who}).");
            }
        }

        for (int i = 0; i < mine.Count; i++)
        {
            mine[i].Assign(weights[i]);
        }
    }

    /// <summary>The total number of scalars in the layer's weights.</summary>
    /// <exception cref="InvalidOperationException">The layer is not built yet, so its weights do not exist.</exception>
    public int CountParams()
    {
        if (!IsBuilt)
        {
            throw new InvalidOperationException(
                $"Layer {Describe()} is not built yet, so it has no weights to count. Call it on data first, or give the model's first layer an inputShape.");
        }

        return Weights.Sum(w => w.Value.Size);
    }

    /// <summary>
    /// Computes the layer's output for <paramref name="inputs"/>: checks the input, builds the layer on first use,
    /// then runs <see cref="Call(Tensor, bool)"/> (Keras's <c>layer(inputs, training=...)</c>).
    /// </summary>
    /// <param name="inputs">A batch, batch axis first.</param>
    /// <param name="training">True in training mode (Dropout drops, BatchNormalization uses batch statistics).</param>
    /// <exception cref="ShapeMismatchException">The input does not match <see cref="InputSpec"/>.</exception>
    public Tensor Apply(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (TakesInputList)
        {
            throw NeedsList($"one tensor of shape {ShapeUtil.Format(inputs.Dims)}");
        }

        InputSpec?.Check(this, inputs.Dims);
        if (!IsBuilt)
        {
            int[] shape = inputs.Shape;
            shape[0] = -1;
            BuildOnce(shape);
            InputSpec?.Check(this, inputs.Dims);
        }

        return Call(inputs, training);
    }

    /// <summary>
    /// Creates the layer's weights for inputs of <paramref name="inputShape"/> (batch axis first, -1 = any) with
    /// <see cref="AddWeight"/>. Called once, before the first <see cref="Call(Tensor, bool)"/>. The default creates nothing.
    /// </summary>
    protected virtual void Build(int[] inputShape)
    {
    }

    /// <summary>The layer's computation; gradients follow from the <see cref="Ops"/> it uses.</summary>
    /// <param name="inputs">A batch that passed the <see cref="InputSpec"/> check.</param>
    /// <param name="training">True in training mode.</param>
    protected abstract Tensor Call(Tensor inputs, bool training);

    /// <summary>
    /// The output shape for an input shape (batch axis first, -1 = unknown). The default runs the layer once on a
    /// zero batch of one sample; override it when the shape is known without computing.
    /// </summary>
    public virtual int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        int[] probe = (int[])inputShape.Clone();
        for (int i = 0; i < probe.Length; i++)
        {
            probe[i] = probe[i] < 0 ? 1 : probe[i];
        }

        using (StepContext.Current.BeginInferenceBatch())
        {
            // The probe lives where the weights do (Device.Current for a layer that builds now).
            Device device = _weights.Count > 0 ? _weights[0].Value.Device : Device.Current;
            int[] output = Apply(Tensor.ZerosOn(device, probe), training: false).Shape;
            if (inputShape.Length > 0 && output.Length > 0 && inputShape[0] < 0)
            {
                output[0] = -1;
            }

            return output;
        }
    }

    /// <summary>
    /// The layer's constructor arguments as Keras names them (<c>units</c>, <c>activation</c>…), plus <c>name</c>
    /// and <c>trainable</c>, so that <see cref="LayerRegistry.FromConfig"/> can recreate it.
    /// </summary>
    public virtual Dictionary<string, object?> GetConfig()
    {
        var config = new Dictionary<string, object?>
        {
            ["name"] = Name,
            ["trainable"] = Trainable,
            ["dtype"] = "float32",
        };
        if (_inputShape is not null)
        {
            config["input_shape"] = (int[])_inputShape.Clone();
        }

        return config;
    }

    /// <summary>
    /// Creates a weight (Keras's <c>add_weight</c>). Only valid while the layer builds; weights are registered in
    /// creation order and named <c>{layer}/{name}</c>.
    /// </summary>
    /// <param name="name">The weight's name as Keras names it (<c>kernel</c>, <c>bias</c>, <c>gamma</c>…).</param>
    /// <param name="shape">The weight's shape.</param>
    /// <param name="initializer">How to fill it.</param>
    /// <param name="trainable">Whether training updates it (default true).</param>
    /// <param name="regularizer">A penalty added to the loss, or null.</param>
    /// <exception cref="InvalidOperationException">The layer is already built.</exception>
    protected Variable AddWeight(string name, int[] shape, Initializer initializer, bool trainable = true, Regularizer? regularizer = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(initializer);
        if (!_building)
        {
            throw new InvalidOperationException(
                $"Layer {Describe()}: AddWeight('{name}') can only be called from Build(); the layer's weights are fixed once it is built.");
        }

        // Keras places variables on the default device: weights are made on the host and copied to Device.Current.
        var v = new Variable(initializer.Call(shape).To(Device.Current), name, trainable) { Path = $"{Name}/{name}" };
        _weights.Add(v);
        if (regularizer is not null)
        {
            _regularized.Add((v, regularizer));
        }

        return v;
    }

    /// <summary>
    /// Builds the layer for <paramref name="inputShape"/> unless it is built already. Once and thread-safe: threads that
    /// make a model's first call together (serving) wait for one build, and none sees a half-built layer.
    /// </summary>
    internal void BuildOnce(int[] inputShape)
    {
        if (_isBuilt)
        {
            return;
        }

        lock (_buildLock)
        {
            if (_isBuilt)
            {
                return;
            }

            _building = true;
            try
            {
                Build(inputShape);
            }
            finally
            {
                _building = false;
            }

            BuildShape = (int[])inputShape.Clone();
            _isBuilt = true;   // a volatile write: the weights Build created are visible to every thread that sees it
        }
    }

    /// <summary>
    /// Adds this layer's weight penalties to <paramref name="total"/> (null when there is nothing yet) without
    /// allocating, for the trainer's loss.
    /// </summary>
    internal virtual Tensor? AddRegularization(Tensor? total)
    {
        foreach ((Variable v, Regularizer r) in _regularized)
        {
            Tensor penalty = r.Call(v.Value);
            total = total is null ? penalty : Ops.Add(total, penalty);
        }

        return total;
    }

    /// <summary>The output shape recorded when the layer was last placed in a model's graph (batch axis -1).</summary>
    internal int[]? OutputShape { get; set; }

    /// <summary>The layer's weights in creation order, regardless of trainability (for saving).</summary>
    internal IReadOnlyList<Variable> WeightsInCreationOrder => _weights;

    /// <summary>The layer as error messages name it: <c>'dense_1' (Dense, units=10)</c>.</summary>
    internal string Describe()
    {
        string details = DescribeHyperparameters();
        return details.Length == 0 ? $"'{Name}' ({GetType().Name})" : $"'{Name}' ({GetType().Name}, {details})";
    }

    /// <summary>The key hyperparameters for error messages, e.g. <c>units=10</c>; empty by default.</summary>
    protected virtual string DescribeHyperparameters() => string.Empty;

    /// <inheritdoc/>
    public override string ToString() => Describe();
}
