using System.Numerics.Tensors;
using Nabla.Kernels;
using Nabla.Tensors;

namespace Nabla.Autodiff;

// Reductions: Sum, Mean, Max, Min (differentiable) and ArgMax, ArgMin (indices), over every element or one axis.
// The reduced axis splits the tensor into the [outer, n, inner] layout of Kernels.Reduction.
public static partial class Ops
{
    /// <summary>Sum of the elements, over all of them or along one axis (Keras's <c>ops.sum</c>).</summary>
    /// <param name="x">The tensor.</param>
    /// <param name="axis">The axis to reduce, negative counting from the end; null (the default) reduces everything to a 0-d tensor.</param>
    /// <param name="keepDims">Whether the reduced axis stays as length 1 (default false).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is not an axis of <paramref name="x"/>.</exception>
    public static Tensor Sum(Tensor x, int? axis = null, bool keepDims = false) => ReduceSum("Sum", x, axis, keepDims, mean: false);

    /// <summary>Arithmetic mean, over all elements or along one axis (Keras's <c>ops.mean</c>); NaN for an empty reduction.</summary>
    /// <param name="x">The tensor.</param>
    /// <param name="axis">The axis to reduce, negative counting from the end; null (the default) reduces everything to a 0-d tensor.</param>
    /// <param name="keepDims">Whether the reduced axis stays as length 1 (default false).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is not an axis of <paramref name="x"/>.</exception>
    public static Tensor Mean(Tensor x, int? axis = null, bool keepDims = false) => ReduceSum("Mean", x, axis, keepDims, mean: true);

    /// <summary>Largest element, over all elements or along one axis (Keras's <c>ops.max</c>); NaN if any compared element is NaN.</summary>
    /// <remarks>The gradient goes to the maximal elements; several equal maxima share it equally, as in TensorFlow.</remarks>
    /// <param name="x">The tensor.</param>
    /// <param name="axis">The axis to reduce, negative counting from the end; null (the default) reduces everything to a 0-d tensor.</param>
    /// <param name="keepDims">Whether the reduced axis stays as length 1 (default false).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is not an axis of <paramref name="x"/>.</exception>
    /// <exception cref="ArgumentException">The reduction is over no elements.</exception>
    public static Tensor Max(Tensor x, int? axis = null, bool keepDims = false) => ReduceExtremum("Max", x, axis, keepDims, max: true);

    /// <summary>Smallest element, over all elements or along one axis (Keras's <c>ops.min</c>); NaN if any compared element is NaN.</summary>
    /// <remarks>The gradient goes to the minimal elements; several equal minima share it equally, as in TensorFlow.</remarks>
    /// <param name="x">The tensor.</param>
    /// <param name="axis">The axis to reduce, negative counting from the end; null (the default) reduces everything to a 0-d tensor.</param>
    /// <param name="keepDims">Whether the reduced axis stays as length 1 (default false).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is not an axis of <paramref name="x"/>.</exception>
    /// <exception cref="ArgumentException">The reduction is over no elements.</exception>
    public static Tensor Min(Tensor x, int? axis = null, bool keepDims = false) => ReduceExtremum("Min", x, axis, keepDims, max: false);

    /// <summary>The flat (row-major) index of the largest element: the first one on ties, the first NaN if any.</summary>
    /// <param name="x">The tensor, of any rank.</param>
    /// <exception cref="ArgumentException"><paramref name="x"/> has no elements.</exception>
    public static int ArgMax(Tensor x) => ArgFlat("ArgMax", x, max: true);

    /// <summary>The flat (row-major) index of the smallest element: the first one on ties, the first NaN if any.</summary>
    /// <param name="x">The tensor, of any rank.</param>
    /// <exception cref="ArgumentException"><paramref name="x"/> has no elements.</exception>
    public static int ArgMin(Tensor x) => ArgFlat("ArgMin", x, max: false);

