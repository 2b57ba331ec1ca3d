using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Nabla.Tensors;

namespace Nabla.Autodiff;

/// <summary>
/// A recording of differentiable ops, in execution order, and the reverse pass over it. Each thread's
/// <see cref="StepContext"/> owns one; a <see cref="GradientTape"/> or the trainer's step starts and stops it.
/// </summary>
/// <remarks>
/// Each recording gets a new <see cref="Generation"/> (unique across threads); a tensor is tracked only if it carries
/// the current generation (or is a trainable variable), so tensors from earlier steps are never mistaken for nodes of
/// this one. Nodes are kept in execution order, which is a topological order, so the reverse pass is one backward
/// sweep. Node objects are reused by position (see <see cref="TapeNode"/>); between steps the tape keeps the last
/// step's nodes, so that gradients can still be computed after a <see cref="GradientTape"/> is disposed.
/// </remarks>
internal sealed class Tape
{
    private static int s_generation;

    private TapeNode?[] _nodes = new TapeNode?[256];
    private int _count;
    private int[] _sourceOf = [];
    private bool[] _reported = [];

    /// <summary>The current recording's generation (unique across threads).</summary>
    public int Generation { get; private set; }

    /// <summary>True while ops are being recorded.</summary>
    public bool IsRecording { get; private set; }

    /// <summary>Number of nodes recorded, leaves included.</summary>
    public int Count => _count;

