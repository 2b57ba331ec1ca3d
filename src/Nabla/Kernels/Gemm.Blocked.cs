namespace Nabla.Kernels;

internal static unsafe partial class Gemm
{
    /// <summary>Computes the block C[row0..row1, col0..col1] of one product on the calling thread (all of k).</summary>
    /// <remarks>
    /// The five GotoBLAS loops: columns in steps of Nc (B panel packed once per k block and kept
    /// in L3), k in steps of Kc, rows in steps of Mc (A block packed into L2), then the macro-kernel
    /// walks Nr-wide B micro-panels (each held in L1) and, inside, the Mr-tall A micro-panels.
    /// Step sizes are balanced (784 = 5 × 157 rather than 4 × 192 + 16) so no block is a sliver.
    /// </remarks>
    internal static void RunBlocked<TK>(in GemmOperands g, int row0, int row1, int col0, int col1)
        where TK : struct, IGemmMicroKernel
    {
        int kcStep = BlockStep(g.K, TK.Kc, 1);
        int mcStep = BlockStep(row1 - row0, TK.Mc, TK.Mr);
        int ncStep = BlockStep(col1 - col0, TK.Nc, TK.Nr);
        nint aFloats = RoundUp((nint)mcStep * kcStep + GemmPacking.Slack, 16);
        nint bFloats = RoundUp((nint)ncStep * kcStep + GemmPacking.Slack, 16);
        float* packA = GemmScratch.Get(aFloats + bFloats);
        float* packB = packA + aFloats;

        for (int jc = col0; jc < col1; jc += ncStep)
        {
            int nc = Math.Min(ncStep, col1 - jc);
            for (int pc = 0; pc < g.K; pc += kcStep)
            {
                int kc = Math.Min(kcStep, g.K - pc);
                GemmPacking.PackB<TK>(in g, pc, kc, jc, nc, packB);

                // The first k block writes C (or adds to it when the caller accumulates); later ones add.
                bool accumulate = g.Accumulate || pc > 0;
                for (int ic = row0; ic < row1; ic += mcStep)
                {
                    int mc = Math.Min(mcStep, row1 - ic);
                    GemmPacking.PackA<TK>(in g, ic, mc, pc, kc, packA);
                    MacroKernel<TK>(mc, nc, kc, packA, packB, g.C + ic * g.Ldc + jc, g.Ldc, accumulate);
                }
            }
        }
    }

    // Runs the micro-kernel over every tile of an mc × nc block of C; partial tiles at the bottom
    // and right edges go through the kernel's edge variant, which writes only their valid part.
    private static void MacroKernel<TK>(int mc, int nc, int kc, float* packA, float* packB, float* c, nint ldc, bool accumulate)
        where TK : struct, IGemmMicroKernel
    {
        for (int j = 0; j < nc; j += TK.Nr)
        {
            int nr = Math.Min(TK.Nr, nc - j);
            float* b = packB + (nint)j * kc;
            for (int i = 0; i < mc; i += TK.Mr)
            {
                int mr = Math.Min(TK.Mr, mc - i);
                float* a = packA + (nint)i * kc;
                float* tile = c + i * ldc + j;
                if (mr == TK.Mr && nr == TK.Nr)
                    TK.Run(kc, a, b, tile, ldc, accumulate);
                else
                    TK.RunEdge(kc, a, b, tile, ldc, accumulate, mr, nr);
            }
        }
    }

    // Splits 'total' into the fewest blocks of at most 'max' and returns the common block size,
    // rounded up to a multiple of 'multiple'.
    private static int BlockStep(int total, int max, int multiple)
    {
        int blocks = Math.Max(1, (total + max - 1) / max);
        int step = (total + blocks - 1) / blocks;
        return Math.Max(multiple, (step + multiple - 1) / multiple * multiple);
    }

    private static nint RoundUp(nint value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
