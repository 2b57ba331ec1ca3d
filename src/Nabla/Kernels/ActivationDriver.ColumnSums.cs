using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

internal static unsafe partial class ActivationDriver
{
    // Most vectors a row may hold for the column sums to stay in registers (8 of the 16 AVX2 registers).
    private const int RegisterSumVectors = 8;

    // Elements per slot of rows: a larger gradient (a convolution's) is cut into slots that the threads share.
    private const int ColumnSumSlotElements = 1 << 16;

    // Most slots of rows a call cuts.
    private const int MaxColumnSumSlots = 8;

    /// <summary>
    /// <see cref="MapGradient{TOp}"/> over a [rows, cols] buffer (cols = <paramref name="columnSums"/>.Length) that
    /// also overwrites <paramref name="columnSums"/> with the sums of dx over the rows (a dense or convolutional layer's
    /// bias gradient), in the same pass.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Row by row; each column is summed in row order from zero, and each element takes the vector width its column
    /// position in the row gives it. When a row is at most <see cref="RegisterSumVectors"/> whole vectors (a
    /// convolution's 32 or 64 channels), the sums stay in registers; otherwise they are added in memory, a
    /// store-to-load round trip per row (307 µs against 174 µs for the map alone, for a W5 first layer's gradient at
    /// batch 32, 25,088 × 32, on a Zen 3). Both give the same bits.
    /// </para>
    /// <para>
    /// A gradient of more than <see cref="ColumnSumSlotElements"/> elements is cut into up to
    /// <see cref="MaxColumnSumSlots"/> slots of consecutive rows (by its shape alone), which the threads share: each
    /// slot sums its rows as above, and the slots' sums are added in slot order, so the bits do not depend on the
    /// threads. On W5's training the map ran on the calling thread alone, 7.5% of its time, while the other core waited.
    /// </para>
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MapGradientColumnSums<TOp>(in TOp op, ReadOnlySpan<float> g, ReadOnlySpan<float> v, Span<float> dx, Span<float> columnSums)
        where TOp : struct, IActivationGradientOp
    {
        int cols = columnSums.Length;
        if (g.Length != v.Length)
        {
            ThrowHelper.LengthMismatch(nameof(g), g.Length, nameof(v), v.Length);
        }

        columnSums.Clear();
        if (g.Length == 0)
        {
            return;
        }

        if (cols == 0 || g.Length % cols != 0)
        {
            ThrowHelper.LengthMismatch(nameof(g), g.Length, nameof(columnSums), cols);
        }

        if (dx.Length < g.Length)
        {
            ThrowHelper.DestinationTooShort(nameof(dx), g.Length, dx.Length);
        }

        fixed (float* pg = g, pv = v, pd = dx, ps = columnSums)
            SumColumns(in op, pg, pv, pd, ps, g.Length, cols);
    }

    /// <summary>
    /// Overwrites <paramref name="columnSums"/> with the sums over the rows of a [rows, columnSums.Length] buffer, the
    /// same bits as the column sums <see cref="MapGradientColumnSums{TOp}"/> gives for a gradient equal to it.
    /// </summary>
    /// <remarks>
    /// The bias gradient of a convolution fused with its max pooling (<c>Ops.Conv2DMaxPool</c>), whose output gradient
    /// is rebuilt with ReLU's derivative already applied: it sums that gradient as the unfused ReLU's backward pass
    /// does, so the two train to the same bits.
    /// </remarks>
    /// <param name="x">The rows, row-major.</param>
    /// <param name="columnSums">The sums, one per column; the length sets the columns.</param>
    /// <exception cref="ArgumentException">The length of <paramref name="x"/> is not a multiple of the columns.</exception>
    public static void ColumnSums(ReadOnlySpan<float> x, Span<float> columnSums)
    {
        int cols = columnSums.Length;
        columnSums.Clear();
        if (x.Length == 0)
        {
            return;
        }

        if (cols == 0 || x.Length % cols != 0)
        {
            ThrowHelper.LengthMismatch(nameof(x), x.Length, nameof(columnSums), cols);
        }

        fixed (float* px = x, ps = columnSums)
            SumColumns(default(SumOnlyGradientOp), px, px, null, ps, x.Length, cols);
    }

    // The column sums of g·f'(v) over length / cols rows (dx = it, unless TOp is SumOnlyGradientOp), in slots of rows
    // by the shape alone, the slots added in order.
    private static void SumColumns<TOp>(in TOp op, float* g, float* v, float* dx, float* sums, int length, int cols)
        where TOp : struct, IActivationGradientOp
    {
        int rows = length / cols, slots = (int)Math.Clamp(length / ColumnSumSlotElements, 1, Math.Min(MaxColumnSumSlots, rows));
        VectorWidth width = VectorWidth.Current;
        if (slots == 1)
        {
            SumRows(in op, width, g, v, dx, sums, rows, cols);
            return;
        }

        var work = new ColumnSumsWork<TOp>
        {
            Op = op,
            Width = width,
            G = g,
            V = v,
            Dx = dx,
            Partials = ConvScratch.Get(ScratchSlot.Call, (nint)slots * cols),
            Rows = rows,
            Cols = cols,
            Slots = slots,
        };
        SpatialThreads.Run(slots, SpatialThreads.PartsForElements(3.0 * length, slots), ref work);
        Convolution.ReducePartials(work.Partials, slots, cols, sums, accumulate: false);
    }

