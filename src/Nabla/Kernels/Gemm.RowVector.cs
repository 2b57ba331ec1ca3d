using System.Runtime.CompilerServices;
using Nabla.Kernels.Parallel;

namespace Nabla.Kernels;

internal static unsafe partial class Gemm
{
    // Columns of C updated together: 4 KB of C stays in L1 while every row of B streams past it.
    private const int RowVectorColumnBlock = 1024;

    /// <summary>C = op(A)·B (or C += …) when m = 1 and B is not transposed: a row vector times a matrix.</summary>
    /// <remarks>
    /// One sample through a Dense layer (Predict on one image, a batch-1 training step) reads every weight once for a
    /// single multiply-add, so it is bound by streaming B. The blocked driver walks B in Nr-column micro-panels, one
    /// 64-byte piece per row at a stride of the row length, a pattern the prefetchers follow poorly; here B is read
    /// row by row, four rows at a time into a block of C held in L1, at the width of the GEMM path in force (on AVX2 a
    /// block of exactly 128 columns stays in registers instead: <see cref="AddRowsInRegisters"/>). A single
    /// product of two or more slots of rows (<see cref="RowVectorSlots"/>) is shared out by slots
    /// (<see cref="RowVectorSlotted"/>); the others, when large, are split over the threads
    /// (<see cref="StreamingThreadCount"/>) in runs of 16-column groups, counted over all the products of a batch, so a
    /// batch of narrow products is shared out as well as one wide product.
    /// </remarks>
    private static void RowVector(in GemmOperands g, GemmPath path, int batch, nint strideA, nint strideB, nint strideC)
    {
        if (batch == 1 && RowVectorSlots(g.K, g.N) is var slots && slots > 1)
        {
            RowVectorSlotted(in g, path, slots);
            return;
        }

        var job = new RowVectorJob { Operands = g, StrideA = strideA, StrideB = strideB, StrideC = strideC, Batch = batch, Path = path };
        job.Groups = ((g.N - 1) / 16) + 1;   // split on 16-column boundaries, whole vectors for every width
        long units = (long)batch * job.Groups;
        job.Parts = (int)Math.Min(StreamingThreadCount((long)batch * g.N * g.K), units);
        ParallelRunner.For(job.Parts, ref job);
    }

    // The batch's column groups, product after product, form Batch × Groups units; part p of Parts takes an equal,
    // contiguous run of them, which is one run of columns in each product it touches.
    private struct RowVectorJob : IParallelJob
    {
        public GemmOperands Operands;
        public nint StrideA, StrideB, StrideC;
        public int Batch, Groups, Parts;
        public GemmPath Path;

        public readonly void Execute(int index)
        {
            long units = (long)Batch * Groups;
            long first = units * index / Parts, last = units * (index + 1) / Parts;
            for (long u = first; u < last;)
            {
                int item = (int)(u / Groups), group = (int)(u - ((long)item * Groups));
                int groupEnd = (int)Math.Min(Groups, group + (last - u));
                int col0 = group * 16, col1 = Math.Min(Operands.N, groupEnd * 16);
                u += groupEnd - group;
                GemmOperands g = Operands;
                RowProducts(Path, g.A + (item * StrideA), g.TransposeA ? g.Lda : 1, g.B + (item * StrideB) + col0, g.Ldb, g.C + (item * StrideC) + col0, g.K, col1 - col0, g.Accumulate);
            }
        }
    }

    // c[0..width) = Σ_{p<k} a[p·aStep]·b[p·ldb + 0..width) (+ c when accumulating), in blocks of C that stay in L1, at
    // the width of the path.
    private static void RowProducts(GemmPath path, float* a, nint aStep, float* b, nint ldb, float* c, int k, int width, bool accumulate)
    {
        for (int j = 0; j < width; j += RowVectorColumnBlock)
        {
            int w = Math.Min(RowVectorColumnBlock, width - j);
            switch (path)
            {
                case GemmPath.Avx512:
                    AddRowProducts<Lanes512>(a, aStep, b + j, ldb, c + j, k, w, accumulate);
                    break;
                case GemmPath.Avx2:
                    AddRowProducts<Lanes256>(a, aStep, b + j, ldb, c + j, k, w, accumulate);
                    break;
                default:
                    AddRowProducts<Lane1>(a, aStep, b + j, ldb, c + j, k, w, accumulate);
                    break;
            }
        }
    }

    // The same for one block of C: four rows of b at a time into c, which stays in L1 while the rows stream past it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddRowProducts<T>(float* a, nint aStep, float* b, nint ldb, float* c, int k, int width, bool accumulate)
        where T : struct, ILanes<T>
    {
        if (!accumulate)
            new Span<float>(c, width).Clear();   // overwrite: whatever C held (NaN included) never reaches the sum

        int p = 0;
        if (typeof(T) == typeof(Lanes256) && width == RegisterRowWidth)
        {
            p = k & ~3;   // the rows the four-row steps would take, so the single rows after them are the same
            AddRowsInRegisters(a, aStep, b, ldb, c, p);
            a += p * aStep;
            b += p * ldb;
        }

        for (; p <= k - 4; p += 4, a += 4 * aStep, b += 4 * ldb)
        {
            int j = AddFourRows<T>(a, aStep, b, ldb, c, 0, width);
            AddFourRows<Lane1>(a, aStep, b, ldb, c, j, width);
        }

        for (; p < k; p++, a += aStep, b += ldb)
        {
            int j = ScaleRow<T>(*a, b, c, 0, width, accumulate: true);
            ScaleRow<Lane1>(*a, b, c, j, width, accumulate: true);
        }
    }

    // c[j..] += a[0]·b0[j..] + a[1]·b1[j..] + a[2]·b2[j..] + a[3]·b3[j..] in whole bundles; returns where it stopped.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int AddFourRows<T>(float* a, nint aStep, float* b, nint ldb, float* c, int j, int width)
        where T : struct, ILanes<T>
    {
        T a0 = T.Splat(a[0]), a1 = T.Splat(a[aStep]), a2 = T.Splat(a[2 * aStep]), a3 = T.Splat(a[3 * aStep]);
        ref float b0 = ref *b, b1 = ref *(b + ldb), b2 = ref *(b + (2 * ldb)), b3 = ref *(b + (3 * ldb)), rc = ref *c;
        for (; j <= width - T.Count; j += T.Count)
        {
            nuint at = (nuint)j;
            T sum = T.MultiplyAdd(T.Load(ref b0, at), a0, T.Load(ref rc, at));   // four FMAs where the hardware fuses them
            sum = T.MultiplyAdd(T.Load(ref b1, at), a1, sum);
            sum = T.MultiplyAdd(T.Load(ref b2, at), a2, sum);
            T.Store(T.MultiplyAdd(T.Load(ref b3, at), a3, sum), ref rc, at);
        }

        return j;
    }
}
