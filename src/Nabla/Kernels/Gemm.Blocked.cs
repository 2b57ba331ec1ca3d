using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

internal static unsafe partial class Gemm
{
    /// <summary>Computes the block C[row0..row1, col0..col1] of one product on the calling thread (all of k).</summary>
    /// <remarks>
    /// The five GotoBLAS loops: columns in steps of Nc (B panel packed once per k block, kept in
    /// L3), k in steps of Kc, rows in steps of Mc (A block packed into L2), then the macro-kernel
    /// walks the Nr-wide B micro-panels and, inside, the Mr-tall A micro-panels; each kernel's
    /// remarks give its block sizes and why. Step sizes are balanced (k = 784 with Kc = 256 runs
    /// as 4 × 196, not 3 × 256 + 16) so no block is a sliver.
    /// The loops and the packing routines are compiled fully optimised on first use, so a product
    /// that runs once (or the first calls of a training run) does not go through tier-0 code.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

        // Read an operand in place, unpacked, when its k steps are already contiguous and packing
        // would not pay for itself: B when the block has at most 64 rows (each B element is then
        // used by at most 64 rows, and the pack, a copy out of L2 or L3, cost a fifth of the time
        // of a 32-row product; at 128 rows and ldb = 512 the in-place B, whose k steps then fall
        // in a few L1 sets, ran 20-25% slower than packed), A when the block is at most 8 B
        // micro-panels wide (each A micro-panel is read that many times). Larger blocks keep both
        // packed, which also shields them from cache-set conflicts of power-of-two leading
        // dimensions (direct A at lda = 2048 ran at two thirds of the packed speed).
        bool directA = g.TransposeA && col1 - col0 <= 8 * TK.Nr;
        bool directB = !g.TransposeB && row1 - row0 <= 64;
        for (int jc = col0; jc < col1; jc += ncStep)
        {
            int nc = Math.Min(ncStep, col1 - jc);
            for (int pc = 0; pc < g.K; pc += kcStep)
            {
                int kc = Math.Min(kcStep, g.K - pc);

                // Read in place, only a partial last panel needs packing (zero padding).
                int packFromCol = directB ? nc / TK.Nr * TK.Nr : 0;
                if (packFromCol < nc)
                    GemmPacking.PackB<TK>(in g, pc, kc, jc + packFromCol, nc - packFromCol, packB + (nint)packFromCol * kc);

                // The first k block writes C (or adds to it when the caller accumulates); later ones add.
                bool accumulate = g.Accumulate || pc > 0;
                for (int ic = row0; ic < row1; ic += mcStep)
                {
                    int mc = Math.Min(mcStep, row1 - ic);
                    int packFromRow = directA ? mc / TK.Mr * TK.Mr : 0;
                    if (packFromRow < mc)
                        GemmPacking.PackA<TK>(in g, ic + packFromRow, mc - packFromRow, pc, kc, packA + (nint)packFromRow * kc);
                    MacroKernel<TK>(in g, ic, mc, jc, nc, pc, kc, packA, packB, accumulate, directA, directB);
                }
            }
        }
    }

    // Runs the micro-kernel over every tile of the mc × nc block of C at (ic, jc). Full panels of
    // an operand read in place come straight from A or B; the others from the packed buffers.
    // Partial tiles at the bottom and right edges go through the kernel's edge variant, which
    // writes only their valid part.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MacroKernel<TK>(in GemmOperands g, int ic, int mc, int jc, int nc, int pc, int kc,
        float* packA, float* packB, bool accumulate, bool directA, bool directB)
        where TK : struct, IGemmMicroKernel
    {
        nint ldc = g.Ldc;
        float* c = g.C + ic * ldc + jc;
        for (int j = 0; j < nc; j += TK.Nr)
        {
            int nr = Math.Min(TK.Nr, nc - j);
            bool bInPlace = directB && nr == TK.Nr;
            float* b = bInPlace ? g.B + pc * g.Ldb + jc + j : packB + (nint)j * kc;
            nint bStride = bInPlace ? g.Ldb : TK.Nr;
            for (int i = 0; i < mc; i += TK.Mr)
            {
                int mr = Math.Min(TK.Mr, mc - i);
                bool aInPlace = directA && mr == TK.Mr;
                float* a = aInPlace ? g.A + pc * g.Lda + ic + i : packA + (nint)i * kc;
                nint aStride = aInPlace ? g.Lda : TK.Mr;
                float* tile = c + i * ldc + j;
                if (mr == TK.Mr && nr == TK.Nr)
                    TK.Run(kc, a, aStride, b, bStride, tile, ldc, accumulate);
                else
                    TK.RunEdge(kc, a, aStride, b, bStride, tile, ldc, accumulate, mr, nr);
            }
        }
    }

    // Splits 'total' (at least 1) into the fewest blocks of at most 'max' and returns the common
    // block size, rounded up to a multiple of 'multiple'.
    private static int BlockStep(int total, int max, int multiple)
    {
        int blocks = ((total - 1) / max) + 1;
        int step = ((total - 1) / blocks) + 1;
        return (step + multiple - 1) / multiple * multiple;
    }

    private static nint RoundUp(nint value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
