using System.Runtime.CompilerServices;
using Nabla.Kernels.Parallel;

namespace Nabla.Kernels;

internal static unsafe partial class Gemm
{
    /// <summary>C = op(A)·op(B) (or C += …) when k = 1: every row of C is one value of A times the row of B.</summary>
    /// <remarks>
    /// An outer product (the weight gradient xᵀ·dz of a batch of one) does one multiply per element of C, so it is
    /// bound by writing C. Through the blocked driver each micro-kernel call would spend its prologue, C prefetch and
    /// stores on a single k step; here each row of C is one vectorised pass, at the width of the GEMM path in force
    /// (Vector512, Vector256 or scalar; like the micro-kernels, forceable through <see cref="ForcedPath"/>).
    /// op(A)[i, 0] is A[i·lda] (A[i] when A is transposed); op(B)[0, j] is B[j] (B[j·ldb] when B is transposed,
    /// gathered into the thread's scratch buffer unless ldb is 1). Large C is split by rows over the threads
    /// (<see cref="WritingThreadCount"/>).
    /// </remarks>
    private static void RankOne(in GemmOperands g, GemmPath path, int batch, nint strideA, nint strideB, nint strideC)
    {
        var job = new RankOneJob { Operands = g, StrideA = strideA, StrideB = strideB, StrideC = strideC, Batch = batch, Path = path };
        long rows = (long)batch * g.M;
        job.Parts = (int)Math.Min(WritingThreadCount(rows * g.N), rows);
        ParallelRunner.For(job.Parts, ref job);
    }

    // Part p of Parts takes an equal share of the rows of all products (batch × m rows in all).
    private struct RankOneJob : IParallelJob
    {
        public GemmOperands Operands;
        public nint StrideA, StrideB, StrideC;
        public int Batch, Parts;
        public GemmPath Path;

        public readonly void Execute(int index)
        {
            switch (Path)
            {
                case GemmPath.Avx512:
                    Rows<Lanes512>(index);
                    break;
                case GemmPath.Avx2:
                    Rows<Lanes256>(index);
                    break;
                default:
                    Rows<Lane1>(index);
                    break;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private readonly void Rows<T>(int index)
            where T : struct, ILanes<T>
        {
            GemmOperands g = Operands;
            long rows = (long)Batch * g.M;
            long first = rows * index / Parts, last = rows * (index + 1) / Parts;
            int n = g.N;
            bool gather = g.TransposeB && g.Ldb != 1;   // with ldb = 1 a transposed n×1 B is already a contiguous row
            float* gathered = gather ? GemmScratch.Get(n) : null, gatheredFrom = null;
            for (long r = first; r < last; r++)
            {
                int item = (int)(r / g.M), i = (int)(r - ((long)item * g.M));
                float* b = g.B + (item * StrideB);
                if (gather)
                {
                    if (gatheredFrom != b)   // once per distinct B: every product shares it when StrideB is 0
                    {
                        for (int col = 0; col < n; col++)
                            gathered[col] = b[col * (nint)g.Ldb];
                        gatheredFrom = b;
                    }

                    b = gathered;
                }

                float a = g.A[(item * StrideA) + (g.TransposeA ? i : i * (nint)g.Lda)];
                float* c = g.C + (item * StrideC) + (i * (nint)g.Ldc);
                int j = ScaleRow<T>(a, b, c, 0, n, g.Accumulate);
                ScaleRow<Lane1>(a, b, c, j, n, g.Accumulate);
            }
        }
    }

    // c[j..n) = a·b[j..n) (+ c[j..n) when accumulating) in whole bundles of T's width; returns where it stopped. One
    // row of a rank-one product, and the single-row remainder of a row-vector product.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ScaleRow<T>(float a, float* b, float* c, int j, int n, bool accumulate)
        where T : struct, ILanes<T>
    {
        T scale = T.Splat(a);
        ref float rb = ref *b, rc = ref *c;
        for (; j <= n - T.Count; j += T.Count)
        {
            T product = T.Load(ref rb, (nuint)j) * scale;
            T.Store(accumulate ? T.Load(ref rc, (nuint)j) + product : product, ref rc, (nuint)j);
        }

        return j;
    }
}
