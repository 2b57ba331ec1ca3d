using System.Numerics.Tensors;
using Nabla.Kernels.Parallel;

namespace Nabla.Kernels;

internal static unsafe partial class Gemm
{
    /// <summary>The parts a depth-split product's k is cut into, whatever the threads: the bits depend on the shape alone.</summary>
    internal const int DepthParts = 2;

    /// <summary>Most floats of partial product a depth split leaves to add (128 KB), the forward product of W4's Dense(128) at batch 256.</summary>
    private const long MaxSplitDepthPartial = 1 << 15;

    // The calling thread's buffer for the partial product of the second part, grown on demand.
    [ThreadStatic]
    private static AlignedBuffer t_partial;

    /// <summary>
    /// Whether a product is split over its depth: the first half of k is multiplied into C, the second into a partial
    /// product that is then added to it.
    /// </summary>
    /// <remarks>
    /// <para>
    /// For a product x·W whose depth is at least its other two sizes: a Dense layer's forward product at batches up to
    /// the layer's width. Cut into rows or columns of C, every thread would read all of W's rows (packing all of B, or
    /// half of every row of it); cut over k, each of two threads reads the rows <see cref="WeightShares"/> gives it,
    /// the ones the optimizer's update on the same thread wrote last, and no operand is packed twice. The price is the
    /// partial product: m·n floats written, then added to C on the caller.
    /// </para>
    /// <para>
    /// The rule looks at the shape only, never at the threads, and a split product is cut into <see cref="DepthParts"/>
    /// on one thread as on many, so its bits do not depend on the thread count (a convolution's, or a model's on
    /// another machine). It applies to products of at least two threads' worth at the default threshold, so a product
    /// that would run on one thread anyway is not made to add a partial product.
    /// </para>
    /// <para>
    /// Only with neither operand transposed: in a Dense layer's other products the weight is B transposed (the input
    /// gradient dZ·Wᵀ, whose columns are W's rows) or C (the weight gradient xᵀ·dZ, whose rows are W's), and those are
    /// already cut along W's rows.
    /// </para>
    /// </remarks>
    internal static bool SplitsDepth(in GemmOperands g) =>
        !g.TransposeA && !g.TransposeB && g.K >= Math.Max(g.M, g.N) && g.K >= 16 * DepthParts
        && (long)g.M * g.N <= MaxSplitDepthPartial && 2.0 * g.M * g.N * g.K >= 2 * DefaultMinFlopsPerThread;

    // Runs one product as the two depth parts, each cut into a grid of blocks of C when more than two threads may run,
    // then adds the second part's partial product to C.
    private static void RunSplitDepth<TK>(in GemmOperands g, int threads)
        where TK : struct, IGemmMicroKernel
    {
        // Blocks per part from MaxThreads rather than the threads that can run (the same unless a test asks for more
        // threads than there are cores), so that the grids are exercised on any machine.
        int blocks = threads <= 1 ? 1 : Math.Max(1, _maxThreads / DepthParts);
        int rowUnits = ((g.M - 1) / TK.Mr) + 1, colUnits = ((g.N - 1) / TK.Nr) + 1;
        (int gridRows, int gridCols) = ChooseGrid(blocks, rowUnits, colUnits, TK.Mr, TK.Nr, weightAxis: 0);
        var job = new SplitDepthJob<TK>
        {
            Operands = g,
            Partial = t_partial.Get((nint)((long)g.M * g.N)),
            GridRows = gridRows,
            GridCols = gridCols,
            RowUnits = rowUnits,
            ColUnits = colUnits,
        };
        int count = DepthParts * gridRows * gridCols;
        if (threads <= 1)
        {
            for (int i = 0; i < count; i++)
                job.Execute(i);
        }
        else
        {
            ParallelRunner.For(count, ref job);
        }

        for (int i = 0; i < g.M; i++)
        {
            var row = new Span<float>(g.C + (i * g.Ldc), g.N);
            TensorPrimitives.Add(row, new ReadOnlySpan<float>(job.Partial + ((long)i * g.N), g.N), row);
        }
    }

    // Index i is block i mod (GridRows·GridCols) of part i / (GridRows·GridCols); part p multiplies the depths
    // [WeightShares.Start(K, p, 2), WeightShares.Start(K, p + 1, 2)): part 0 into C as the caller asked (overwrite or
    // accumulate), part 1 into Partial, an m×n block. With two threads, the caller takes part 0 and the worker part 1.
    private struct SplitDepthJob<TK> : IParallelJob
        where TK : struct, IGemmMicroKernel
    {
        public GemmOperands Operands;
        public float* Partial;
        public int GridRows, GridCols, RowUnits, ColUnits;

        public readonly void Execute(int index)
        {
            int blocks = GridRows * GridCols, part = index / blocks, block = index - (part * blocks);
            GemmOperands g = Operands;
            int k0 = WeightShares.Start(g.K, part, DepthParts), k1 = WeightShares.Start(g.K, part + 1, DepthParts);
            g.A += k0;
            g.B += k0 * g.Ldb;
            g.K = k1 - k0;
            if (part > 0)
            {
                g.C = Partial;
                g.Ldc = g.N;
                g.Accumulate = false;
            }

            RunGridBlock<TK>(in g, block, GridRows, GridCols, RowUnits, ColUnits);
        }
    }
}
