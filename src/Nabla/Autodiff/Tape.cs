using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Nabla.Tensors;

namespace Nabla.Autodiff;

/// <summary>
/// The thread's recording of differentiable ops, in execution order, and the reverse pass over it.
/// </summary>
/// <remarks>
/// One tape object lives per thread and is reused by every <see cref="GradientTape"/> on that thread, so that
/// a warm training step records without allocating. Each recording gets a new <see cref="Generation"/>; a
/// tensor is tracked only if it carries the current generation (or is a trainable variable), so tensors from
/// earlier steps are never mistaken for nodes of this one. Nodes are stored in execution order, which is a
/// topological order, so the reverse pass is a single backward sweep.
/// </remarks>
internal sealed class Tape
{
    [ThreadStatic]
    private static Tape? t_tape;

    private static int s_generation;

    // At most this many result lists are kept for reuse (a step asks for one or two).
    private const int MaxResultLists = 16;

    private TapeNode[] _nodes = new TapeNode[256];
    private int _count;

    // The lists GradientTape.Gradient returned during this recording are [0, _resultListsUsed); the rest are spares
    // from earlier recordings. Like the gradients they hold, they are reused once the next recording starts.
    private readonly List<Tensor[]> _resultLists = [];
    private int _resultListsUsed;

    /// <summary>The current recording's generation (unique across threads).</summary>
    public int Generation { get; private set; }

    /// <summary>True while ops are being recorded.</summary>
    public bool IsRecording { get; private set; }

    /// <summary>Number of nodes recorded, leaves included.</summary>
    public int Count => _count;

    /// <summary>This thread's tape, created on first use.</summary>
    public static Tape ForThread => t_tape ??= new Tape();

