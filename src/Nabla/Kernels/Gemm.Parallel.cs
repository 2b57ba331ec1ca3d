using System.Diagnostics;
using Nabla.Kernels.Parallel;

namespace Nabla.Kernels;

internal static unsafe partial class Gemm
{
    private static double _minFlopsPerThread = DefaultMinFlopsPerThread;

    /// <summary>Below this many flops per thread an extra thread costs more (waking it, packing its own copy of the shared operand) than it saves.</summary>
    /// <remarks>Measured on two Zen 5 cores: n³ products break even at n ≈ 64 (0.5 MFLOP), and n = 80 (1 MFLOP) is 10% faster on two.</remarks>
    internal const double DefaultMinFlopsPerThread = 1 << 19;

    /// <summary>Flops a product needs per thread before it is split (default <see cref="DefaultMinFlopsPerThread"/>); tests set 0 to split even tiny products.</summary>
    internal static double MinFlopsPerThread
    {
        get => _minFlopsPerThread;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _minFlopsPerThread = value;
        }
    }

    // Packing one element costs about as much as this many multiply-adds of the micro-kernel
    // (SIMD lanes included); used to weigh redundant packing against load balance when choosing
    // how to cut C into per-thread blocks.
    private const int PackCostInMultiplyAdds = 16;

    private static void Run<TK>(in GemmOperands g, int batch, nint strideA, nint strideB, nint strideC)
        where TK : struct, IGemmMicroKernel
    {
        int threads = ThreadCount(batch, g.M, g.N, g.K);
        if (batch == 1 && SplitsDepth(in g))
        {
            RunSplitDepth<TK>(in g, threads);
            return;
        }

        if (threads <= 1)
        {
            GemmOperands item = g;
            for (int i = 0; i < batch; i++, item.A += strideA, item.B += strideB, item.C += strideC)
                RunBlocked<TK>(in item, 0, g.M, 0, g.N);
            return;
        }

        // Enough blocks per product that batch × blocks spreads evenly over the threads; with many
        // products, whole products per index are even enough (indices are claimed dynamically).
        int blocks = batch >= 8 * threads ? 1 : threads / Gcd(batch, threads);
        int rowUnits = ((g.M - 1) / TK.Mr) + 1, colUnits = ((g.N - 1) / TK.Nr) + 1;
        (int gridRows, int gridCols) = ChooseGrid(blocks, rowUnits, colUnits, TK.Mr, TK.Nr, batch == 1 ? WeightAxis(in g) : 0);
        var job = new BlockJob<TK>
        {
            Operands = g,
            StrideA = strideA,
            StrideB = strideB,
            StrideC = strideC,
            GridRows = gridRows,
            GridCols = gridCols,
            RowUnits = rowUnits,
            ColUnits = colUnits,
            CallerUnits = batch == 1 && gridRows * gridCols == 2
                ? CallerSpeed.Shared.CallerUnits(gridRows == 2 ? rowUnits : colUnits)
                : -1,
        };
        ParallelRunner.For(batch * gridRows * gridCols, ref job);
        if (job.CallerUnits >= 0)
            RecordSpeeds(job.First, job.Second);
    }

    // Passes the two parts' rates to CallerSpeed when the caller ran one part and a worker the other.
    private static void RecordSpeeds(PartTiming first, PartTiming second)
    {
        int caller = Environment.CurrentManagedThreadId;
        (PartTiming own, PartTiming other) = first.Thread == caller ? (first, second) : (second, first);
        if (own.Thread == caller && other.Thread is not 0 && other.Thread != caller)
            CallerSpeed.Shared.Record(own.Units, own.Ticks, other.Units, other.Ticks);
    }

    private static int ThreadCount(int batch, int m, int n, int k) => ThreadsFor(2.0 * batch * m * n * k);

    // Threads for 'work' flops (or flop equivalents): one per MinFlopsPerThread, at most what may run at once, and
    // one inside a runner job (never nested).
    private static int ThreadsFor(double work)
    {
        int threads = Math.Min(_maxThreads, ParallelRunner.MaxParallelism);
        if (threads <= 1 || ParallelRunner.IsInsideJob)
            return 1;
        return (int)Math.Clamp(work / Math.Max(_minFlopsPerThread, 1), 1, threads);
    }

    /// <summary>Threads for a kernel that streams <paramref name="elements"/> floats through one multiply(-add) each (rank-one and vector-matrix products).</summary>
    /// <remarks>
    /// Memory-bound: an element costs about as much as four flops of the blocked kernel, so the default threshold
    /// splits from 2^20 elements (4 MB) on; below that, waking a worker costs more than streaming the data.
    /// </remarks>
    private static int StreamingThreadCount(long elements) => ThreadsFor(elements / 2.0);

    /// <summary>Threads for a kernel that writes <paramref name="elements"/> floats of C, one multiply each (a rank-one product).</summary>
    /// <remarks>
    /// Written, an element costs about as much as sixteen flops of the blocked kernel: the store has to fetch C's line
    /// first, and from L3 each core's own path does that, so two threads write twice as fast. The default threshold
    /// splits from 64K elements (256 KB) on. On a 2-core Zen 3 the 784 × 128 weight gradient of a batch-1 step took
    /// 11.4 µs on one thread and 5.8-7.7 µs on two, 2,048 × 128 took 29.7 and 15.4 µs, and 256 × 128 (in L2) 3.8 and
    /// 3.6 µs.
    /// </remarks>
    private static int WritingThreadCount(long elements) => ThreadsFor(elements * 16.0);

    // Picks gridRows × gridCols = blocks (or fewer, when a dimension has too few tiles) minimising
    // the per-thread cost: the multiply-adds of the largest block (padding included) plus packing
    // its rows of A and columns of B, which every block does for itself.
    internal static (int Rows, int Cols) ChooseGrid(int blocks, int rowUnits, int colUnits, int mr, int nr, int weightAxis)
    {
        (int Rows, int Cols) best = (1, 1);
        double bestCost = double.MaxValue;
        for (int rows = 1; rows <= blocks; rows++)
        {
            if (blocks % rows != 0)
                continue;
            int gridRows = Math.Min(rows, rowUnits), gridCols = Math.Min(blocks / rows, colUnits);
            double height = (double)(((rowUnits - 1) / gridRows) + 1) * mr;
            double width = (double)(((colUnits - 1) / gridCols) + 1) * nr;
            double cost = (height * width) + (PackCostInMultiplyAdds * (height + width));
            if ((weightAxis == 1 && gridCols == 1) || (weightAxis == 2 && gridRows == 1))
                cost *= 1 - WeightAxisPreference;
            if (cost < bestCost)
            {
                bestCost = cost;
                best = (gridRows, gridCols);
            }
        }

        return best;
    }

    // How much cheaper a cut along the weight's rows is taken to be than its estimated cost (WeightAxis).
    private const double WeightAxisPreference = 0.1;

    // Which cut of C follows a Dense layer's weight rows, when the product has the shape of one of its gradients: the
    // weight gradient xᵀ·dZ (A transposed) is W-shaped, so its rows (1); the input gradient dZ·Wᵀ (B transposed) has
    // W's rows as its columns (2); otherwise 0. A cut along them, taken when it costs at most a tenth more, leaves each
    // thread the gradient rows its own optimizer share reads (WeightShares).
    internal static int WeightAxis(in GemmOperands g) => g.TransposeA == g.TransposeB ? 0 : g.TransposeA ? 1 : 2;

    private static int Gcd(int a, int b)
    {
        while (b != 0)
            (a, b) = (b, a % b);
        return a;
    }

    // Runs block 'block' of a gridRows × gridCols grid over C (row-major order of blocks): whole tiles (Mr rows, Nr
    // columns) of the rowUnits × colUnits that C spans, spread as evenly as possible, or, with callerUnits at least 0
    // and two blocks, callerUnits tiles of the cut axis to the first block and the rest to the second. A block left
    // empty does nothing. Returns the elements of C it computed.
    private static long RunGridBlock<TK>(in GemmOperands g, int block, int gridRows, int gridCols, int rowUnits, int colUnits,
        int callerUnits = -1)
        where TK : struct, IGemmMicroKernel
    {
        int gridRow = block / gridCols, gridCol = block - (gridRow * gridCols);
        int row0 = Boundary(gridRow, gridRows, rowUnits, TK.Mr, g.M, callerUnits);
        int row1 = Boundary(gridRow + 1, gridRows, rowUnits, TK.Mr, g.M, callerUnits);
        int col0 = Boundary(gridCol, gridCols, colUnits, TK.Nr, g.N, callerUnits);
        int col1 = Boundary(gridCol + 1, gridCols, colUnits, TK.Nr, g.N, callerUnits);
        if (row0 >= row1 || col0 >= col1)
            return 0;
        RunBlocked<TK>(in g, row0, row1, col0, col1);
        return (long)(row1 - row0) * (col1 - col0);
    }

    // Start of part 'part' of 'parts' when 'units' tiles of 'unit' elements are shared out: evenly, or, in two parts
    // with firstUnits at least 0, firstUnits to the first part.
    private static int Boundary(int part, int parts, int units, int unit, int limit, int firstUnits) =>
        (int)Math.Min(limit, (parts == 2 && part == 1 && firstUnits >= 0 ? firstUnits : (long)part * units / parts) * unit);

    // One index = one block of one product: index / (GridRows·GridCols) picks the product, the rest
    // the block. Blocks are whole tiles (Mr rows, Nr columns), spread as evenly as possible, except
    // the two blocks of a single product: there the first, the caller's, takes CallerUnits tiles of
    // the cut axis (CallerSpeed), and each block's time is measured for the next cut.
    private struct BlockJob<TK> : IParallelJob
        where TK : struct, IGemmMicroKernel
    {
        public GemmOperands Operands;
        public nint StrideA, StrideB, StrideC;
        public int GridRows, GridCols, RowUnits, ColUnits;

        // -1 for an even cut; written by each block below, one field per block.
        public int CallerUnits;
        public PartTiming First, Second;

        public void Execute(int index)
        {
            int blocks = GridRows * GridCols;
            int item = index / blocks, block = index - (item * blocks);
            GemmOperands g = Operands;
            g.A += item * StrideA;
            g.B += item * StrideB;
            g.C += item * StrideC;
            if (CallerUnits < 0)
            {
                RunGridBlock<TK>(in g, block, GridRows, GridCols, RowUnits, ColUnits);
                return;
            }

            long start = Stopwatch.GetTimestamp();
            long units = RunGridBlock<TK>(in g, block, GridRows, GridCols, RowUnits, ColUnits, CallerUnits);
            var timing = new PartTiming(units, Stopwatch.GetTimestamp() - start, Environment.CurrentManagedThreadId);
            if (block == 0)
                First = timing;
            else
                Second = timing;
        }
    }

    // The elements of C a block computed, the ticks it took and the managed id of the thread that ran it (0: not run).
    private readonly record struct PartTiming(long Units, long Ticks, int Thread);
}
