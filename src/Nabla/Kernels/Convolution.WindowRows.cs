using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

internal static unsafe partial class Convolution
{
    // Implicit GEMM whose micro-kernel reads the windows in place (see WindowTileAvx2): the forward pass of a one-group
    // convolution on the AVX2 path, and on the AVX-512 path with a tile twice as wide (WindowTileAvx512: on a Xeon's
    // two cores W5's second layer ran at 235 GFLOP/s at batch 32 against 178 by im2col, 305 against 170 at batch 256).
    // The kernel is packed once into panels of the tile's width (16 or 32 channels, with the bias), as for Direct;
    // the output pixels are cut into blocks as for Im2Col, and each block, on its thread, points every pixel at its
    // window (WindowBlock: in the input itself when the convolution has no padding, else in a zero-padded copy of the
    // input rows the block needs, so no tap needs a bounds check). Then, panel by panel (the panel stays in L1), tiles
    // of six pixels run the micro-kernel. No im2col block is written and nothing is transposed: on W5's second layer,
    // im2col and GEMM's packing of it took 11% of batch-256 inference.
    private static bool WindowRowsApplies(in Conv2DGeometry g) =>
        g.Groups == 1 && (Gemm.ActivePath == GemmPath.Avx2 || Gemm.ActivePath == GemmPath.Avx512);

    // The tile's width on the active path: 32 channels (WindowTileAvx512) or 16 (WindowTileAvx2).
    private static int WindowColumns => Gemm.ActivePath == GemmPath.Avx512 ? WindowTileAvx512.Columns : WindowTileAvx2.Columns;

    private static void WindowRowsForward(in Conv2DGeometry g, float* x, float* w, float* bias, float* y, IRowEpilogue? epilogue, IOutputSink? sink)
    {
        int columns = WindowColumns;
        nint floats = WindowPanels(in g, columns) * WindowPanelFloats(in g, bias != null, columns);
        delegate*<in Conv2DGeometry, float*, float*, float*, void> pack =
            columns == WindowTileAvx512.Columns ? &PackKernel<GemmMicroKernelAvx512> : &PackKernel<GemmMicroKernelAvx2>;
        float* packed = PackedKernelCache.Packed(in g, w, bias, floats, pack);
        RunWindowRows(in g, x, packed, bias != null, columns, y, epilogue, sink, accumulate: false);
    }

    // Pixels per tile, the same for both tiles.
    private const int WindowTileRows = WindowTileAvx2.Rows;

    // The kernel's panels of 'columns' channels for the window kernel: how many, and the floats of each (GroupDepth k
    // steps, then the bias if any), PackKernel's layout.
    private static int WindowPanels(in Conv2DGeometry g, int columns) => ((g.OutputChannels - 1) / columns) + 1;

    private static nint WindowPanelFloats(in Conv2DGeometry g, bool withBias, int columns) => (nint)(g.GroupDepth + (withBias ? 1 : 0)) * columns;

    // The forward pass of g with the kernel packed in WindowPanels panels of WindowPanelFloats floats, for the tile
    // 'columns' channels wide.
    private static void RunWindowRows(in Conv2DGeometry g, float* x, float* packed, bool withBias, int columns, float* y, IRowEpilogue? epilogue,
        IOutputSink? sink, bool accumulate)
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
                RunWindowRows(in g, x, packed, withBias, columns, whole, epilogue, null, accumulate);
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
            Columns = columns,
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

        // The tile's width: WindowTileAvx512.Columns or WindowTileAvx2.Columns.
        public int Columns;

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
            var windows = WindowBlock.Prepare(in G, X, StripWidth, p0, count, WindowTileRows);
            int tiles = ((count - 1) / WindowTileRows) + 1;
            bool wide = Columns == WindowTileAvx512.Columns;

            float* y = Sink is null ? Y + ((nint)p0 * oc) : ConvScratch.Get(ScratchSlot.Output, (nint)count * oc);
            nint panelFloats = WindowPanelFloats(in G, WithBias, Columns);
            for (int panel = 0, panels = WindowPanels(in G, Columns); panel < panels; panel++)
            {
                float* b = Packed + (panel * panelFloats);
                float* bias = WithBias ? b + ((nint)G.GroupDepth * Columns) : null;
                int j = panel * Columns, columns = Math.Min(Columns, oc - j);
                for (int t = 0; t < tiles; t++)
                {
                    int r = t * WindowTileRows, rows = Math.Min(WindowTileRows, count - r);
                    float* c = y + ((nint)r * oc) + j;
                    if (wide)
                        WindowTileAvx512.Run(windows.Pixels + r, windows.Offsets, windows.Runs, windows.Length, b, bias, c, oc, rows, columns, Accumulate, Relu);
                    else
                        WindowTileAvx2.Run(windows.Pixels + r, windows.Offsets, windows.Runs, windows.Length, b, bias, c, oc, rows, columns, Accumulate, Relu);
                }
            }

            Epilogue?.Apply(new Span<float>(y, count * oc), oc);
            Sink?.Consume(y, p0 / ow, count / ow);
        }
    }
}
