using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

internal static unsafe partial class Convolution
{
    // Implicit GEMM whose micro-kernel reads the windows in place (see WindowTileAvx2): the forward pass of a one-group
    // convolution on the AVX2 path. The kernel is packed once into 16-channel panels (with the bias), as for Direct;
    // the output pixels are cut into blocks as for Im2Col, and each block, on its thread, points every pixel at its
    // window (WindowBlock: in the input itself when the convolution has no padding, else in a zero-padded copy of the
    // input rows the block needs, so no tap needs a bounds check). Then, panel by panel (the panel stays in L1), tiles
    // of six pixels run the micro-kernel. No im2col block is written and nothing is transposed: on W5's second layer,
    // im2col and GEMM's packing of it took 11% of batch-256 inference.
    private static bool WindowRowsApplies(in Conv2DGeometry g) => g.Groups == 1 && Gemm.ActivePath == GemmPath.Avx2;

    private static void WindowRowsForward(in Conv2DGeometry g, float* x, float* w, float* bias, float* y, IRowEpilogue? epilogue, IOutputSink? sink)
    {
        float* packed = PackedKernelCache.Packed(in g, w, bias, WindowPanels(in g) * WindowPanelFloats(in g, bias != null), &PackKernel<GemmMicroKernelAvx2>);
        RunWindowRows(in g, x, packed, bias != null, y, epilogue, sink, accumulate: false);
    }

    // The kernel's 16-channel panels for the window kernel: how many, and the floats of each (GroupDepth k steps, then
    // the bias if any), PackKernel's layout.
    private static int WindowPanels(in Conv2DGeometry g) => ((g.OutputChannels - 1) / WindowTileAvx2.Columns) + 1;

    private static nint WindowPanelFloats(in Conv2DGeometry g, bool withBias) => (nint)(g.GroupDepth + (withBias ? 1 : 0)) * WindowTileAvx2.Columns;

    // The forward pass of g with the kernel packed in WindowPanels panels of WindowPanelFloats floats.
    private static void RunWindowRows(in Conv2DGeometry g, float* x, float* packed, bool withBias, float* y, IRowEpilogue? epilogue, IOutputSink? sink,
        bool accumulate)
    {
        int blockPixels = ForwardBlockPixels(in g);
        if (sink is not null)
        {
            int sinkPixels = Math.Max(sink.RowMultiple, blockPixels / g.OutputWidth / sink.RowMultiple * sink.RowMultiple) * g.OutputWidth;
            if (Blocks(g.OutputPixels, sinkPixels) < MinForwardBlocks)
            {
                // Too few blocks of whole sink rows to share out evenly (W5's second layer at batch 1: seven blocks of
                // two rows, four against three on two threads). The output is then small enough to stay in cache: it is
                // computed in the usual blocks and handed to the sink whole. At batch 1 this took 4 µs off a 84 µs Predict.
                float* whole = ConvScratch.Get(ScratchSlot.Output, g.OutputLength);
                RunWindowRows(in g, x, packed, withBias, whole, epilogue, null, accumulate);
                sink.Consume(whole, 0, g.Batch * g.OutputHeight);
                return;
            }

            blockPixels = sinkPixels;
        }

        int blocks = Blocks(g.OutputPixels, blockPixels);
        bool relu = epilogue is { IsRelu: true } && !accumulate;   // applied as the tiles are stored, not as a pass after
        var work = new WindowRowsWork
        {
            G = g,
            X = x,
            Packed = packed,
            WithBias = withBias,
            Accumulate = accumulate,
            Y = y,
            BlockPixels = blockPixels,
            StripWidth = WindowBlock.StripWidth(in g),
            Epilogue = relu ? null : epilogue,
            Relu = relu,
            Sink = sink,
        };
        SpatialThreads.Run(blocks, SpatialThreads.PartsForFlops(g.Flops, blocks), ref work);
    }

    private struct WindowRowsWork : IWorkItems
    {
        public Conv2DGeometry G;
        public float* X, Packed, Y;
        public int BlockPixels;
        public bool WithBias, Accumulate;

        // Pixels per row of a padded strip; 0 when the windows are read from x itself.
        public int StripWidth;
        public IRowEpilogue? Epilogue;

        // ReLU is applied as the tiles are stored (the same bits as the epilogue's pass after).
        public bool Relu;

        // With a sink, blocks are whole multiples of its rows, computed into a block of their own and handed over.
        public IOutputSink? Sink;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int item)
        {
            int p0 = item * BlockPixels, count = Math.Min(BlockPixels, G.OutputPixels - p0);
            int ow = G.OutputWidth, oc = G.OutputChannels;
            var windows = WindowBlock.Prepare(in G, X, StripWidth, p0, count, WindowTileAvx2.Rows);
            int tiles = ((count - 1) / WindowTileAvx2.Rows) + 1;

            float* y = Sink is null ? Y + ((nint)p0 * oc) : ConvScratch.Get(ScratchSlot.Output, (nint)count * oc);
            nint panelFloats = WindowPanelFloats(in G, WithBias);
            for (int panel = 0, panels = WindowPanels(in G); panel < panels; panel++)
            {
                float* b = Packed + (panel * panelFloats);
                float* bias = WithBias ? b + ((nint)G.GroupDepth * WindowTileAvx2.Columns) : null;
                int j = panel * WindowTileAvx2.Columns, columns = Math.Min(WindowTileAvx2.Columns, oc - j);
                for (int t = 0; t < tiles; t++)
                {
                    int r = t * WindowTileAvx2.Rows;
                    WindowTileAvx2.Run(windows.Pixels + r, windows.Offsets, windows.Runs, windows.Length, b, bias, y + ((nint)r * oc) + j, oc,
                        Math.Min(WindowTileAvx2.Rows, count - r), columns, Accumulate, Relu);
                }
            }

            Epilogue?.Apply(new Span<float>(y, count * oc), oc);
            Sink?.Consume(y, p0 / ow, count / ow);
        }
    }
}
