namespace Nabla.Kernels;

/// <summary>Stride arithmetic for broadcasting kernels over row-major shapes.</summary>
internal static class Strides
{
    /// <summary>
    /// Writes the element strides of <paramref name="inDims"/> broadcast to <paramref name="outDims"/>
    /// (right-aligned; 0 on axes where the input has length 1 or is missing).
    /// </summary>
    public static void Broadcast(ReadOnlySpan<int> inDims, ReadOnlySpan<int> outDims, Span<int> strides)
    {
        int rank = outDims.Length, shift = rank - inDims.Length;
        int s = 1;
        for (int ax = rank - 1; ax >= 0; ax--)
        {
            int d = ax - shift >= 0 ? inDims[ax - shift] : 1;
            strides[ax] = d == 1 && outDims[ax] != 1 ? 0 : s;
            s *= d;
        }
    }

    /// <summary>
    /// Broadcast strides of two inputs over the output shape, with adjacent axes merged wherever both inputs
    /// step through them the same way (both contiguous, or both broadcast). Axes of length 1 are dropped.
    /// Returns the merged rank (at least 1).
    /// </summary>
    public static int Collapse(ReadOnlySpan<int> aDims, ReadOnlySpan<int> bDims, ReadOnlySpan<int> outDims,
        Span<int> dims, Span<int> sa, Span<int> sb)
    {
        int rank = outDims.Length;
        Span<int> fa = stackalloc int[rank];
        Span<int> fb = stackalloc int[rank];
        Broadcast(aDims, outDims, fa);
        Broadcast(bDims, outDims, fb);

        int r = 0;
        for (int ax = 0; ax < rank; ax++)
        {
            int d = outDims[ax];
            if (d == 1)
            {
                continue;
            }

            if (r > 0 && CanMerge(sa[r - 1], fa[ax], d) && CanMerge(sb[r - 1], fb[ax], d))
            {
                // The previous merged axis steps by d times this axis' stride (or both are 0): fold them.
                dims[r - 1] *= d;
                sa[r - 1] = fa[ax];
                sb[r - 1] = fb[ax];
                continue;
            }

            dims[r] = d;
            sa[r] = fa[ax];
            sb[r] = fb[ax];
            r++;
        }

        if (r == 0)
        {
            dims[0] = 1;
            sa[0] = 0;
            sb[0] = 0;
            r = 1;
        }

        return r;

        static bool CanMerge(int outerStride, int innerStride, int innerDim) =>
            outerStride == 0 ? innerStride == 0 : innerStride != 0 && outerStride == innerStride * innerDim;
    }
}
