using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

/// <summary>Sums a tensor over the axes along which a smaller shape was broadcast (the adjoint of broadcasting).</summary>
internal static class BroadcastReduce
{
    /// <summary>
    /// dst = src summed down to <paramref name="dstDims"/>, which must broadcast to <paramref name="srcDims"/>
    /// (right-aligned; every axis equal or 1). Overwrites dst. Accumulates in float, row by row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SumTo(ReadOnlySpan<float> src, ReadOnlySpan<int> srcDims, Span<float> dst, ReadOnlySpan<int> dstDims)
    {
        if (dst.Length == src.Length)
        {
            src.CopyTo(dst);
            return;
        }

        if (dst.Length == 1)
        {
            dst[0] = TensorPrimitives.Sum(src);
            return;
        }

        dst.Clear();
        int rank = srcDims.Length;
        Span<int> dims = stackalloc int[rank];
        Span<int> sd = stackalloc int[rank];
        Span<int> ss = stackalloc int[rank];
        int r = Strides.Collapse(dstDims, srcDims, srcDims, dims, sd, ss);
        int inner = dims[r - 1], innerDst = sd[r - 1];
        int outer = src.Length / Math.Max(inner, 1);
        Span<int> index = stackalloc int[r];
        index.Clear();
        int off = 0;
        for (int o = 0; o < outer; o++)
        {
            ReadOnlySpan<float> row = src.Slice(o * inner, inner);
            if (innerDst != 0)
            {
                Span<float> d = dst.Slice(off, inner);
                TensorPrimitives.Add(d, row, d);
            }
            else
            {
                dst[off] += TensorPrimitives.Sum(row);
            }

            for (int ax = r - 2; ax >= 0; ax--)
            {
                index[ax]++;
                off += sd[ax];
                if (index[ax] < dims[ax])
                {
                    break;
                }

                off -= sd[ax] * dims[ax];
                index[ax] = 0;
            }
        }
    }
}
