using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

internal static unsafe partial class Convolution
{
    // Output pixels of one register block of the single-channel kernel.
    private const int SingleChannelPixels = 6;

    // What a flop of the single-channel kernel, with the epilogue and pooling fused into it, weighs against the
    // threading threshold, which is in flops of the GEMM kernels: it runs at about 40% of their rate (44 GFLOP/s
    // against 90-95 on one Zen 3 core), so W5's first layer at batch 1 (0.45 MFLOP, about 15 µs) is worth two threads.
    private const double SingleChannelFlopWeight = 2.5;

    // A grayscale image's first layer (one input channel, one group). Each output row's input rows are first copied
    // into a zero-padded strip (KernelHeight rows, wide enough for every tap of every block), so no tap needs a bounds
    // check; then blocks of 6 output pixels by two vectors of channels are summed in 12 registers: per tap two weight
    // loads, six broadcasts of input values and twelve FMAs, then one store per pixel and vector. Direct's gather of
    // 9-deep windows into a panel left the micro-kernel little to do per tile. Taps are summed in (kh, kw) order from
    // zero and the bias added last, Direct's order; taps in the padding add a zero.
    private static bool SingleChannelApplies(in Conv2DGeometry g) => g.Groups == 1 && g.InputChannels == 1;

    private static void SingleChannelForward(in Conv2DGeometry g, float* x, float* w, float* bias, float* y, IRowEpilogue? epilogue, IOutputSink? sink)
    {
        int outputRows = g.Batch * g.OutputHeight;
        int rowsPerItem = Math.Max(1, Math.Min(DirectItemPixels / g.OutputWidth, outputRows / MinForwardBlocks));
        if (sink is not null)
            rowsPerItem = Math.Max(sink.RowMultiple, rowsPerItem / sink.RowMultiple * sink.RowMultiple);
        int items = Blocks(outputRows, rowsPerItem);
        int blocks = Blocks(g.OutputWidth, SingleChannelPixels);
        int stripWidth = (blocks * SingleChannelPixels * g.StrideWidth) + ((g.KernelWidth - 1) * g.DilationWidth) + 1;
        bool relu = epilogue is { IsRelu: true };   // applied as the sums are stored, not as a pass after
        var work = new SingleChannelForwardWork
        {
            G = g,
            X = x,
            W = w,
            Bias = bias,
            Y = y,
            RowsPerItem = rowsPerItem,
            StripWidth = stripWidth,
            Width = VectorWidth.Current,
            Epilogue = relu ? null : epilogue,
            Relu = relu,
            Sink = sink,
        };
        SpatialThreads.Run(items, SpatialThreads.PartsForFlops(g.Flops * SingleChannelFlopWeight, items), ref work);
    }

    private struct SingleChannelForwardWork : IWorkItems
    {
        public Conv2DGeometry G;
        public float* X, W, Bias, Y;
        public int RowsPerItem, StripWidth;
        public VectorWidth Width;

        // ReLU is applied to the sums as they are stored (the same bits as the epilogue's pass over the row after).
        public bool Relu;
        public IRowEpilogue? Epilogue;
        public IOutputSink? Sink;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int item)
        {
            int ow = G.OutputWidth, oc = G.OutputChannels;
            int firstRow = item * RowsPerItem, lastRow = Math.Min(firstRow + RowsPerItem, G.Batch * G.OutputHeight);
            float* strip = ConvScratch.Get(ScratchSlot.Job, (nint)G.KernelHeight * StripWidth);

            // With a sink, the item's rows go to a block of their own, handed over at the end.
            float* block = Sink is null ? null : ConvScratch.Get(ScratchSlot.Output, (nint)(lastRow - firstRow) * ow * oc);
            for (int outputRow = firstRow; outputRow < lastRow; outputRow++)
            {
                int n = outputRow / G.OutputHeight, oh = outputRow - (n * G.OutputHeight);
                FillStrip(n, oh, strip);
                float* row = block == null ? Y + ((nint)outputRow * ow * oc) : block + ((nint)(outputRow - firstRow) * ow * oc);
                int c = 0;
                if (Width.Use512)
                    c = Channels<Lanes512>(strip, row, c);
                if (Width.Use256)
                    c = Channels<Lanes256>(strip, row, c);
                Channels<Lane1>(strip, row, c);
                Epilogue?.Apply(new Span<float>(row, ow * oc), oc);
            }

            Sink?.Consume(block, firstRow, lastRow - firstRow);
        }