    /// <summary>This thread's tape if it is recording now, otherwise null. Every op checks this first.</summary>
    public static Tape? Recording
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => t_tape is { IsRecording: true } t ? t : null;
    }

    /// <summary>Starts a new recording, forgetting the previous one.</summary>
    public void Start()
    {
        if (IsRecording)
        {
            throw new InvalidOperationException(
                "A GradientTape is already recording on this thread, and tapes do not nest. " +
                "Dispose the first tape (using var tape = new GradientTape()) before starting another.");
        }

        Array.Clear(_nodes, 0, _count);
        _count = 0;
        for (int i = 0; i < _resultListsUsed; i++)
        {
            Array.Clear(_resultLists[i]);   // the gradients they held are recycled now; do not keep them reachable
        }

        _resultListsUsed = 0;
        Generation = Interlocked.Increment(ref s_generation);
        IsRecording = true;
    }

    /// <summary>Stops recording; the nodes stay until the next <see cref="Start"/>.</summary>
    public void Stop() => IsRecording = false;

    /// <summary>Pauses or resumes recording (inference inside a step, gradient computation).</summary>
    public bool SetRecording(bool recording)
    {
        bool was = IsRecording;
        IsRecording = recording;
        return was;
    }

    /// <summary>True when gradients flow to <paramref name="t"/>: it was produced or watched on this recording, or is a trainable variable.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Tracks(Tensor? t) =>
        t is not null && ((t.TapeGeneration == Generation && t.NodeIndex >= 0) || t.Variable is { Trainable: true });

    /// <summary>
    /// True when the reverse pass will want a gradient for <paramref name="t"/>; rules use it to skip work
    /// (for example dL/dx of a network's input).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool NeedsGradient(Tensor? t) => t is not null && t.TapeGeneration == Generation && t.NodeIndex >= 0;

    /// <summary>Marks <paramref name="t"/> as a leaf whose gradient can be asked for.</summary>
    public void Watch(Tensor t)
    {
        if (t.TapeGeneration != Generation || t.NodeIndex < 0)
        {
            Push(t);
        }
    }

    /// <summary>
    /// Records an op whose output is <paramref name="output"/>. Inputs that are trainable variables get leaf
    /// nodes on first use. Returns the node so the op can save what its rule needs.
    /// </summary>
    public ref TapeNode Record(BackwardRule rule, Tensor output, Tensor? a, Tensor? b = null, Tensor? c = null)
    {
        EnsureLeaf(a);
        EnsureLeaf(b);
        EnsureLeaf(c);
        ref TapeNode node = ref Push(output);
        node.Rule = rule;
        node.A = a;
        node.B = b;
        node.C = c;
        return ref node;
    }

    /// <summary>
    /// Adds <paramref name="grad"/> to dL/d<paramref name="input"/>. Does nothing for untracked inputs. When
    /// <paramref name="owned"/> is true the caller hands over a tensor it just created and that nothing else
    /// refers to, and the tape keeps it instead of copying.
    /// </summary>
    public void Accumulate(Tensor? input, Tensor grad, bool owned = false)
    {
        if (!NeedsGradient(input))
        {
            return;
        }

        ref TapeNode node = ref _nodes[input!.NodeIndex];
        Debug.Assert(ShapeUtil.SameShape(grad.Dims, input.Dims), $"gradient shape {ShapeUtil.Format(grad.Dims)} != input shape {ShapeUtil.Format(input.Dims)}");
        if (node.Grad is null)
        {
            if (owned)
            {
                node.Grad = grad;
            }
            else
            {
                Tensor copy = Arena.Rent(grad.Dims, clear: false);
                grad.Span.CopyTo(copy.Span);
                node.Grad = copy;
            }
        }
        else
        {
            TensorPrimitives.Add(node.Grad.Span, grad.Span, node.Grad.Span);
        }
    }

    /// <summary>
    /// Runs the reverse pass from <paramref name="target"/> (seeded with ones) and writes dL/dsource for each
    /// source into <paramref name="results"/> (zeros for sources the target does not depend on).
    /// </summary>
    public void ComputeGradients(Tensor target, ReadOnlySpan<Tensor> sources, Span<Tensor> results) =>
        ComputeGradients(target, null, sources, results);

    /// <summary>
    /// The reverse pass seeded with <paramref name="seed"/> (dL/dtarget, same shape as the target) instead of
    /// ones; gradient checks use it to project a non-scalar output onto a random direction.
    /// </summary>
    public void ComputeGradients(Tensor target, Tensor? seed, ReadOnlySpan<Tensor> sources, Span<Tensor> results)
    {
        bool wasRecording = SetRecording(false);
        try
        {
            for (int i = 0; i < _count; i++)
            {
                _nodes[i].Grad = null;
            }

            if (NeedsGradient(target))
            {
                Tensor start = Arena.Rent(target.Dims, clear: false);
                if (seed is null)
                {
                    start.Span.Fill(1f);
                }
                else
                {
                    Debug.Assert(ShapeUtil.SameShape(seed.Dims, target.Dims));
                    seed.Span.CopyTo(start.Span);
                }

                _nodes[target.NodeIndex].Grad = start;
                for (int i = target.NodeIndex; i >= 0; i--)
                {
                    ref TapeNode node = ref _nodes[i];
                    if (node.Rule is not null && node.Grad is not null)
                    {
                        node.Rule.Backward(in node, node.Grad, this);
                    }
                }
            }

            for (int j = 0; j < sources.Length; j++)
            {
                Tensor s = sources[j];
                results[j] = NeedsGradient(s) && _nodes[s.NodeIndex].Grad is { } g ? g : Arena.Rent(s.Dims, clear: true);
            }
        }
        finally
        {
            SetRecording(wasRecording);
        }
    }

    /// <summary>
    /// An array of <paramref name="length"/> for the gradients one <see cref="GradientTape"/>.Gradient call returns:
    /// distinct from every other list handed out during this recording, and reused from the next <see cref="Start"/>
    /// on, when the gradient tensors in it are recycled too. So a warm step that asks for gradients allocates no list.
    /// </summary>
    public Tensor[] RentResultList(int length)
    {
        for (int i = _resultListsUsed; i < _resultLists.Count; i++)
        {
            if (_resultLists[i].Length == length)
            {
                (_resultLists[i], _resultLists[_resultListsUsed]) = (_resultLists[_resultListsUsed], _resultLists[i]);
                return _resultLists[_resultListsUsed++];
            }
        }

        var list = new Tensor[length];
        if (_resultListsUsed < _resultLists.Count)
        {
            _resultLists[_resultListsUsed++] = list;   // no spare of this length: replace one
        }
        else if (_resultLists.Count < MaxResultLists)
        {
            _resultLists.Add(list);
            _resultListsUsed++;
        }

        return list;
    }

    private void EnsureLeaf(Tensor? t)
    {
        if (t is { Variable.Trainable: true } && (t.TapeGeneration != Generation || t.NodeIndex < 0))
        {
            Push(t);
        }
    }

    private ref TapeNode Push(Tensor output)
    {
        if (_count == _nodes.Length)
        {
            Array.Resize(ref _nodes, _nodes.Length * 2);
        }

        output.TapeGeneration = Generation;
        output.NodeIndex = _count;
        ref TapeNode node = ref _nodes[_count++];
        node = default;
        node.Output = output;
        return ref node;
    }
}
