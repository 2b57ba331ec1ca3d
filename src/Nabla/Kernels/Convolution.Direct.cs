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
    private static void DirectForward(in Conv2DGeometry g, float* x, float* w, float* bias, float* y, IRowEpilogue? epilogue)
    {
        switch (Gemm.ActivePath)
        {
            case GemmPath.Avx512:
                DirectForward<GemmMicroKernelAvx512>(in g, x, w, bias, y, epilogue);
                break;
            case GemmPath.Avx2:
                DirectForward<GemmMicroKernelAvx2>(in g, x, w, bias, y, epilogue);
                break;
            default:
                DirectForward<GemmMicroKernelScalar>(in g, x, w, bias, y, epilogue);
                break;
        }
    }

    private static void DirectForward<TK>(in Conv2DGeometry g, float* x, float* w, float* bias, float* y, IRowEpilogue? epilogue)
        where TK : struct, IGemmMicroKernel
    {
        int depth = g.GroupDepth + (bias != null ? 1 : 0), panels = ((g.GroupOutputChannels - 1) / TK.Nr) + 1;
        float* packed = PackedKernelCache.Packed(in g, w, bias, (nint)g.Groups * panels * depth * TK.Nr, &PackKernel<TK>);
        int outputRows = g.Batch * g.OutputHeight;
        int rowsPerItem = Math.Max(1, DirectItemPixels / g.OutputWidth);
        int items = Blocks(outputRows, rowsPerItem);
        var work = new DirectForwardWork<TK> { G = g, X = x, Packed = packed, Depth = depth, Y = y, RowsPerItem = rowsPerItem, Panels = panels, Epilogue = epilogue };
        SpatialThreads.Run(items, SpatialThreads.PartsForFlops(g.Flops, items), ref work);
    }

    // packed[group][panel][k][c] = w[k, group·ocg + panel·Nr + c] for k < depth, then the bias as k = depth when
    // there is one; zero past the group's last channel. Row by row of w (each read once, in order), whole panels'
    // worth copied as one block of Nr floats: copying 16 floats at a time through RowOps, panel by panel, took 6 µs
    // for W5's second layer, a serial 5% of its batch-1 Predict.
    private static void PackKernel<TK>(in Conv2DGeometry g, float* w, float* bias, float* packed)
        where TK : struct, IGemmMicroKernel
    {
        int depth = g.GroupDepth, oc = g.OutputChannels, ocg = g.GroupOutputChannels, nr = TK.Nr;
        int panels = ((ocg - 1) / nr) + 1, rows = depth + (bias != null ? 1 : 0);
        nint panelFloats = (nint)rows * nr;
        for (int group = 0; group < g.Groups; group++)
        {
            float* groupPanels = packed + ((nint)group * panels * panelFloats);
            for (int k = 0; k < rows; k++)
            {
                float* src = (k < depth ? w + ((nint)k * oc) : bias) + (group * ocg);
                float* dst = groupPanels + ((nint)k * nr);
                for (int j = 0; j < ocg; j += nr, dst += panelFloats)
                {
                    int width = ocg - j;
                    if (width >= nr)
                    {
                        Unsafe.CopyBlockUnaligned(dst, src + j, (uint)(nr * sizeof(float)));
                    }
                    else
                    {
                        RowOps.Copy(src + j, dst, width);
                        RowOps.Clear(dst + width, nr - width);
                    }
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
        public IRowEpilogue? Epilogue;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int item)
        {
            // Depth is the window's, plus one for the bias.
            int depth = Depth, oc = G.OutputChannels, ocg = G.GroupOutputChannels, ow = G.OutputWidth;
            int firstRow = item * RowsPerItem, lastRow = Math.Min(firstRow + RowsPerItem, G.Batch * G.OutputHeight);

            // The tile, plus room for the last k step's full-vector store past Mr.
            // The A panel, one row of Pitch floats per k step; the bias row of ones, if any, is the last and no
            // gather writes into it.
            float* a = ConvScratch.Get(ScratchSlot.Job, (nint)depth * Pitch);
            for (int r = 0; r < Pitch && depth > G.GroupDepth; r++)
                a[((nint)G.GroupDepth * Pitch) + r] = 1f;
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
                        float* b = Packed + ((nint)group * Panels * depth * TK.Nr);
                        for (int j = 0; j < ocg; j += TK.Nr, b += (nint)depth * TK.Nr)
                        {
                            int nr = Math.Min(TK.Nr, ocg - j);
                            float* tileC = c + (group * ocg) + j;
                            if (tile == TK.Mr && nr == TK.Nr)
                                TK.Run(depth, a, Pitch, b, TK.Nr, tileC, oc, accumulate: false);
                            else
                                TK.RunEdge(depth, a, Pitch, b, TK.Nr, tileC, oc, accumulate: false, tile, nr);
                        }
                    }
                }

                Epilogue?.Apply(new Span<float>(Y + ((nint)outputRow * ow * oc), ow * oc), oc);
            }
        }

        // Floats per k step of the A panel: a whole vector (one 64-byte line on AVX-512), so the gather's vector
        // stores are aligned and never spill into the next step, and the micro-kernel's loads of them forward cleanly.
        private static int Pitch
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => TK.Path == GemmPath.Avx512 ? 16 : TK.Path == GemmPath.Avx2 ? 8 : TK.Mr;
        }

        // a[k·Pitch + r] = x at tap k of output pixel (n, oh, ow0 + r) in the group, 0 in the padding and for r ≥ tile.
        // The geometry is copied to locals first: the stores through a could alias this struct as far as the JIT knows,
        // so it would reload every field after each of them.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private readonly void GatherTile(int n, int oh, int ow0, int tile, int group, float* a)
        {
            int pitch = Pitch, c = G.InputChannels, cg = G.GroupInputChannels, w = G.InputWidth, h = G.InputHeight;
            int kernelHeight = G.KernelHeight, kernelWidth = G.KernelWidth, dh = G.DilationHeight, dw = G.DilationWidth;
            int sw = G.StrideWidth, ih0 = (oh * G.StrideHeight) - G.PadTop, iwFirst = (ow0 * sw) - G.PadLeft;
            nint tapRow = (nint)kernelWidth * cg * pitch, step = (nint)sw * c;
            bool contiguous = c == 1 && sw == 1 && TK.Path != GemmPath.Scalar;
            float* image = X + ((nint)n * h * w * c) + ((nint)group * cg);
            for (int kh = 0; kh < kernelHeight; kh++, a += tapRow)
            {
                int ih = ih0 + (kh * dh);
                if ((uint)ih >= (uint)h)
                {
                    RowOps.Clear(a, tapRow);
                    continue;
                }

                float* row = image + ((nint)ih * w * c);
                for (int kw = 0; kw < kernelWidth; kw++)
                {
                    // Pixel r reads column iw0 + r·sw; [lo, hi) are the r that land inside the row.
                    int iw0 = iwFirst + (kw * dw);
                    (int lo, int hi) = Im2Col.Inside(iw0, sw, w, tile);
                    float* dst = a + ((nint)kw * cg * pitch);
                    if (contiguous)
                    {
                        GatherContiguous(row + iw0, lo, hi, dst);
                        continue;
                    }

                    for (int ic = 0; ic < cg; ic++, dst += pitch)
                    {
                        float* src = row + ic + ((nint)iw0 * c);
                        int r = 0;
                        for (; r < lo; r++)
                            dst[r] = 0f;
                        for (; r < hi; r++)
                            dst[r] = src[r * step];
                        for (; r < pitch; r++)
                            dst[r] = 0f;
                    }
                }
            }
        }

        // One-channel input with stride 1: the Mr values are adjacent, so one masked vector load (which never touches
        // the lanes outside [lo, hi), so it cannot fault past the row) fills the panel row and its zeros.
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
