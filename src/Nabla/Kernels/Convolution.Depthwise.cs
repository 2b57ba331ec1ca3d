using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

internal static unsafe partial class Convolution
{
    // Pixels per block of the depthwise weight gradient (blocks are dealt into slots as for im2col).
    private const int DepthwiseBlockPixels = 256;

    // Depthwise: group c has one input channel and M = OutputChannels / InputChannels outputs, c·M + m, so
    // y[p, c·M + m] = Σ_taps x[tap(p), c] · w[tap, c·M + m]. A GEMM per group would be 1 deep; instead each tap is a
    // vector multiply-add across the channels (M = 1: x, w and y rows all contiguous in c) or, with a depth multiplier,
    // across the M outputs of each channel.
    private static void DepthwiseForward(in Conv2DGeometry g, float* x, float* w, float* bias, float* y, IRowEpilogue? epilogue)
    {
        int outputRows = g.Batch * g.OutputHeight;
        int rowsPerItem = Math.Max(1, DirectItemPixels / g.OutputWidth);
        int items = Blocks(outputRows, rowsPerItem);
        var work = new DepthwiseForwardWork { G = g, X = x, W = w, Bias = bias, Y = y, RowsPerItem = rowsPerItem, Width = VectorWidth.Current, Epilogue = epilogue };
        SpatialThreads.Run(items, SpatialThreads.PartsForFlops(g.Flops, items), ref work);
    }

    // One image per item: the scatter into dx stays within the image.
    private static void DepthwiseInputGradient(in Conv2DGeometry g, float* dy, float* w, float* dx, bool accumulate)
    {
        var work = new DepthwiseInputGradientWork { G = g, Dy = dy, W = w, Dx = dx, Accumulate = accumulate, Width = VectorWidth.Current };
        SpatialThreads.Run(g.Batch, SpatialThreads.PartsForFlops(g.Flops, g.Batch), ref work);
    }

    private static void DepthwiseWeightGradient(in Conv2DGeometry g, float* x, float* dy, float* dw, bool accumulate)
    {
        int blocks = Blocks(g.OutputPixels, DepthwiseBlockPixels);
        int slots = Slots(blocks, g.KernelLength);
        var work = new DepthwiseWeightGradientWork
        {
            G = g,
            X = x,
            Dy = dy,
            Blocks = blocks,
            Slots = slots,
            Partials = slots == 1 ? dw : ConvScratch.Get(ScratchSlot.Call, (nint)slots * g.KernelLength),
            AccumulateFirst = slots == 1 && accumulate,
            Width = VectorWidth.Current,
        };
        SpatialThreads.Run(slots, SpatialThreads.PartsForFlops(g.Flops, slots), ref work);
        if (slots > 1)
            ReducePartials(work.Partials, slots, g.KernelLength, dw, accumulate);
    }

    // Offset in x of tap (kh, kw) of output pixel (n, oh, ow), or -1 when the tap is padding.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nint TapOffset(in Conv2DGeometry g, int n, int oh, int ow, int kh, int kw)
    {
        int ih = (oh * g.StrideHeight) - g.PadTop + (kh * g.DilationHeight);
        int iw = (ow * g.StrideWidth) - g.PadLeft + (kw * g.DilationWidth);
        if ((uint)ih >= (uint)g.InputHeight || (uint)iw >= (uint)g.InputWidth)
            return -1;
        return ((((nint)n * g.InputHeight) + ih) * g.InputWidth + iw) * g.InputChannels;
    }