    /// <summary>The calling thread's tape if it is recording now, otherwise null. Every op checks this first.</summary>
    public static Tape? Recording
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => StepContext.Current.Tape is { IsRecording: true } t ? t : null;
    }

    /// <summary>Starts a new recording, forgetting the previous one.</summary>
    /// <exception cref="InvalidOperationException">A recording is in progress (tapes do not nest).</exception>
    public void Start()
    {
        if (IsRecording)
        {
            throw new InvalidOperationException(
                "A GradientTape is already recording on this thread, and tapes do not nest. " +
                "Dispose the first tape (using var tape = new GradientTape()) before starting another, and do not call " +
                "Fit, TrainOnBatch or Evaluate while a tape records on the same thread.");
        }

        for (int i = 0; i < _count; i++)
        {
            _nodes[i]!.Grad = null;
        }

        _count = 0;
        Generation = Interlocked.Increment(ref s_generation);
        IsRecording = true;
    }

    /// <summary>Stops recording; the nodes stay until the next <see cref="Start"/>.</summary>
    public void Stop() => IsRecording = false;

    /// <summary>Pauses or resumes recording (inference inside a step, gradient computation); returns the previous state.</summary>
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
            Push<LeafNode>(t);
        }
    }

    /// <summary>
    /// Records an op whose output is <paramref name="output"/> and returns its node of type <typeparamref name="T"/>
    /// for the op to fill. Inputs that are trainable variables get leaf nodes on first use.
    /// </summary>
    public T Record<T>(Tensor output, Tensor? a, Tensor? b = null, Tensor? c = null)
        where T : TapeNode, new()
    {
        EnsureLeaf(a);
        EnsureLeaf(b);
        EnsureLeaf(c);
        return Push<T>(output);
    }

    /// <summary>Records a one-input op, setting <see cref="UnaryNode.X"/>.</summary>
    public T RecordUnary<T>(Tensor output, Tensor x)
        where T : UnaryNode, new()
    {
        T node = Record<T>(output, x);
        node.X = x;
        return node;
    }

    /// <summary>Records a two-input op, setting <see cref="BinaryNode.A"/> and <see cref="BinaryNode.B"/>.</summary>
    public T RecordBinary<T>(Tensor output, Tensor a, Tensor b)
        where T : BinaryNode, new()
    {
        T node = Record<T>(output, a, b);
        node.A = a;
        node.B = b;
        return node;
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

        TapeNode node = _nodes[input!.NodeIndex]!;
        Debug.Assert(ShapeUtil.SameShape(grad.Dims, input.Dims), $"gradient shape {ShapeUtil.Format(grad.Dims)} != input shape {ShapeUtil.Format(input.Dims)}");
        if (node.Grad is null)
        {
            if (owned)
            {
                node.Grad = grad;
            }
            else
            {
                Tensor copy = OpSupport.Empty(grad.Dims, grad);
                Compute.Copy("Gradient", grad, copy);
                node.Grad = copy;
            }
        }
        else
        {
            Compute.AddInPlace("Gradient", node.Grad, grad);
        }
    }

    /// <summary>
    /// Runs the reverse pass from <paramref name="target"/>, seeded with ones or with <paramref name="seed"/>
    /// (dL/dtarget, the target's shape; gradient checks project a non-scalar output onto a random direction), and
    /// writes dL/dsource for each source into <paramref name="results"/> (zeros for sources the target does not
    /// depend on). Result tensors come from <see cref="OpSupport.Empty(ReadOnlySpan{int})"/>: the step's arena inside a library-owned
    /// step, new memory otherwise.
    /// </summary>
    /// <remarks>
    /// When <paramref name="gradientReady"/> is given, it is called once for each source, with the source's index and
    /// its gradient, as soon as that gradient is final: the sweep reaches a source's leaf node only after every node
    /// recorded after it, which are all the nodes that can add to its gradient. Gradients therefore arrive in the reverse
    /// order of the sources' first use, while the rest of the pass goes on (data-parallel training starts summing them
    /// across processes then); the sources the target does not depend on come last. The callback must not change the
    /// gradient's values before the pass returns unless nothing else reads them: the tape no longer does.
    /// </remarks>
    public void ComputeGradients(Tensor target, Tensor? seed, ReadOnlySpan<Tensor> sources, Span<Tensor> results, Action<int, Tensor>? gradientReady = null)
    {
        bool wasRecording = SetRecording(false);
        try
        {
            for (int i = 0; i < _count; i++)
            {
                _nodes[i]!.Grad = null;
            }

            if (gradientReady is not null)
            {
                if (_reported.Length < sources.Length)
                {
                    _reported = new bool[sources.Length];
                }

                _reported.AsSpan().Clear();
            }

            if (NeedsGradient(target))
            {
                Tensor start = OpSupport.Empty(target.Dims, target);
                if (seed is null)
                {
                    Compute.Fill(start, 1f);
                }
                else
                {
                    Debug.Assert(ShapeUtil.SameShape(seed.Dims, target.Dims));
                    Compute.CopyAcross(seed, start);
                }

                _nodes[target.NodeIndex]!.Grad = start;
                int[]? sourceOf = gradientReady is null ? null : MapSources(sources, target.NodeIndex);
                for (int i = target.NodeIndex; i >= 0; i--)
                {
                    TapeNode node = _nodes[i]!;
                    if (node.Grad is { } g)
                    {
                        node.Backward(g, this);
                    }

                    if (sourceOf is not null && sourceOf[i] >= 0)
                    {
                        int j = sourceOf[i];
                        results[j] = node.Grad ?? OpSupport.ZerosLike(sources[j].Dims, sources[j]);
                        _reported[j] = true;
                        gradientReady!(j, results[j]);
                    }
                }
            }

            for (int j = 0; j < sources.Length; j++)
            {
                if (gradientReady is not null && _reported[j])
                {
                    continue;
                }

                Tensor s = sources[j];
                results[j] = NeedsGradient(s) && _nodes[s.NodeIndex]!.Grad is { } g ? g : OpSupport.ZerosLike(s.Dims, s);
                gradientReady?.Invoke(j, results[j]);
            }
        }
        finally
        {
            SetRecording(wasRecording);
        }
    }

    /// <summary>
    /// For <see cref="ComputeGradients"/> with a callback: the source index of each node up to <paramref name="last"/>
    /// that is a source's leaf (-1 elsewhere), in a buffer reused across calls. A source given twice is reported at its
    /// leaf under its first index, and after the sweep under the others.
    /// </summary>
    private int[] MapSources(ReadOnlySpan<Tensor> sources, int last)
    {
        if (_sourceOf.Length <= last)
        {
            _sourceOf = new int[Math.Max(last + 1, _nodes.Length)];
        }

        _sourceOf.AsSpan(0, last + 1).Fill(-1);
        for (int j = 0; j < sources.Length; j++)
        {
            Tensor s = sources[j];
            if (NeedsGradient(s) && s.NodeIndex <= last && _sourceOf[s.NodeIndex] < 0)
            {
                _sourceOf[s.NodeIndex] = j;
            }
        }

        return _sourceOf;
    }

    private void EnsureLeaf(Tensor? t)
    {
        if (t is { Variable.Trainable: true } && (t.TapeGeneration != Generation || t.NodeIndex < 0))
        {
            Push<LeafNode>(t);
        }
    }

    private T Push<T>(Tensor output)
        where T : TapeNode, new()
    {
        if (_count == _nodes.Length)
        {
            Array.Resize(ref _nodes, _nodes.Length * 2);
        }

        // The node of the same position in the previous step is reused when it has this type (warm steps repeat
        // their ops), so recording allocates only while a step's sequence of ops is new.
        T node = _nodes[_count] as T ?? new T();
        _nodes[_count] = node;
        output.TapeGeneration = Generation;
        output.NodeIndex = _count++;
        node.Output = output;
        node.Grad = null;
        return node;
    }
}
