using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

internal static unsafe partial class Convolution
{
    // Whether the direct weight gradient can run: one group, few channels, windows whose taps are adjacent columns.
    private static bool DirectWeightGradientApplies(in Conv2DGeometry g) =>
        g.Groups == 1 && g.InputChannels <= DirectMaxInputChannels && g.DilationWidth == 1;

    // Weight gradient of a few-channel layer without im2col. For each output row, the KernelHeight input rows it reads
    // are interleaved into a strip T[col][kh][ic] (zero where padded), in which the window of output pixel ow is the
    // depth = KernelWidth·KernelHeight·C consecutive floats at T + ow·sw·KernelHeight·C, in (kw, kh, ic) order. The
    // micro-kernel then reads its A panel straight from the strip (the pixels as k steps, stride sw·KernelHeight·C)
    // and dy in place as its B panel, accumulating dwᵀ-ordered rows (kw, kh, ic) of a per-slot partial; the partials
    // are summed in slot order and reordered to Keras's (kh, kw, ic) at the end. The strip is a third of an im2col
    // block for a 3×3 kernel, and the micro-kernel does not wait on a GEMM driver's packing.
    private static void DirectWeightGradient(in Conv2DGeometry g, float* x, float* dy, float* dw, bool accumulate)
    {
        switch (Gemm.ActivePath)
        {
            case GemmPath.Avx512:
                DirectWeightGradient<GemmMicroKernelAvx512>(in g, x, dy, dw, accumulate);
                break;
            case GemmPath.Avx2:
                DirectWeightGradient<GemmMicroKernelAvx2>(in g, x, dy, dw, accumulate);
                break;
            default:
                DirectWeightGradient<GemmMicroKernelScalar>(in g, x, dy, dw, accumulate);
                break;
        }
    }

    private static void DirectWeightGradient<TK>(in Conv2DGeometry g, float* x, float* dy, float* dw, bool accumulate)
        where TK : struct, IGemmMicroKernel
    {
        int outputRows = g.Batch * g.OutputHeight;
        int slots = Math.Max(1, Math.Min(Math.Min(outputRows, MaxSlots), PartialBudgetFloats / g.KernelLength));
        float* partials = ConvScratch.Get(ScratchSlot.Call, (nint)slots * g.KernelLength);
        var work = new DirectWeightGradientWork<TK> { G = g, X = x, Dy = dy, Partials = partials, Rows = outputRows, Slots = slots };
        SpatialThreads.Run(slots, SpatialThreads.PartsForFlops(g.Flops, slots), ref work);
        ReorderPartials(in g, partials, slots, dw, accumulate);
    }

    // dw[kh, kw, ic, :] (+)= Σ_s partial_s[kw, kh, ic, :], slots in order.
    private static void ReorderPartials(in Conv2DGeometry g, float* partials, int slots, float* dw, bool accumulate)
    {
        int kh = g.KernelHeight, kw = g.KernelWidth, c = g.InputChannels, oc = g.OutputChannels;
        VectorWidth width = VectorWidth.Current;
        for (int i = 0; i < kh; i++)
        {
            for (int j = 0; j < kw; j++)
            {
                for (int ic = 0; ic < c; ic++)
                {
                    float* dst = dw + ((nint)((((i * kw) + j) * c) + ic) * oc);
                    nint source = (nint)((((j * kh) + i) * c) + ic) * oc;
                    if (!accumulate)
                        RowOps.Copy(partials + source, dst, oc);
                    else
                        RowOps.Add(dst, partials + source, oc, width);
                    for (int s = 1; s < slots; s++)
                        RowOps.Add(dst, partials + ((nint)s * g.KernelLength) + source, oc, width);
                }
            }
        }
    }