    private struct DepthwiseForwardWork : IWorkItems
    {
        public Conv2DGeometry G;
        public float* X, W, Bias, Y;
        public int RowsPerItem;
        public VectorWidth Width;
        public IRowEpilogue? Epilogue;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int item)
        {
            int c = G.InputChannels, oc = G.OutputChannels, m = G.GroupOutputChannels;
            int firstRow = item * RowsPerItem, lastRow = Math.Min(firstRow + RowsPerItem, G.Batch * G.OutputHeight);
            for (int outputRow = firstRow; outputRow < lastRow; outputRow++)
            {
                int n = outputRow / G.OutputHeight, oh = outputRow - (n * G.OutputHeight);
                for (int ow = 0; ow < G.OutputWidth; ow++)
                {
                    float* y = Y + ((((nint)outputRow * G.OutputWidth) + ow) * oc);
                    if (Bias != null)
                        RowOps.Copy(Bias, y, oc);
                    else
                        RowOps.Clear(y, oc);
                    for (int kh = 0; kh < G.KernelHeight; kh++)
                    {
                        for (int kw = 0; kw < G.KernelWidth; kw++)
                        {
                            nint offset = TapOffset(in G, n, oh, ow, kh, kw);
                            if (offset < 0)
                                continue;
                            float* x = X + offset, w = W + ((((nint)kh * G.KernelWidth) + kw) * oc);
                            if (m == 1)
                            {
                                RowOps.AddProduct(y, x, w, c, Width);
                                continue;
                            }

                            for (int ic = 0; ic < c; ic++)
                                RowOps.AddScaled(y + ((nint)ic * m), x[ic], w + ((nint)ic * m), m, Width);
                        }
                    }
                }

                Epilogue?.Apply(new Span<float>(Y + ((nint)outputRow * G.OutputWidth * oc), G.OutputWidth * oc), oc);
            }
        }
    }

    private struct DepthwiseInputGradientWork : IWorkItems
    {
        public Conv2DGeometry G;
        public float* Dy, W, Dx;
        public bool Accumulate;
        public VectorWidth Width;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int item)
        {
            int c = G.InputChannels, oc = G.OutputChannels, m = G.GroupOutputChannels;
            int imageLength = G.InputHeight * G.InputWidth * c;
            if (!Accumulate)
                new Span<float>(Dx + ((nint)item * imageLength), imageLength).Clear();
            for (int oh = 0; oh < G.OutputHeight; oh++)
            {
                for (int ow = 0; ow < G.OutputWidth; ow++)
                {
                    float* dy = Dy + (((((nint)item * G.OutputHeight) + oh) * G.OutputWidth + ow) * oc);
                    for (int kh = 0; kh < G.KernelHeight; kh++)
                    {
                        for (int kw = 0; kw < G.KernelWidth; kw++)
                        {
                            nint offset = TapOffset(in G, item, oh, ow, kh, kw);
                            if (offset < 0)
                                continue;
                            float* dx = Dx + offset, w = W + ((((nint)kh * G.KernelWidth) + kw) * oc);
                            if (m == 1)
                            {
                                RowOps.AddProduct(dx, dy, w, c, Width);
                                continue;
                            }

                            for (int ic = 0; ic < c; ic++)
                                dx[ic] += RowOps.Dot(dy + ((nint)ic * m), w + ((nint)ic * m), m, Width);
                        }
                    }
                }
            }
        }
    }

    private struct DepthwiseWeightGradientWork : IWorkItems
    {
        public Conv2DGeometry G;
        public float* X, Dy, Partials;
        public int Blocks, Slots;
        public bool AccumulateFirst;
        public VectorWidth Width;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int item)
        {
            int c = G.InputChannels, oc = G.OutputChannels, m = G.GroupOutputChannels;
            int first = (int)Math.Min((long)Blocks * item / Slots * DepthwiseBlockPixels, G.OutputPixels);
            int last = (int)Math.Min((long)Blocks * (item + 1) / Slots * DepthwiseBlockPixels, G.OutputPixels);
            float* dw = Partials + ((nint)item * G.KernelLength);
            if (!AccumulateFirst)
                new Span<float>(dw, G.KernelLength).Clear();
            var walk = new PixelWalk(in G, first);
            for (int p = first; p < last; p++, walk.Next())
            {
                float* dy = Dy + ((nint)p * oc);
                for (int kh = 0; kh < G.KernelHeight; kh++)
                {
                    for (int kw = 0; kw < G.KernelWidth; kw++)
                    {
                        nint offset = TapOffset(in G, walk.N, walk.Oh, walk.Ow, kh, kw);
                        if (offset < 0)
                            continue;
                        float* x = X + offset, tap = dw + ((((nint)kh * G.KernelWidth) + kw) * oc);
                        if (m == 1)
                        {
                            RowOps.AddProduct(tap, x, dy, c, Width);
                            continue;
                        }

                        for (int ic = 0; ic < c; ic++)
                            RowOps.AddScaled(tap + ((nint)ic * m), x[ic], dy + ((nint)ic * m), m, Width);
                    }
                }
            }
        }
    }
}
