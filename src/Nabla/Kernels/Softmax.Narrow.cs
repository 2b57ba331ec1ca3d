using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

// Softmax and log-softmax of rows narrower than a few vectors (a classifier's 10 classes): called row by row, the
// vector helpers spent most of their time on their own entry and on a scalar tail per row (256 × 10 logits took
// 18 µs for softmax and 26 µs for log-softmax, on the training thread alone while the other core waited). Here the
// rows go a block at a time: the row maxima, the shifts and the row sums element by element, and the exponentials and
// the final division or subtraction once over the whole block, across the row boundaries, on the widest vectors. The
// arithmetic is that of the row-by-row path (the same shift, division or subtraction), except that the sums are
// added in another order, and every exponential comes from the vector routine (row by row, the last elements of a row
// came from the scalar one). On the Xeon, alternating in one process: 256 × 10 logits in 15 µs for softmax and 16 µs
// for log-softmax, against 18 and 26; 32 × 10 in 1.9 and 2.2 µs against 2.4 and 3.1. What remains is mostly the
// runtime's vector exponential, which works in double precision.
internal static partial class Softmax
{
    /// <summary>
    /// At least <see cref="NarrowMinRows"/> rows of fewer columns than this take the block path
    /// (<see cref="Narrow"/>); from 16 columns a row is a whole AVX-512 vector.
    /// </summary>
    internal const int NarrowColumns = 16;

    /// <summary>Fewer rows than this go row by row: for one or two rows the block path's own set-up costs more.</summary>
    internal const int NarrowMinRows = 4;

    // A block holds at most this many elements (whole rows); its exponentials and per-element divisors stay on the stack.
    private const int NarrowBlock = 1024;

    // Whether rows of this shape take the block path.
    private static bool IsNarrow(int rows, int cols) => rows >= NarrowMinRows && cols > 0 && cols < NarrowColumns;

    // y = softmax(x), or log_softmax(x) when 'log', for rows of cols < NarrowColumns, a block of rows at a time:
    // y = x − m row by row; then softmax takes the exponentials in place and divides by each row's sum, log-softmax
    // takes them aside and subtracts the log of each row's sum.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static void Narrow(ReadOnlySpan<float> x, Span<float> y, int rows, int cols, bool log)
    {
        int blockRows = Math.Max(1, NarrowBlock / cols);
        Span<float> rowSums = stackalloc float[blockRows * cols];
        Span<float> exps = log ? stackalloc float[blockRows * cols] : default;
        for (int r0 = 0; r0 < rows; r0 += blockRows)
        {
            int length = Math.Min(blockRows, rows - r0) * cols;
            Span<float> yb = y.Slice(r0 * cols, length);
            Span<float> eb = log ? exps[..length] : yb;
            ShiftByRowMaxima(x.Slice(r0 * cols, length), yb, cols);
            ExpShiftSum(yb, 0f, eb);
            FillRowSums(eb, rowSums, cols, log);
            if (log)
                TensorPrimitives.Subtract(yb, rowSums[..length], yb);
            else
                TensorPrimitives.Divide(yb, rowSums[..length], yb);
        }
    }

    // y[r, :] = x[r, :] − max x[r, :]. A NaN in the row is not taken as the maximum here, as TensorPrimitives.Max would,
    // but it reaches every output all the same, through the row's sum; which of +0 and −0 is taken changes no output.
    // Each row is read whole before it is written, so y may alias x.
    private static unsafe void ShiftByRowMaxima(ReadOnlySpan<float> x, Span<float> y, int cols)
    {
        fixed (float* px = x, py = y)
        {
            for (float* xr = px, yr = py, end = px + x.Length; xr < end; xr += cols, yr += cols)
            {
                float m = xr[0];
                for (int j = 1; j < cols; j++)
                {
                    m = xr[j] > m ? xr[j] : m;
                }

                for (int j = 0; j < cols; j++)
                {
                    yr[j] = xr[j] - m;
                }
            }
        }
    }

    // sums[i] = Σ e over i's row (or its natural log), for every element i of the block, two accumulators a row.
    private static unsafe void FillRowSums(ReadOnlySpan<float> e, Span<float> sums, int cols, bool log)
    {
        fixed (float* pe = e, ps = sums)
        {
            for (float* er = pe, sr = ps, end = pe + e.Length; er < end; er += cols, sr += cols)
            {
                float s0 = 0f, s1 = 0f;
                int j = 0;
                for (; j + 1 < cols; j += 2)
                {
                    s0 += er[j];
                    s1 += er[j + 1];
                }

                if (j < cols)
                {
                    s0 += er[j];
                }

                float sum = log ? MathF.Log(s0 + s1) : s0 + s1;
                for (j = 0; j < cols; j++)
                {
                    sr[j] = sum;
                }
            }
        }
    }
}
