using Nabla.Tensors;

namespace Nabla.Autodiff;

// Joining tensors along an axis. Seen as [outer, length_i·inner] blocks (outer the product of the axes before the
// joined one, inner of those after), concatenation interleaves contiguous runs, so both passes are runs of copies.
public static partial class Ops
{
    /// <summary>
    /// Joins tensors along <paramref name="axis"/> (Keras's <c>ops.concatenate</c>): every other axis must match, and
    /// the result's <paramref name="axis"/> is the sum of theirs.
    /// </summary>
    /// <param name="tensors">The tensors to join, in order; one or more, all of the same rank (at least 1).</param>
    /// <param name="axis">The axis to join along; negative counts from the end. Default 0, as in Keras.</param>
    /// <returns>A new tensor, or the only tensor itself when the list holds one.</returns>
    /// <example>
    /// <code>
    /// Tensor ab = Ops.Concatenate([a, b], axis: -1);   // [32, 3] and [32, 5] → [32, 8]
    /// </code>
    /// </example>
    /// <exception cref="ArgumentException">The list is empty, holds null, or holds scalars.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is outside the tensors' rank.</exception>
    /// <exception cref="ShapeMismatchException">The ranks differ, or a length other than <paramref name="axis"/>'s differs.</exception>
    public static Tensor Concatenate(IReadOnlyList<Tensor> tensors, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        int count = tensors.Count;
        if (count == 0)
        {
            throw new ArgumentException("Concatenate: expects at least one tensor, but received an empty list.", nameof(tensors));
        }

        Tensor first = tensors[0] ?? throw new ArgumentException("Concatenate: tensor 0 is null.", nameof(tensors));
        if (first.Rank == 0)
        {
            throw new ArgumentException("Concatenate: expects tensors of rank 1 or more, but tensor 0 is a scalar (shape []). Reshape it to [1] first.", nameof(tensors));
        }

        int a = ShapeUtil.NormalizeAxis("Concatenate", axis, first.Rank);
        int joined = 0;
        for (int t = 0; t < count; t++)
        {
            Tensor x = tensors[t] ?? throw new ArgumentException($"Concatenate: tensor {t} is null.", nameof(tensors));
            CheckConcatenable(first, x, t, a);
            joined += x.Dim(a);
        }

        if (count == 1)
        {
            return first;
        }

        Span<int> dims = stackalloc int[first.Rank];
        first.Dims.CopyTo(dims);
        dims[a] = joined;
        Tensor y = OpSupport.Empty(dims, first);
        int outer = ShapeUtil.Product(dims[..a]), inner = ShapeUtil.Product(dims[(a + 1)..]);
        if (y.Memory is not null)
        {
            ConcatenateOnDevice(tensors, y, a, outer, inner, joined);
        }
        else
        {
            int offset = 0;
            for (int t = 0; t < count; t++)
            {
                Tensor x = tensors[t];
                int run = x.Dim(a) * inner;
                CopyRuns(x.Span, y.Span, outer, run, joined * inner, offset, toBlocks: true);
                offset += run;
            }
        }

        if (Tape.Recording is { } tape && AnyTracked(tape, tensors))
        {
            for (int t = 0; t < count; t++)
            {
                if (tensors[t].Variable is { Trainable: true })
                {
                    tape.Watch(tensors[t]);   // a trainable variable gets its leaf node before the op, as Record gives one
                }
            }

            tape.Record<ConcatenateNode>(y, null).Set(tensors, a);
        }

        return y;
    }

    private static void CheckConcatenable(Tensor first, Tensor x, int index, int axis)
    {
        bool ok = x.Rank == first.Rank;
        for (int d = 0; ok && d < first.Rank; d++)
        {
            ok = d == axis || x.Dim(d) == first.Dim(d);
        }

        if (!ok)
        {
            string s0 = ShapeUtil.Format(first.Dims), si = ShapeUtil.Format(x.Dims);
            throw new ShapeMismatchException("Concatenate", $"a shape matching {s0} except on axis {axis}", si,
                x.Rank != first.Rank
                    ? $"Concatenate: expects tensors of one rank, but tensor 0 has shape {s0} (rank {first.Rank}) and tensor {index} has shape {si} (rank {x.Rank})."
                    : $"Concatenate: expects tensors whose lengths match on every axis but axis {axis}, but tensor 0 has shape {s0} and tensor {index} has shape {si}.");
        }
    }

    private static bool AnyTracked(Tape tape, IReadOnlyList<Tensor> tensors)
    {
        for (int t = 0; t < tensors.Count; t++)
        {
            if (tape.Tracks(tensors[t]))
            {
                return true;
            }
        }

        return false;
    }

    // On a device: one strided copy per part.
    private static void ConcatenateOnDevice(IReadOnlyList<Tensor> tensors, Tensor y, int axis, int outer, int inner, int joined)
    {
        int offset = 0;
        for (int t = 0; t < tensors.Count; t++)
        {
            Tensor x = tensors[t];
            int run = x.Dim(axis) * inner;
            Compute.Backend("Concatenate", x, y).CopyRuns(x, y, outer, run, joined * inner, offset, toBlocks: true);
            offset += run;
        }
    }

    /// <summary>
    /// Copies outer runs of <paramref name="run"/> elements between a compact tensor and column
    /// <paramref name="offset"/> of the [outer, stride] blocks of a joined one (into the blocks when
    /// <paramref name="toBlocks"/>, out of them otherwise).
    /// </summary>
    private static void CopyRuns(ReadOnlySpan<float> from, Span<float> to, int outer, int run, int stride, int offset, bool toBlocks)
    {
        for (int o = 0; o < outer; o++)
        {
            if (toBlocks)
            {
                from.Slice(o * run, run).CopyTo(to.Slice((o * stride) + offset, run));
            }
            else
            {
                from.Slice((o * stride) + offset, run).CopyTo(to.Slice(o * run, run));
            }
        }
    }

    private sealed class ConcatenateNode : TapeNode
    {
        // The inputs, copied out of the caller's list (a functional model reuses and clears its argument arrays);
        // the array is kept between steps and replaced only when the count changes, so a warm step allocates nothing.
        private Tensor[] _inputs = [];
        private int _axis;

        public override string Name => "Concatenate";

        public void Set(IReadOnlyList<Tensor> inputs, int axis)
        {
            if (_inputs.Length != inputs.Count)
            {
                _inputs = new Tensor[inputs.Count];
            }

            for (int i = 0; i < _inputs.Length; i++)
            {
                _inputs[i] = inputs[i];
            }

            _axis = axis;
        }

        // y = [x_0, x_1, …] along the axis: dL/dx_i is the slice of g that x_i filled.
        public override void Backward(Tensor grad, Tape tape)
        {
            int outer = ShapeUtil.Product(grad.Dims[.._axis]), inner = ShapeUtil.Product(grad.Dims[(_axis + 1)..]);
            int stride = grad.Dim(_axis) * inner, offset = 0;
            foreach (Tensor x in _inputs)
            {
                int run = x.Dim(_axis) * inner;
                if (tape.NeedsGradient(x))
                {
                    Tensor dx = OpSupport.Empty(x.Dims, grad);
                    if (grad.Memory is null)
                    {
                        CopyRuns(grad.Span, dx.Span, outer, run, stride, offset, toBlocks: false);
                    }
                    else
                    {
                        Compute.Backend(Name, grad, dx).CopyRuns(grad, dx, outer, run, stride, offset, toBlocks: false);
                    }

                    tape.Accumulate(x, dx, owned: true);
                }

                offset += run;
            }
        }
    }
}
