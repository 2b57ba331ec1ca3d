using Nabla.Kernels;

namespace Nabla.Autodiff;

// Reductions along an axis and the row-wise softmax family.
internal static partial class Compute
{
    /// <summary>y[o, i] = scale·Σ_a x[o, a, i] (scale 1 is the CPU's plain sum).</summary>
    public static void Sum(string op, Tensor x, int outer, int n, int inner, Tensor y, float divisor)
    {
        if ((x.Memory ?? y.Memory) is null)
        {
            Reduction.Sum(x.Span, outer, n, inner, y.Span);
            if (divisor != 1f)
            {
                System.Numerics.Tensors.TensorPrimitives.Divide(y.Span, divisor, y.Span);
            }

            return;
        }

        // The device sums and divides in one pass; n = 0 gives 0/0 = NaN there too.
        Backend(op, x, y).Sum(x, outer, n, inner, y, 1f / divisor);
    }

    /// <summary>y[o, i] = max (or min) over a of x[o, a, i].</summary>
    public static void Extremum(string op, Tensor x, int outer, int n, int inner, Tensor y, bool max)
    {
        if ((x.Memory ?? y.Memory) is null)
        {
            if (max)
            {
                Reduction.Max(x.Span, outer, n, inner, y.Span);
            }
            else
            {
                Reduction.Min(x.Span, outer, n, inner, y.Span);
            }

            return;
        }

        Backend(op, x, y).Extremum(x, outer, n, inner, y, max);
    }

    /// <summary>dx[o, a, i] = scale·g[o, i].</summary>
    public static void Spread(string op, Tensor g, int outer, int n, int inner, float scale, Tensor dx)
    {
        if ((g.Memory ?? dx.Memory) is null)
        {
            Reduction.Spread(g.Span, outer, n, inner, scale, dx.Span);
            return;
        }

        Backend(op, g, dx).Spread(g, outer, n, inner, scale, dx);
    }

    /// <summary>Row-wise softmax, or log-softmax.</summary>
    public static void Softmax(string op, Tensor x, Tensor y, int rows, int cols, bool log)
    {
        if ((x.Memory ?? y.Memory) is null)
        {
            if (log)
            {
                Kernels.Softmax.LogSoftmaxRows(x.Span, y.Span, rows, cols);
            }
            else
            {
                Kernels.Softmax.SoftmaxRows(x.Span, y.Span, rows, cols);
            }

            return;
        }

        Backend(op, x, y).Softmax(x, y, rows, cols, log);
    }

    /// <summary>The backward of row-wise softmax, or log-softmax, from its output.</summary>
    public static void SoftmaxBackward(string op, Tensor y, Tensor g, Tensor dx, int rows, int cols, bool log)
    {
        if ((y.Memory ?? g.Memory ?? dx.Memory) is null)
        {
            if (log)
            {
                Kernels.Softmax.LogSoftmaxBackwardRows(y.Span, g.Span, dx.Span, rows, cols);
            }
            else
            {
                Kernels.Softmax.SoftmaxBackwardRows(y.Span, g.Span, dx.Span, rows, cols);
            }

            return;
        }

        Backend(op, y, g, dx).SoftmaxBackward(y, g, dx, rows, cols, log);
    }
}
