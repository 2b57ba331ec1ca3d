using Nabla.Tensors;

namespace Nabla.Autodiff;

public static partial class Ops
{
    /// <summary>Rows <paramref name="start"/>..<paramref name="start"/>+<paramref name="length"/> along the first axis (a view).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range does not lie inside the first axis.</exception>
    public static Tensor Slice(Tensor x, int start, int length)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank == 0)
        {
            throw new ArgumentException("Slice: a scalar (rank-0 tensor) has no axis to slice; it has shape [].", nameof(x));
        }

        int rows = x.Dim(0);
        if (start < 0 || length < 0 || start > rows - length)
        {
            throw new ArgumentOutOfRangeException(nameof(start),
                $"Slice: rows {start}..{start + length} are out of range for a tensor of shape {ShapeUtil.Format(x.Dims)} (first axis has {rows}).");
        }

        if (start == 0 && length == rows)
        {
            return x;
        }

        Span<int> dims = stackalloc int[x.Rank];
        x.Dims.CopyTo(dims);
        dims[0] = length;
        int rowSize = rows == 0 ? 0 : x.Size / rows;
        Tensor y = OpSupport.View(x, start * rowSize, dims);
        if (OpSupport.TapeFor(x) is { } tape)
        {
            tape.RecordUnary<SliceNode>(y, x).Start = start;
        }

        return y;
    }

    /// <summary>Element <paramref name="index"/> of the first axis, with that axis removed (a view). Negative indices count from the end.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the first axis.</exception>
    public static Tensor Index(Tensor x, int index)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank == 0)
        {
            throw new ArgumentException("Index: a scalar (rank-0 tensor) cannot be indexed; it has shape [].", nameof(x));
        }

        int rows = x.Dim(0);
        int i = index < 0 ? index + rows : index;
        if ((uint)i >= (uint)rows)
        {
            throw new ArgumentOutOfRangeException(nameof(index),
                $"Index: index {index} is out of range for a tensor of shape {ShapeUtil.Format(x.Dims)} (first axis has {rows}).");
        }

        int rowSize = x.Size / rows;
        Tensor y = OpSupport.View(x, i * rowSize, x.Dims[1..]);
        if (OpSupport.TapeFor(x) is { } tape)
        {
            tape.RecordUnary<SliceNode>(y, x).Start = i;
        }

        return y;
    }

    private sealed class SliceNode : UnaryNode
    {
        public int Start;

        public override string Name => "Slice";

        // y = x[start:start+n]: dL/dx is zero except on the sliced rows, where it is g.
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor x = X;
            if (!tape.NeedsGradient(x))
            {
                return;
            }

            Tensor dx = OpSupport.ZerosLike(x.Dims, grad);
            int rowSize = x.Dim(0) == 0 ? 0 : x.Size / x.Dim(0);
            if (grad.Memory is null)
            {
                grad.Span.CopyTo(dx.Span.Slice(Start * rowSize, grad.Size));
            }
            else
            {
                Compute.Copy(Name, grad, OpSupport.View(dx, Start * rowSize, grad.Dims));
            }

            tape.Accumulate(x, dx, owned: true);
        }
    }
}
