using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

/// <summary>Edge tiles for micro-kernels without masked stores: compute a full tile aside, copy the valid corner.</summary>
internal static unsafe class GemmEdgeTile
{
    /// <summary>Computes the <paramref name="mr"/>×<paramref name="nr"/> corner of a tile with <typeparamref name="TK"/>'s full-tile kernel.</summary>
    /// <remarks>Partial panels are packed with zero padding, so the full tile is well defined; only its valid part reaches C.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TK>(nint kc, float* a, nint aStride, float* b, nint bStride, float* c, nint ldc, bool accumulate, int mr, int nr)
        where TK : struct, IGemmMicroKernel
    {
        float* tile = stackalloc float[TK.Mr * TK.Nr];
        TK.Run(kc, a, aStride, b, bStride, tile, TK.Nr, accumulate: false);
        for (int r = 0; r < mr; r++, tile += TK.Nr, c += ldc)
        {
            if (accumulate)
            {
                for (int j = 0; j < nr; j++)
                    c[j] += tile[j];
            }
            else
            {
                for (int j = 0; j < nr; j++)
                    c[j] = tile[j];
            }
        }
    }
}