    // sums[c] = Σ_r dx[r, c] over the rows, dx = g·f'(v), on the widths the calling thread chose (sums cleared first).
    private static void SumRows<TOp>(in TOp op, VectorWidth width, float* g, float* v, float* dx, float* sums, int rows, int cols)
        where TOp : struct, IActivationGradientOp
    {
        if (width.Use512 && cols % Vector512<float>.Count == 0 && cols <= RegisterSumVectors * Vector512<float>.Count)
        {
            SumsInRegisters<Lanes512, TOp>(in op, g, v, dx, sums, rows, cols);
        }
        else if (!width.Use512 && width.Use256 && cols % Vector256<float>.Count == 0 && cols <= RegisterSumVectors * Vector256<float>.Count)
        {
            SumsInRegisters<Lanes256, TOp>(in op, g, v, dx, sums, rows, cols);
        }
        else
        {
            new Span<float>(sums, cols).Clear();
            SumsInMemory(in op, width, g, v, dx, sums, rows, cols);
        }
    }

    // Rows of whole vectors of T, at most eight, with their sums in eight registers (those past the row unused).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SumsInRegisters<T, TOp>(in TOp op, float* g, float* v, float* dx, float* sums, int rows, int cols)
        where T : struct, ILanes<T>
        where TOp : struct, IActivationGradientOp
    {
        int w = T.Count, n = cols / w;
        T s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
        for (int r = 0; r < rows; r++, g += cols, v += cols, dx += cols)
        {
            s0 += Step<T, TOp>(in op, g, v, dx, 0);
            if (n > 1)
                s1 += Step<T, TOp>(in op, g, v, dx, w);
            if (n > 2)
                s2 += Step<T, TOp>(in op, g, v, dx, 2 * w);
            if (n > 3)
                s3 += Step<T, TOp>(in op, g, v, dx, 3 * w);
            if (n > 4)
                s4 += Step<T, TOp>(in op, g, v, dx, 4 * w);
            if (n > 5)
                s5 += Step<T, TOp>(in op, g, v, dx, 5 * w);
            if (n > 6)
                s6 += Step<T, TOp>(in op, g, v, dx, 6 * w);
            if (n > 7)
                s7 += Step<T, TOp>(in op, g, v, dx, 7 * w);
        }

        ReadOnlySpan<T> all = [s0, s1, s2, s3, s4, s5, s6, s7];
        for (int i = 0; i < n; i++)
            T.Store(all[i], ref sums[i * w], 0);
    }

    // dx[at …] = g·f'(v) over one vector of T, returned to be summed.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Step<T, TOp>(in TOp op, float* g, float* v, float* dx, int at)
        where T : struct, ILanes<T>
        where TOp : struct, IActivationGradientOp
    {
        T d = T.Gradient(in op, T.Load(ref g[at], 0), T.Load(ref v[at], 0));
        if (typeof(TOp) != typeof(SumOnlyGradientOp))
            T.Store(d, ref dx[at], 0);
        return d;
    }

    // Any row: Vector512 over the first multiple of 16 columns, Vector256 over the next 8, scalar for the rest, the
    // sums added in memory row after row.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SumsInMemory<TOp>(in TOp op, VectorWidth width, float* g, float* v, float* dx, float* sums, int rows, int cols)
        where TOp : struct, IActivationGradientOp
    {
        for (int r = 0; r < rows; r++, g += cols, v += cols, dx += cols)
        {
            int i = 0;
            if (width.Use512)
            {
                for (; i <= cols - Vector512<float>.Count; i += Vector512<float>.Count)
                {
                    Vector512<float> d = op.Invoke(Vector512.Load(g + i), Vector512.Load(v + i));
                    if (typeof(TOp) != typeof(SumOnlyGradientOp))
                        d.Store(dx + i);
                    (Vector512.Load(sums + i) + d).Store(sums + i);
                }
            }

            if (width.Use256)
            {
                for (; i <= cols - Vector256<float>.Count; i += Vector256<float>.Count)
                {
                    Vector256<float> d = op.Invoke(Vector256.Load(g + i), Vector256.Load(v + i));
                    if (typeof(TOp) != typeof(SumOnlyGradientOp))
                        d.Store(dx + i);
                    (Vector256.Load(sums + i) + d).Store(sums + i);
                }
            }

            for (; i < cols; i++)
            {
                float d = op.Invoke(g[i], v[i]);
                if (typeof(TOp) != typeof(SumOnlyGradientOp))
                    dx[i] = d;
                sums[i] += d;
            }
        }
    }

    // One slot of rows: [Rows·slot / Slots, Rows·(slot + 1) / Slots), its sums into its own partial.
    private struct ColumnSumsWork<TOp> : IWorkItems
        where TOp : struct, IActivationGradientOp
    {
        public TOp Op;
        public VectorWidth Width;
        public float* G, V, Dx, Partials;
        public int Rows, Cols, Slots;

        public readonly void Run(int item)
        {
            int first = (int)((long)Rows * item / Slots), last = (int)((long)Rows * (item + 1) / Slots);
            nint at = (nint)first * Cols;
            SumRows(in Op, Width, G + at, V + at, Dx == null ? null : Dx + at, Partials + ((nint)item * Cols), last - first, Cols);
        }
    }
}