        // strip[kh, j] = x[n, ih, j − PadLeft] for the input row ih of tap row kh, 0 outside the input. Cleared with
        // RowOps, not Span.Clear: with the framework's precompiled clear, W5's first layer ran at 26-28 GFLOP/s on one
        // core of a Xeon (AVX-512) against 58-71 (and 67-75 with the whole framework compiled at run time).
        private readonly void FillStrip(int n, int oh, float* strip)
        {
            int w = G.InputWidth, left = G.PadLeft, width = StripWidth;
            for (int kh = 0; kh < G.KernelHeight; kh++, strip += width)
            {
                int ih = (oh * G.StrideHeight) + (kh * G.DilationHeight) - G.PadTop;
                RowOps.Clear(strip, width);
                if ((uint)ih < (uint)G.InputHeight)
                {
                    int from = Math.Max(0, -left), count = Math.Min(w, width - left) - from;
                    if (count > 0)
                        RowOps.Copy(X + ((((nint)n * G.InputHeight) + ih) * w) + from, strip + left + from, count);
                }
            }
        }

        // Channels [c, …) of one output row, two vectors of T at a time then one; returns the first channel left.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private readonly int Channels<T>(float* strip, float* row, int c)
            where T : struct, ILanes<T>
        {
            int ow = G.OutputWidth, oc = G.OutputChannels;
            for (; c <= oc - (2 * T.Count); c += 2 * T.Count)
            {
                for (int o = 0; o < ow; o += SingleChannelPixels)
                    Block2<T>(strip, row, o, c, Math.Min(SingleChannelPixels, ow - o));
            }

            for (; c <= oc - T.Count; c += T.Count)
            {
                for (int o = 0; o < ow; o += SingleChannelPixels)
                    Block1<T>(strip, row, o, c, Math.Min(SingleChannelPixels, ow - o));
            }

            return c;
        }

        // Output pixels [o, o + count) of the row (count ≤ 6) at channels [c, c + 2·T.Count): twelve accumulators,
        // and per pixel one broadcast live at a time, so that with the two weight vectors they fit AVX2's sixteen
        // registers (keeping the six broadcasts live spilled three accumulators to the stack, a store-to-load
        // round trip in every tap). The strip is wide enough for all six pixels' taps; only count are stored.
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private readonly void Block2<T>(float* strip, float* row, int o, int c, int count)
            where T : struct, ILanes<T>
        {
            int oc = G.OutputChannels, kernelWidth = G.KernelWidth, width = StripWidth;
            nint s1 = G.StrideWidth, s2 = 2 * s1, s3 = 3 * s1, s4 = 4 * s1, s5 = 5 * s1, dw = G.DilationWidth;
            T a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
            T b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default;
            float* ws = W + c;
            for (int kh = 0; kh < G.KernelHeight; kh++)
            {
                float* xs = strip + ((nint)kh * width) + (o * s1);
                for (int kw = 0; kw < kernelWidth; kw++, xs += dw, ws += oc)
                {
                    T w0 = T.Load(ref *ws, 0), w1 = T.Load(ref *ws, (nuint)T.Count);
                    T x = T.Splat(xs[0]);
                    a0 = T.MultiplyAdd(x, w0, a0);
                    b0 = T.MultiplyAdd(x, w1, b0);
                    x = T.Splat(xs[s1]);
                    a1 = T.MultiplyAdd(x, w0, a1);
                    b1 = T.MultiplyAdd(x, w1, b1);
                    x = T.Splat(xs[s2]);
                    a2 = T.MultiplyAdd(x, w0, a2);
                    b2 = T.MultiplyAdd(x, w1, b2);
                    x = T.Splat(xs[s3]);
                    a3 = T.MultiplyAdd(x, w0, a3);
                    b3 = T.MultiplyAdd(x, w1, b3);
                    x = T.Splat(xs[s4]);
                    a4 = T.MultiplyAdd(x, w0, a4);
                    b4 = T.MultiplyAdd(x, w1, b4);
                    x = T.Splat(xs[s5]);
                    a5 = T.MultiplyAdd(x, w0, a5);
                    b5 = T.MultiplyAdd(x, w1, b5);
                }
            }

            float* y = row + ((nint)o * oc) + c;
            T bias0 = Bias != null ? T.Load(ref Bias[c], 0) : default, bias1 = Bias != null ? T.Load(ref Bias[c], (nuint)T.Count) : default;
            bool relu = Relu;
            Store(a0, bias0, y, 0, relu);
            Store(b0, bias1, y, T.Count, relu);
            if (count > 1)
            {
                Store(a1, bias0, y + oc, 0, relu);
                Store(b1, bias1, y + oc, T.Count, relu);
            }

            if (count > 2)
            {
                Store(a2, bias0, y + (2 * oc), 0, relu);
                Store(b2, bias1, y + (2 * oc), T.Count, relu);
            }

            if (count > 3)
            {
                Store(a3, bias0, y + (3 * oc), 0, relu);
                Store(b3, bias1, y + (3 * oc), T.Count, relu);
            }

            if (count > 4)
            {
                Store(a4, bias0, y + (4 * oc), 0, relu);
                Store(b4, bias1, y + (4 * oc), T.Count, relu);
            }

            if (count > 5)
            {
                Store(a5, bias0, y + (5 * oc), 0, relu);
                Store(b5, bias1, y + (5 * oc), T.Count, relu);
            }
        }

