using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Kernels;

internal static unsafe partial class Convolution
{
    // Output pixels an item of the direct forward pass covers at least (whole output rows).
    private const int DirectItemPixels = 128;

    // Implicit GEMM. The kernel is packed once into the micro-kernel's B panels; then, for each run of Mr output
    // pixels along a row, their windows are gathered straight into an A panel [depth][Mr] (no im2col buffer, no
    // second copy by GEMM's packing) and the micro-kernel writes the tile of y. The bias rides along as one more k
    // step, a row of ones in the A panel against the bias in the B panel, so y is written once and never read.
    // The gather costs about one load and store per window element, as much as the multiply-adds when the input has
    // many channels, but for a first layer (depth 9-36) it is cheaper than a GEMM on a 9-deep im2col matrix.
    private static void DirectForward(in Conv2DGeometry g, float* x, float* w, float* bias, float* y)
    {
        switch (Gemm.ActivePath)
        {
            case GemmPath.Avx512:
                DirectForward<GemmMicroKernelAvx512>(in g, x, w, bias, y);
                break;
            case GemmPath.Avx2:
                DirectForward<GemmMicroKernelAvx2>(in g, x, w, bias, y);
                break;
            default:
                DirectForward<GemmMicroKernelScalar>(in g, x, w, bias, y);
                break;
        }
    }

    private static void DirectForward<TK>(in Conv2DGeometry g, float* x, float* w, float* bias, float* y)
        where TK : struct, IGemmMicroKernel
    {
        int depth = g.GroupDepth + (bias != null ? 1 : 0), panels = ((g.GroupOutputChannels - 1) / TK.Nr) + 1;
        float* packed = ConvScratch.Get(ScratchSlot.Call, (nint)g.Groups * panels * depth * TK.Nr);
        PackKernel<TK>(in g, w, bias, packed);
        int outputRows = g.Batch * g.OutputHeight;
        int rowsPerItem = Math.Max(1, DirectItemPixels / g.OutputWidth);
        int items = Blocks(outputRows, rowsPerItem);
        var work = new DirectForwardWork<TK> { G = g, X = x, Packed = packed, Depth = depth, Y = y, RowsPerItem = rowsPerItem, Panels = panels };
        SpatialThreads.Run(items, SpatialThreads.PartsForFlops(g.Flops, items), ref work);
    }

    // packed[group][panel][k][c] = w[k, group·ocg + panel·Nr + c] for k < depth, then the bias as k = depth when
    // there is one; zero past the group's last channel.
    private static void PackKernel<TK>(in Conv2DGeometry g, float* w, float* bias, float* packed)
        where TK : struct, IGemmMicroKernel
    {
        int depth = g.GroupDepth, oc = g.OutputChannels, ocg = g.GroupOutputChannels, nr = TK.Nr;
        for (int group = 0; group < g.Groups; group++)
        {
            for (int j = 0; j < ocg; j += nr)
            {
                int width = Math.Min(nr, ocg - j);
                for (int k = 0; k <= depth; k++, packed += nr)
                {
                    float* src = k < depth ? w + ((nint)k * oc) : bias;
                    if (src == null)
                        break;
                    RowOps.Copy(src + (group * ocg) + j, packed, width);
                    RowOps.Clear(packed + width, nr - width);
                }
            }
        }
    }