    /// <summary>Indices of the largest elements along <paramref name="axis"/>, as floats (Keras's <c>ops.argmax</c>); not differentiable.</summary>
    /// <param name="x">The tensor.</param>
    /// <param name="axis">The axis searched, negative counting from the end.</param>
    /// <param name="keepDims">Whether the searched axis stays as length 1 (default false).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is not an axis of <paramref name="x"/>.</exception>
    /// <exception cref="ArgumentException">The axis is empty.</exception>
    public static Tensor ArgMax(Tensor x, int axis, bool keepDims = false) => ArgAxis("ArgMax", x, axis, keepDims, max: true);

    /// <summary>Indices of the smallest elements along <paramref name="axis"/>, as floats (Keras's <c>ops.argmin</c>); not differentiable.</summary>
    /// <param name="x">The tensor.</param>
    /// <param name="axis">The axis searched, negative counting from the end.</param>
    /// <param name="keepDims">Whether the searched axis stays as length 1 (default false).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is not an axis of <paramref name="x"/>.</exception>
    /// <exception cref="ArgumentException">The axis is empty.</exception>
    public static Tensor ArgMin(Tensor x, int axis, bool keepDims = false) => ArgAxis("ArgMin", x, axis, keepDims, max: false);

    private static Tensor ReduceSum(string op, Tensor x, int? axis, bool keepDims, bool mean)
    {
        ArgumentNullException.ThrowIfNull(x);
        int ax = ReducedAxis(op, x, axis);
        (int outer, int n, int inner) = SplitAt(x.Dims, ax);
        Span<int> dims = stackalloc int[x.Rank];
        Tensor y = OpSupport.Empty(ReducedDims(x.Dims, ax, keepDims, dims), x);
        if (y.Size > 0)
        {
            Compute.Sum(op, x, outer, n, inner, y, mean ? n : 1f);   // n = 0 gives 0/0 = NaN, as NumPy
        }

        if (OpSupport.TapeFor(x) is { } tape)
        {
            tape.RecordUnary<ReduceSumNode>(y, x).Set(mean, ax, mean ? 1f / n : 1f);
        }

        return y;
    }

    private static Tensor ReduceExtremum(string op, Tensor x, int? axis, bool keepDims, bool max)
    {
        ArgumentNullException.ThrowIfNull(x);
        int ax = ReducedAxis(op, x, axis);
        (int outer, int n, int inner) = SplitAt(x.Dims, ax);
        Span<int> dims = stackalloc int[x.Rank];
        Tensor y = OpSupport.Empty(ReducedDims(x.Dims, ax, keepDims, dims), x);
        if (y.Size > 0)
        {
            CheckNonEmpty(op, x, ax, n);
            Compute.Extremum(op, x, outer, n, inner, y, max);
        }

        if (OpSupport.TapeFor(x) is { } tape)
        {
            tape.RecordUnary<ReduceExtremumNode>(y, x).Set(max, ax);
        }

        return y;
    }

