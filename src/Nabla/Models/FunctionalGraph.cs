using Nabla.Autodiff;
using Nabla.Layers;
using Nabla.Tensors;

namespace Nabla.Models;

/// <summary>
/// The graph of a functional model: its inputs, its outputs, and the layer calls between them in an order that runs
/// every call after the calls it depends on (Keras's <c>Functional</c> with its nodes by depth).
/// </summary>
/// <remarks>
/// Values live in numbered slots: the model's inputs first, then one per call. A forward pass fills the slots in order;
/// the slot arrays are taken from a one-entry cache, so a warm pass on one thread allocates nothing and passes on
/// several threads each get their own.
/// </remarks>
internal sealed class FunctionalGraph
{
    private readonly Call[] _calls;
    private readonly int[] _outputSlots;
    private Scratch? _cached;

    /// <summary>Traces the graph from <paramref name="outputs"/> back to <paramref name="inputs"/>.</summary>
    /// <exception cref="ArgumentException">An input is not an <see cref="Input"/>, is listed twice, or an output does not depend on the inputs alone.</exception>
    public FunctionalGraph(IReadOnlyList<KerasTensor> inputs, IReadOnlyList<KerasTensor> outputs)
    {
        if (inputs.Count == 0 || outputs.Count == 0)
        {
            throw new ArgumentException($"Model: needs at least one input and one output, but received {inputs.Count} inputs and {outputs.Count} outputs.");
        }

        var slots = new Dictionary<KerasTensor, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < inputs.Count; i++)
        {
            KerasTensor input = inputs[i] ?? throw new ArgumentNullException(nameof(inputs), $"Model: input {i} is null.");
            if (input.Layer is not InputLayer)
            {
                throw new ArgumentException(
                    $"Model: inputs must come from new Input(shape: ...), but received the output of layer {input.Layer.Describe()}" +
                    (inputs.Count > 1 ? $" as input {i}." : "."), nameof(inputs));
            }

            if (!slots.TryAdd(input, i))
            {
                throw new ArgumentException($"Model: input {i} ({input.Layer.Name}) is listed more than once.", nameof(inputs));
            }
        }

        Inputs = [.. inputs];
        var calls = new List<Call>();
        var visiting = new HashSet<KerasTensor>(ReferenceEqualityComparer.Instance);
        int Visit(KerasTensor t)
        {
            if (slots.TryGetValue(t, out int slot))
            {
                return slot;
            }

            if (t.InputArray.Length == 0)
            {
                throw new ArgumentException(
                    $"Model: the outputs are not computed from the given inputs alone (graph disconnected): they depend on {t}, which " +
                    $"is not among the inputs; the graph behind them never reaches {string.Join(" or ", Inputs.Select(i => i.ToString()))}. " +
                    "Pass every Input the outputs depend on in the inputs list.", "outputs");
            }

            if (!visiting.Add(t))
            {
                throw new ArgumentException($"Model: the graph has a cycle through layer {t.Layer.Describe()}.", "outputs");
            }

            int[] from = [.. t.InputArray.Select(Visit)];
            int output = Inputs.Length + calls.Count;
            calls.Add(new Call(t, from, output));
            slots.Add(t, output);
            return output;
        }

        _outputSlots = new int[outputs.Count];
        for (int o = 0; o < outputs.Count; o++)
        {
            _outputSlots[o] = Visit(outputs[o] ?? throw new ArgumentNullException(nameof(outputs), $"Model: output {o} is null."));
        }

        Outputs = [.. outputs];
        _calls = [.. calls];
        Layers = [.. Inputs.Select(i => i.Layer).Concat(_calls.Select(c => c.Layer)).Distinct()];
        OutputNames = UniqueNames(Outputs.Select(o => o.Layer.Name));
    }

    /// <summary>The model's inputs, in order.</summary>
    public KerasTensor[] Inputs { get; }

    /// <summary>The model's outputs, in order.</summary>
    public KerasTensor[] Outputs { get; }

    /// <summary>Every layer once, input layers first, then in the order the graph runs them (Keras's <c>model.layers</c>).</summary>
    public Layer[] Layers { get; }

    /// <summary>The outputs' names for per-output losses and metrics: the producing layers' names, made unique.</summary>
    public string[] OutputNames { get; }

    /// <summary>
    /// True when the graph is a single chain: one input, one output, every call of one input and no layer called twice.
    /// Keras then prints the summary without its "Connected to" column.
    /// </summary>
    public bool IsChain =>
        Inputs.Length == 1 && Outputs.Length == 1 && _calls.All(c => c.From.Length == 1) && _calls.Select(c => c.Layer).Distinct().Count() == _calls.Length;

    /// <summary>The calls that ran <paramref name="layer"/> in this graph, with their symbolic outputs (for the summary).</summary>
    public IEnumerable<KerasTensor> CallsOf(Layer layer) => _calls.Where(c => ReferenceEquals(c.Layer, layer)).Select(c => c.Result);

    /// <summary>Runs the graph: every call in order, from the model's inputs to its outputs.</summary>
    public void Forward(ReadOnlySpan<Tensor> inputs, Span<Tensor> outputs, bool training)
    {
        Scratch scratch = Interlocked.Exchange(ref _cached, null) ?? new Scratch(Inputs.Length + _calls.Length, _calls);
        Tensor[] slots = scratch.Slots;
        try
        {
            for (int i = 0; i < Inputs.Length; i++)
            {
                slots[i] = AdjustRank(inputs[i], Inputs[i].ShapeArray);
            }

            for (int c = 0; c < _calls.Length; c++)
            {
                Call call = _calls[c];
                if (call.From.Length == 1)
                {
                    slots[call.Output] = call.Layer.Apply(slots[call.From[0]], training);
                }
                else
                {
                    Tensor[] args = scratch.Arguments[c]!;
                    for (int a = 0; a < args.Length; a++)
                    {
                        args[a] = slots[call.From[a]];
                    }

                    slots[call.Output] = call.Layer.Apply(args, training);
                    Array.Clear(args);
                }
            }

            for (int o = 0; o < _outputSlots.Length; o++)
            {
                outputs[o] = slots[_outputSlots[o]];
            }
        }
        finally
        {
            Array.Clear(slots);   // the cache must not keep a call's tensors alive
            _cached = scratch;
        }
    }

    /// <summary>
    /// Keras 3's input rank adjustment: data with one axis fewer than declared, where the declared last axis is 1,
    /// gains that axis; data with one more axis of length 1 loses it. A view: no copy.
    /// </summary>
    internal static Tensor AdjustRank(Tensor x, int[] declared)
    {
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

    private static string[] UniqueNames(IEnumerable<string> names)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (string name in names)
        {
            int n = seen.TryGetValue(name, out int c) ? c : 0;
            seen[name] = n + 1;
            result.Add(n == 0 ? name : $"{name}_{n}");
        }

        return [.. result];
    }

    /// <summary>One layer call: the symbolic tensor it produced, the slots it reads and the slot it writes.</summary>
    private sealed record Call(KerasTensor Result, int[] From, int Output)
    {
        public Layer Layer => Result.Layer;
    }

    /// <summary>A forward pass's slots and argument lists.</summary>
    private sealed class Scratch(int slots, Call[] calls)
    {
        public Tensor[] Slots { get; } = new Tensor[slots];

        public Tensor[]?[] Arguments { get; } = [.. calls.Select(c => c.From.Length > 1 ? new Tensor[c.From.Length] : null)];
    }
}