        // As Block2, one vector of channels [c, c + T.Count). Kept apart: one method for both widths, with the second
        // vector's work under a type-constant flag, ran W5's first layer at batch 32 in 265-312 µs against 164-176.
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private readonly void Block1<T>(float* strip, float* row, int o, int c, int count)
            where T : struct, ILanes<T>
        {
            int oc = G.OutputChannels, kernelWidth = G.KernelWidth, width = StripWidth;
            nint s1 = G.StrideWidth, s2 = 2 * s1, s3 = 3 * s1, s4 = 4 * s1, s5 = 5 * s1, dw = G.DilationWidth;
            T a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
            float* ws = W + c;
            for (int kh = 0; kh < G.KernelHeight; kh++)
            {
                float* xs = strip + ((nint)kh * width) + (o * s1);
                for (int kw = 0; kw < kernelWidth; kw++, xs += dw, ws += oc)
                {
                    T w0 = T.Load(ref *ws, 0);
                    a0 = T.MultiplyAdd(T.Splat(xs[0]), w0, a0);
                    a1 = T.MultiplyAdd(T.Splat(xs[s1]), w0, a1);
                    a2 = T.MultiplyAdd(T.Splat(xs[s2]), w0, a2);
                    a3 = T.MultiplyAdd(T.Splat(xs[s3]), w0, a3);
                    a4 = T.MultiplyAdd(T.Splat(xs[s4]), w0, a4);
                    a5 = T.MultiplyAdd(T.Splat(xs[s5]), w0, a5);
                }
            }

            float* y = row + ((nint)o * oc) + c;
            T bias0 = Bias != null ? T.Load(ref Bias[c], 0) : default;
            bool relu = Relu;
            Store(a0, bias0, y, 0, relu);
            if (count > 1)
                Store(a1, bias0, y + oc, 0, relu);
            if (count > 2)
                Store(a2, bias0, y + (2 * oc), 0, relu);
            if (count > 3)
                Store(a3, bias0, y + (3 * oc), 0, relu);
            if (count > 4)
                Store(a4, bias0, y + (4 * oc), 0, relu);
            if (count > 5)
                Store(a5, bias0, y + (5 * oc), 0, relu);
        }

        // y[at …] = sum + bias (a bias of zeros when there is none: the same bits as no addition), through ReLU when
        // it is fused: max(v, 0) with ReluOp's operands and semantics.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Store<T>(T sum, T bias, float* y, int at, bool relu)
            where T : struct, ILanes<T>
        {
            T v = sum + bias;
            T.Store(relu ? T.Max(v, T.Splat(0f)) : v, ref *y, (nuint)at);
        }
    }
}