    private static int ArgFlat(string op, Tensor x, bool max)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckNonEmpty(op, x, -1, x.Size);
        // A device tensor's elements are read on the host (an index is a host value anyway).
        ReadOnlySpan<float> values = x.Memory is null ? x.Span : x.ToArray();
        return max ? TensorPrimitives.IndexOfMax(values) : TensorPrimitives.IndexOfMin(values);
    }

    private static Tensor ArgAxis(string op, Tensor x, int axis, bool keepDims, bool max)
    {
        ArgumentNullException.ThrowIfNull(x);
        int ax = ReducedAxis(op, x, axis);
        (int outer, int n, int inner) = SplitAt(x.Dims, ax);
        Span<int> dims = stackalloc int[x.Rank];
        Tensor indices = OpSupport.Empty(ReducedDims(x.Dims, ax, keepDims, dims), x);
        if (indices.Size > 0 && x.Memory is not null)
        {
            CheckNonEmpty(op, x, ax, n);
            Compute.Backend(op, x, indices).ArgExtremum(x, outer, n, inner, indices, max);
        }
        else if (indices.Size > 0)
        {
            CheckNonEmpty(op, x, ax, n);
            Tensor best = OpSupport.Empty(indices.Dims);
            if (max)
            {
                Reduction.ArgMax(x.Span, outer, n, inner, best.Span, indices.Span);
            }
            else
            {
                Reduction.ArgMin(x.Span, outer, n, inner, best.Span, indices.Span);
            }
        }

        return indices;
    }

    /// <summary>The normalized axis, or -1 for "every element".</summary>
    private static int ReducedAxis(string op, Tensor x, int? axis)
    {
        if (axis is not int a)
        {
            return -1;
        }

        if (x.Rank == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(axis), a,
                $"{op}: axis {a} is out of range for a tensor of rank 0 (shape []); a scalar has no axes, so reduce it without an axis.");
        }

        return ShapeUtil.NormalizeAxis(op, a, x.Rank);
    }

    /// <summary>The [outer, n, inner] split of <paramref name="dims"/> at <paramref name="axis"/> (-1: everything is one row).</summary>
    private static (int Outer, int N, int Inner) SplitAt(ReadOnlySpan<int> dims, int axis) =>
        axis < 0
            ? (1, ShapeUtil.Product(dims), 1)
            : (ShapeUtil.Product(dims[..axis]), dims[axis], ShapeUtil.Product(dims[(axis + 1)..]));

    private static ReadOnlySpan<int> ReducedDims(ReadOnlySpan<int> dims, int axis, bool keepDims, Span<int> result)
    {
        if (axis < 0)
        {
            result.Fill(1);
            return keepDims ? result : [];
        }

        int r = 0;
        for (int i = 0; i < dims.Length; i++)
        {
            if (i != axis)
            {
                result[r++] = dims[i];
            }
            else if (keepDims)
            {
                result[r++] = 1;
            }
        }

        return result[..r];
    }

    private static void CheckNonEmpty(string op, Tensor x, int axis, int n)
    {
        if (n > 0)
        {
            return;
        }

        string shape = ShapeUtil.Format(x.Dims);
        throw new ArgumentException(axis < 0
            ? $"{op}: expects a tensor with at least one element, but received shape {shape}."
            : $"{op}: expects a non-empty axis, but axis {axis} of shape {shape} has length 0.", nameof(x));
    }

    private sealed class ReduceSumNode : UnaryNode
    {
        public bool IsMean;
        public int Axis;
        public float Scale;

        public override string Name => IsMean ? "Mean" : "Sum";

        public void Set(bool mean, int axis, float scale) => (IsMean, Axis, Scale) = (mean, axis, scale);

        // y[o, i] = s·Σₐ x[o, a, i] with s = 1 (Sum) or 1/n (Mean): dL/dx[o, a, i] = s·g[o, i].
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor x = X;
            if (!tape.NeedsGradient(x))
            {
                return;
            }

            (int outer, int n, int inner) = SplitAt(x.Dims, Axis);
            Tensor dx = OpSupport.Empty(x.Dims, grad);
            if (dx.Size > 0)
            {
                Compute.Spread(Name, grad, outer, n, inner, Scale, dx);
            }

            tape.Accumulate(x, dx, owned: true);
        }
    }

    private sealed class ReduceExtremumNode : UnaryNode
    {
        public bool IsMax;
        public int Axis;

        public override string Name => IsMax ? "Max" : "Min";

        public void Set(bool max, int axis) => (IsMax, Axis) = (max, axis);

        // y[o, i] = maxₐ x[o, a, i]: dL/dx[o, a, i] = g[o, i]/c[o, i] where x[o, a, i] = y[o, i] (c such elements), else 0.
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor x = X;
            if (!tape.NeedsGradient(x))
            {
                return;
            }

            (int outer, int n, int inner) = SplitAt(x.Dims, Axis);
            Tensor dx = OpSupport.Empty(x.Dims, grad);
            if (dx.Size > 0 && grad.Memory is not null)
            {
                Compute.Backend(Name, x, Output, grad, dx).ExtremumBackward(x, Output, grad, outer, n, inner, dx);
            }
            else if (dx.Size > 0)
            {
                Span<float> counts = inner > 1 ? OpSupport.Empty([outer * inner]).Span : [];
                Reduction.ExtremumBackward(x.Span, Output.Span, grad.Span, outer, n, inner, counts, dx.Span);
            }

            tape.Accumulate(x, dx, owned: true);
        }
    }
}
