using Nabla.Tensors;

namespace Nabla.Layers;

// Calls with several inputs (merge layers, Lambda over a list) and calls on symbolic tensors, which build a functional
// model's graph: each symbolic call is a node of the layer, numbered as Keras numbers a layer's inbound nodes.
public abstract partial class Layer
{
    private int _nodeCount;

    /// <summary>
    /// True for layers that take a list of inputs (merge layers); they override the list forms of <c>Build</c>,
    /// <c>Call</c> and <c>ComputeOutputShape</c>.
    /// </summary>
    protected virtual bool TakesInputList => false;

    /// <summary>The number of times the layer was applied to symbolic tensors (Keras's inbound nodes).</summary>
    internal int NodeCount => _nodeCount;

    /// <summary>Applies the layer to a symbolic tensor, building a functional model's graph (Keras's <c>layer(keras_tensor)</c>).</summary>
    /// <param name="inputs">The symbolic output of an <see cref="Input"/> or of another layer.</param>
    /// <returns>The symbolic output, to pass to the next layer or to <c>new Model(input, output)</c>.</returns>
    /// <exception cref="ShapeMismatchException">The input's shape does not match <see cref="InputSpec"/>.</exception>
    /// <exception cref="ArgumentException">The layer takes a list of inputs.</exception>
    public KerasTensor Apply(KerasTensor inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (TakesInputList)
        {
            throw NeedsList($"one symbolic tensor of shape {FormatSymbolic(inputs.ShapeArray)}");
        }

        int[] shape = inputs.Shape;
        InputSpec?.Check(this, shape);
        BuildOnce(shape);
        InputSpec?.Check(this, shape);
        OutputShape = ComputeOutputShape(shape);
        return new KerasTensor(OutputShape, this, [inputs], _nodeCount++);
    }

    /// <summary>
    /// Applies a layer that takes several inputs (a merge layer such as <c>Add</c>) to symbolic tensors
    /// (Keras's <c>layer([a, b])</c>).
    /// </summary>
    /// <param name="inputs">The symbolic inputs, in order.</param>
    /// <returns>The symbolic output.</returns>
    /// <exception cref="ArgumentException">The layer takes one input, or the list's length or shapes do not suit it.</exception>
    public KerasTensor Apply(IReadOnlyList<KerasTensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!TakesInputList)
        {
            if (inputs.Count == 1 && inputs[0] is { } only)
            {
                return Apply(only);
            }

            throw new ArgumentException(
                $"Layer {Describe()} takes one input, but received a list of {inputs.Count}. Combine them first with a merge layer " +
                "(Add, Concatenate, ...).", nameof(inputs));
        }

        KerasTensor[] list = [.. inputs];
        int[][] shapes = new int[list.Length][];
        for (int i = 0; i < list.Length; i++)
        {
            shapes[i] = (list[i] ?? throw new ArgumentException($"Layer {Describe()}: input {i} is null.", nameof(inputs))).Shape;
        }

        BuildOnce(shapes);
        OutputShape = ComputeOutputShape(shapes);
        return new KerasTensor(OutputShape, this, list, _nodeCount++);
    }

    /// <summary>
    /// Computes the output of a layer that takes several inputs (a merge layer) for a list of batches, building the
    /// layer on first use.
    /// </summary>
    /// <param name="inputs">The batches, in order, each batch axis first.</param>
    /// <param name="training">True in training mode.</param>
    /// <returns>The output batch.</returns>
    /// <exception cref="ArgumentException">The layer takes one input, or the list's length or shapes do not suit it.</exception>
    public Tensor Apply(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!TakesInputList)
        {
            if (inputs.Count == 1 && inputs[0] is { } only)
            {
                return Apply(only, training);
            }

            throw new ArgumentException($"Layer {Describe()} takes one input, but received a list of {inputs.Count}.", nameof(inputs));
        }

        for (int i = 0; i < inputs.Count; i++)
        {
            if (inputs[i] is null)
            {
                throw new ArgumentNullException($"{nameof(inputs)}[{i}]");   // the name is built only when it throws
            }
        }

        if (!IsBuilt)
        {
            var shapes = new int[inputs.Count][];
            for (int i = 0; i < shapes.Length; i++)
            {
                shapes[i] = inputs[i].Shape;
                shapes[i][0] = -1;
            }

            BuildOnce(shapes);
        }

        return Call(inputs, training);
    }

    /// <summary>
    /// Creates the weights of a layer that takes several inputs, for inputs of <paramref name="inputShapes"/> (batch
    /// axis first, -1 = any), and checks that the shapes suit it. Called once. The default builds from the first.
    /// </summary>
    protected virtual void Build(IReadOnlyList<int[]> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        Build(inputShapes[0]);
    }

    /// <summary>The computation of a layer that takes several inputs; gradients follow from the ops it uses.</summary>
    /// <param name="inputs">The batches, in order.</param>
    /// <param name="training">True in training mode.</param>
    protected virtual Tensor Call(IReadOnlyList<Tensor> inputs, bool training)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return Call(inputs[0], training);
    }

    /// <summary>The output shape for a list of input shapes (batch axis first, -1 = unknown). The default uses the first.</summary>
    /// <param name="inputShapes">The input shapes, in order.</param>
    public virtual int[] ComputeOutputShape(IReadOnlyList<int[]> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        return ComputeOutputShape(inputShapes[0]);
    }

    /// <summary>The list form of <see cref="BuildOnce(int[])"/>.</summary>
    internal void BuildOnce(IReadOnlyList<int[]> inputShapes)
    {
        if (IsBuilt)
        {
            return;
        }

        lock (_buildLock)
        {
            if (IsBuilt)
            {
                return;
            }

            _building = true;
            try
            {
                Build(inputShapes);
            }
            finally
            {
                _building = false;
            }

            BuildShape = (int[])inputShapes[0].Clone();
            _isBuilt = true;
        }
    }

    /// <summary>The error for a list-taking layer given one input.</summary>
    private protected ArgumentException NeedsList(string received) => new(
        $"Layer {Describe()} takes a list of inputs, e.g. new {GetType().Name}().Apply([a, b]), but received {received}.", "inputs");

    private static string FormatSymbolic(int[] shape) => ShapeUtil.Format(shape).Replace("-1", "None", StringComparison.Ordinal);
}