    private struct DirectForwardWork<TK> : IWorkItems
        where TK : struct, IGemmMicroKernel
    {
        public Conv2DGeometry G;
        public float* X, Packed, Y;
        public int Depth, RowsPerItem, Panels;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int item)
        {
            // Depth is the window's, plus one for the bias.
            int depth = Depth, oc = G.OutputChannels, ocg = G.GroupOutputChannels, ow = G.OutputWidth;
            int firstRow = item * RowsPerItem, lastRow = Math.Min(firstRow + RowsPerItem, G.Batch * G.OutputHeight);

            // The tile, plus room for the last k step's full-vector store past Mr.
            float* a = ConvScratch.Get(ScratchSlot.Job, ((nint)depth * TK.Mr) + 16);
            float* ones = a + ((nint)G.GroupDepth * TK.Mr);
            for (int outputRow = firstRow; outputRow < lastRow; outputRow++)
            {
                int n = outputRow / G.OutputHeight, oh = outputRow - (n * G.OutputHeight);
                for (int ow0 = 0; ow0 < ow; ow0 += TK.Mr)
                {
                    int tile = Math.Min(TK.Mr, ow - ow0);
                    float* c = Y + ((((nint)outputRow * ow) + ow0) * oc);
                    for (int group = 0; group < G.Groups; group++)
                    {
                        GatherTile(n, oh, ow0, tile, group, a);
                        if (depth > G.GroupDepth)
                        {
                            // The bias row, after the gather (whose last vector store may spill into it). Rows past a
                            // partial tile are computed but never stored.
                            for (int r = 0; r < TK.Mr; r++)
                                ones[r] = 1f;
                        }

                        float* b = Packed + ((nint)group * Panels * depth * TK.Nr);
                        for (int j = 0; j < ocg; j += TK.Nr, b += (nint)depth * TK.Nr)
                        {
                            int nr = Math.Min(TK.Nr, ocg - j);
                            float* tileC = c + (group * ocg) + j;
                            if (tile == TK.Mr && nr == TK.Nr)
                                TK.Run(depth, a, TK.Mr, b, TK.Nr, tileC, oc, accumulate: false);
                            else
                                TK.RunEdge(depth, a, TK.Mr, b, TK.Nr, tileC, oc, accumulate: false, tile, nr);
                        }
                    }
                }
            }
        }

        // a[k·Mr + r] = x at tap k of output pixel (n, oh, ow0 + r) in the group, 0 in the padding and for r ≥ tile.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private readonly void GatherTile(int n, int oh, int ow0, int tile, int group, float* a)
        {
            int mr = TK.Mr, c = G.InputChannels, cg = G.GroupInputChannels, w = G.InputWidth, sw = G.StrideWidth;
            nint tapRow = (nint)G.KernelWidth * cg * mr;
            float* image = X + ((nint)n * G.InputHeight * w * c) + ((nint)group * cg);
            for (int kh = 0; kh < G.KernelHeight; kh++, a += tapRow)
            {
                int ih = (oh * G.StrideHeight) - G.PadTop + (kh * G.DilationHeight);
                if ((uint)ih >= (uint)G.InputHeight)
                {
                    RowOps.Clear(a, tapRow);
                    continue;
                }

                float* row = image + ((nint)ih * w * c);
                for (int kw = 0; kw < G.KernelWidth; kw++)
                {
                    // Pixel r reads column iw0 + r·sw; [lo, hi) are the r that land inside the row.
                    int iw0 = (ow0 * sw) - G.PadLeft + (kw * G.DilationWidth);
                    int lo = iw0 >= 0 ? 0 : Math.Min(tile, (-iw0 + sw - 1) / sw);
                    int hi = iw0 >= w ? lo : Math.Clamp(((w - 1 - iw0) / sw) + 1, lo, tile);
                    float* dst = a + ((nint)kw * cg * mr);
                    if (c == 1 && sw == 1 && TK.Path != GemmPath.Scalar)
                    {
                        GatherContiguous(row + iw0, lo, hi, dst);
                        continue;
                    }

                    for (int ic = 0; ic < cg; ic++, dst += mr)
                    {
                        float* src = row + ic + ((nint)iw0 * c);
                        nint step = (nint)sw * c;
                        int r = 0;
                        for (; r < lo; r++)
                            dst[r] = 0f;
                        for (; r < hi; r++)
                            dst[r] = src[r * step];
                        for (; r < mr; r++)
                            dst[r] = 0f;
                    }
                }
            }
        }

        // One-channel input with stride 1: the Mr values are adjacent, so one masked vector load (which never touches
        // the lanes outside [lo, hi), so it cannot fault past the row) fills the panel row and its zeros. The store
        // writes a whole vector, past Mr into the next k step's row, which is written after it.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void GatherContiguous(float* src, int lo, int hi, float* dst)
        {
            if (TK.Path == GemmPath.Avx512)
            {
                Vector512<int> lanes = Vector512<int>.Indices;
                Vector512<float> mask = (Vector512.GreaterThanOrEqual(lanes, Vector512.Create(lo)) & Vector512.LessThan(lanes, Vector512.Create(hi))).AsSingle();
                Avx512F.MaskLoad(src, mask, Vector512<float>.Zero).Store(dst);
            }
            else
            {
                Vector256<int> lanes = Vector256<int>.Indices;
                Vector256<float> mask = (Vector256.GreaterThanOrEqual(lanes, Vector256.Create(lo)) & Vector256.LessThan(lanes, Vector256.Create(hi))).AsSingle();
                Avx.MaskLoad(src, mask).Store(dst);
            }
        }
    }
}