    private struct DirectWeightGradientWork<TK> : IWorkItems
        where TK : struct, IGemmMicroKernel
    {
        public Conv2DGeometry G;
        public float* X, Dy, Partials;
        public int Rows, Slots;

        // strip[q][r][ic] = x[ih0 + r·dh, q − PadLeft, ic], zero outside the image: input rows interleaved by column.
        // Columns [lo, hi) lie inside the row; each input row is written down its stride of KernelHeight·C floats.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private readonly void BuildStrip(float* image, int ih0, int columns, float* strip)
        {
            int kh = G.KernelHeight, c = G.InputChannels, h = G.InputHeight, w = G.InputWidth, dh = G.DilationHeight;
            int lo = Math.Clamp(G.PadLeft, 0, columns), hi = Math.Clamp(w + G.PadLeft, lo, columns);
            nint column = (nint)kh * c;
            for (int r = 0; r < kh; r++)
            {
                int ih = ih0 + (r * dh);
                float* dst = strip + ((nint)r * c);
                if ((uint)ih >= (uint)h)
                {
                    for (int q = 0; q < columns; q++)
                        RowOps.Clear(dst + (q * column), c);
                    continue;
                }

                float* src = image + ((((nint)ih * w) + lo - G.PadLeft) * c);
                for (int q = 0; q < lo; q++)
                    RowOps.Clear(dst + (q * column), c);
                if (c == 1)
                {
                    for (int q = lo; q < hi; q++)
                        dst[q * column] = src[q - lo];
                }
                else
                {
                    for (int q = lo; q < hi; q++)
                        RowOps.Copy(src + ((nint)(q - lo) * c), dst + (q * column), c);
                }

                for (int q = hi; q < columns; q++)
                    RowOps.Clear(dst + (q * column), c);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int item)
        {
            int kh = G.KernelHeight, kw = G.KernelWidth, c = G.InputChannels, oc = G.OutputChannels, depth = G.GroupDepth;
            int h = G.InputHeight, w = G.InputWidth, sw = G.StrideWidth, ow = G.OutputWidth, oh = G.OutputHeight;
            int columns = ((ow - 1) * sw) + kw, column = kh * c;
            nint aStride = (nint)sw * column;

            // The strip (with room for the micro-kernel's full-panel reads past the last window), and a zero-padded
            // copy of a partial last dy panel when the filters are not a whole number of panels.
            bool packTail = oc % TK.Nr != 0;
            float* strip = ConvScratch.Get(ScratchSlot.Job, ((nint)columns * column) + TK.Mr + ((nint)ow * TK.Nr));
            float* tail = strip + ((nint)columns * column) + TK.Mr;
            RowOps.Clear(tail - TK.Mr, TK.Mr);
            float* partial = Partials + ((nint)item * G.KernelLength);
            new Span<float>(partial, G.KernelLength).Clear();

            int first = (int)((long)Rows * item / Slots), last = (int)((long)Rows * (item + 1) / Slots);
            for (int outputRow = first; outputRow < last; outputRow++)
            {
                int n = outputRow / oh, i = outputRow - (n * oh), ih0 = (i * G.StrideHeight) - G.PadTop;
                float* image = X + ((nint)n * h * w * c);
                BuildStrip(image, ih0, columns, strip);

                float* dyRow = Dy + ((nint)outputRow * ow * oc);
                for (int j = 0; j < oc; j += TK.Nr)
                {
                    int nr = Math.Min(TK.Nr, oc - j);
                    float* b = dyRow + j;
                    nint bStride = oc;
                    if (nr < TK.Nr && packTail)
                    {
                        for (int p = 0; p < ow; p++)
                        {
                            RowOps.Copy(dyRow + ((nint)p * oc) + j, tail + ((nint)p * TK.Nr), nr);
                            RowOps.Clear(tail + ((nint)p * TK.Nr) + nr, TK.Nr - nr);
                        }

                        b = tail;
                        bStride = TK.Nr;
                    }

                    for (int m = 0; m < depth; m += TK.Mr)
                    {
                        int mr = Math.Min(TK.Mr, depth - m);
                        float* tile = partial + ((nint)m * oc) + j;
                        if (mr == TK.Mr && nr == TK.Nr)
                            TK.Run(ow, strip + m, aStride, b, bStride, tile, oc, accumulate: true);
                        else
                            TK.RunEdge(ow, strip + m, aStride, b, bStride, tile, oc, accumulate: true, mr, nr);
                    }
                }
            }
        }
    }
}
