using System.Numerics.Tensors;
using Nabla.Kernels.Parallel;

namespace Nabla.Kernels;

internal static unsafe partial class Gemm
{
    /// <summary>Most floats of partial products a depth split may leave to add (128 KB), the forward product of W4's Dense(128) at batch 256.</summary>
    private const long MaxSplitDepthPartials = 1 << 15;

    // The calling thread's buffer for the partial products of the other parts, grown on demand.
    [ThreadStatic]
    private static AlignedBuffer t_partials;

    /// <summary>
    /// Whether a product is split over its depth: each thread multiplies a range of k, one writes C and the others
    /// partial products that are then added to it.
    /// </summary>
    /// <remarks>
    /// <para>
    /// For a product x·W whose depth is at least its other two sizes: a Dense layer's forward product at batches up to
    /// the layer's width. Cut into rows or columns of C, every thread would read all of W's rows (packing all of B, or
    /// half of every row of it); cut over k, each reads the rows <see cref="WeightShares"/> gives it, the ones the
    /// optimizer's update of the same thread wrote last, and no operand is packed twice. The price is the partial
    /// products: m·n floats per extra thread, written, then added to C on the caller.
    /// </para>
    /// <para>
    /// Only with neither operand transposed: in a Dense layer's other products the weight is B transposed (the input
    /// gradient dZ·Wᵀ, whose columns are W's rows) or C (the weight gradient xᵀ·dZ, whose rows are W's), and those are
    /// already cut along W's rows.
    /// </para>
    /// </remarks>
    internal static bool SplitsDepth(in GemmOperands g, int threads) =>
        !g.TransposeA && !g.TransposeB && g.K >= Math.Max(g.M, g.N) && g.K >= 16 * threads
        && (long)g.M * g.N * (threads - 1) <= MaxSplitDepthPartials;

    // Runs one product as 'threads' parts over k, then adds the partial products of parts 1.. to C.
    private static void RunSplitDepth<TK>(in GemmOperands g, int threads)
        where TK : struct, IGemmMicroKernel
    {
        long partial = (long)g.M * g.N;
        var job = new SplitDepthJob<TK>
        {
            Operands = g,
            Parts = threads,
            Partials = t_partials.Get((nint)(partial * (threads - 1))),
        };
        ParallelRunner.For(threads, ref job);

        for (int part = 1; part < threads; part++)
        {
            float* p = job.Partials + ((part - 1) * partial);
            for (int i = 0; i < g.M; i++)
            {
                var row = new Span<float>(g.C + (i * g.Ldc), g.N);
                TensorPrimitives.Add(row, new ReadOnlySpan<float>(p + ((long)i * g.N), g.N), row);
            }
        }
    }

    // Part p multiplies the depths [WeightShares.Start(K, p), WeightShares.Start(K, p + 1)): part 0 into C as the
    // caller asked (overwrite or accumulate), the others into their own m×n block of Partials.
    private struct SplitDepthJob<TK> : IParallelJob
        where TK : struct, IGemmMicroKernel
    {
        public GemmOperands Operands;
        public float* Partials;
        public int Parts;

        public readonly void Execute(int index)
        {
            GemmOperands g = Operands;
            int k0 = WeightShares.Start(g.K, index, Parts), k1 = WeightShares.Start(g.K, index + 1, Parts);
            g.A += k0;
            g.B += k0 * g.Ldb;
            g.K = k1 - k0;
            if (index > 0)
            {
                g.C = Partials + ((long)(index - 1) * g.M * g.N);
                g.Ldc = g.N;
                g.Accumulate = false;
            }

            RunBlocked<TK>(in g, 0, g.M, 0, g.N);
        }
    }
}
