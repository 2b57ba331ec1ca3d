using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

internal static unsafe partial class Convolution
{
    // Implicit GEMM whose micro-kernel reads the windows in place (see WindowTileAvx2): the forward pass of a one-group
    // convolution on the AVX2 path. The kernel is packed once into 16-channel panels (with the bias), as for Direct;
    // the output pixels are cut into blocks as for Im2Col, and each block, on its thread, points every pixel at its
    // window: in the input itself when the convolution has no padding, else in a zero-padded copy of the kernel rows
    // of each output row the block touches (a few rows, so no tap needs a bounds check). Then, panel by panel (the
    // panel stays in L1), tiles of six pixels run the micro-kernel. No im2col block is written and nothing is
    // transposed: on W5's second layer, im2col and GEMM's packing of it took 11% of batch-256 inference.
    private static bool WindowRowsApplies(in Conv2DGeometry g) => g.Groups == 1 && Gemm.ActivePath == GemmPath.Avx2;

    private static void WindowRowsForward(in Conv2DGeometry g, float* x, float* w, float* bias, float* y, IRowEpilogue? epilogue, IOutputSink? sink)
    {
        int depth = g.GroupDepth + (bias != null ? 1 : 0), panels = ((g.OutputChannels - 1) / WindowTileAvx2.Columns) + 1;
        float* packed = ConvScratch.Get(ScratchSlot.Call, (nint)panels * depth * WindowTileAvx2.Columns);
        PackKernel<GemmMicroKernelAvx2>(in g, w, bias, packed);
        RunWindowRows(in g, x, packed, bias != null, y, epilogue, sink, accumulate: false);
    }

    // The forward pass of g with the kernel packed (16-channel panels of GroupDepth k steps, then the bias if any).
    private static void RunWindowRows(in Conv2DGeometry g, float* x, float* packed, bool withBias, float* y, IRowEpilogue? epilogue, IOutputSink? sink,
        bool accumulate)
    {
        int depth = g.GroupDepth + (withBias ? 1 : 0), panels = ((g.OutputChannels - 1) / WindowTileAvx2.Columns) + 1;
        bool padded = g.PadTop > 0 || g.PadLeft > 0 || g.PadBottom > 0 || g.PadRight > 0;
        int blockPixels = ForwardBlockPixels(in g);
        if (sink is not null)
            blockPixels = Math.Max(sink.RowMultiple, blockPixels / g.OutputWidth / sink.RowMultiple * sink.RowMultiple) * g.OutputWidth;
        int blocks = Blocks(g.OutputPixels, blockPixels);
        var work = new WindowRowsWork
        {
            G = g,
            X = x,
            Packed = packed,
            Depth = depth,
            WithBias = withBias,
            Accumulate = accumulate,
            Y = y,
            BlockPixels = blockPixels,
            Panels = panels,
            StripWidth = padded ? ((g.OutputWidth - 1) * g.StrideWidth) + ((g.KernelWidth - 1) * g.DilationWidth) + 1 : 0,
            Epilogue = epilogue,
            Sink = sink,
        };
        SpatialThreads.Run(blocks, SpatialThreads.PartsForFlops(g.Flops, blocks), ref work);
    }

    private struct WindowRowsWork : IWorkItems
    {
        public Conv2DGeometry G;
        public float* X, Packed, Y;
        public int Depth, BlockPixels, Panels;
        public bool WithBias, Accumulate;

        // Pixels per row of a padded strip; 0 when the windows are read from x itself.
        public int StripWidth;
        public IRowEpilogue? Epilogue;

        // With a sink, blocks are whole multiples of its rows, computed into a block of their own and handed over.
        public IOutputSink? Sink;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int item)
        {
            int p0 = item * BlockPixels, count = Math.Min(BlockPixels, G.OutputPixels - p0);
            int ow = G.OutputWidth, oc = G.OutputChannels, c = G.InputChannels;
            int firstRow = p0 / ow, rowCount = ((p0 + count - 1) / ow) - firstRow + 1;
            int tiles = ((count - 1) / WindowTileAvx2.Rows) + 1;

            // Runs: one per kernel row when its taps are adjacent (no column dilation), else one per tap.
            bool joined = G.DilationWidth == 1;
            int runs = joined ? G.KernelHeight : G.KernelHeight * G.KernelWidth;
            nint length = joined ? (nint)G.KernelWidth * c : c;
            // At most this many strip rows: per image, its output rows' input rows and the kernel's reach below the last.
            nint stripFloats = (nint)(G.StrideHeight + ((G.KernelHeight - 1) * G.DilationHeight) + 1) * StripWidth * c;

            // Job scratch: the strips, then the pixel pointers (whole tiles), then the run offsets.
            nint pointerFloats = (nint)tiles * WindowTileAvx2.Rows * (sizeof(nint) / sizeof(float));
            nint stripArea = ((rowCount * stripFloats) + 15) & ~15;
            float* scratch = ConvScratch.Get(ScratchSlot.Job, stripArea + pointerFloats + (runs * (sizeof(nint) / sizeof(float))));
            float** pixels = (float**)(scratch + stripArea);
            nint* offsets = (nint*)(pixels + ((nint)tiles * WindowTileAvx2.Rows));
            Prepare(scratch, firstRow, rowCount, p0, count, tiles, pixels, offsets, joined);

            float* y = Sink is null ? Y + ((nint)p0 * oc) : ConvScratch.Get(ScratchSlot.Output, (nint)count * oc);
            nint panelFloats = (nint)Depth * WindowTileAvx2.Columns;
            for (int panel = 0; panel < Panels; panel++)
            {
                float* b = Packed + (panel * panelFloats);
                float* bias = WithBias ? b + ((nint)G.GroupDepth * WindowTileAvx2.Columns) : null;
                int j = panel * WindowTileAvx2.Columns, columns = Math.Min(WindowTileAvx2.Columns, oc - j);
                for (int t = 0; t < tiles; t++)
                {
                    int r = t * WindowTileAvx2.Rows;
                    WindowTileAvx2.Run(pixels + r, offsets, runs, length, b, bias, y + ((nint)r * oc) + j, oc,
                        Math.Min(WindowTileAvx2.Rows, count - r), columns, Accumulate);
                }
            }

            Epilogue?.Apply(new Span<float>(y, count * oc), oc);
            Sink?.Consume(y, p0 / ow, count / ow);
        }

        // Points pixels[i] at the first tap of pixel p0 + i's window (pixels past the block at the block's first) and
        // sets the runs' offsets from it. Without padding the windows are read from x; with it, the input rows each image
        // of the block needs (top and bottom padding included, as zero rows) are first copied into consecutive strip
        // rows of StripWidth pixels, from column −PadLeft on, zero outside the input, so that tap row kh of any window
        // is kh·DilationHeight strip rows below its first.
        private readonly void Prepare(float* strips, int firstRow, int rowCount, int p0, int count, int tiles, float** pixels, nint* offsets, bool joined)
        {
            int ow = G.OutputWidth, oh = G.OutputHeight, c = G.InputChannels, h = G.InputHeight, w = G.InputWidth, sh = G.StrideHeight;
            int padTop = StripWidth > 0 ? G.PadTop : 0, reach = (G.KernelHeight - 1) * G.DilationHeight;
            nint pixelStep = (nint)G.StrideWidth * c, rowPitch = (nint)(StripWidth > 0 ? StripWidth : w) * c;
            for (int row = firstRow, i = 0; row < firstRow + rowCount;)
            {
                // The block's output rows in image n: [row, last].
                int n = row / oh, last = Math.Min(firstRow + rowCount, (n + 1) * oh) - 1;
                int ihFirst = ((row - (n * oh)) * sh) - padTop, ihLast = ((last - (n * oh)) * sh) - padTop + reach;

                // Input row ih of image n lies at image + ih·rowPitch.
                float* image;
                if (StripWidth > 0)
                {
                    for (int ih = ihFirst; ih <= ihLast; ih++)
                        FillStripRow(n, ih, strips + ((ih - ihFirst) * rowPitch));
                    image = strips - (ihFirst * rowPitch);
                    strips += (ihLast - ihFirst + 1) * rowPitch;
                }
                else
                {
                    image = X + ((nint)n * h * w * c);
                }

                for (; i < count && (p0 + i) / ow <= last; i++)
                {
                    int p = p0 + i, outputRow = p / ow;
                    pixels[i] = image + ((((outputRow - (n * oh)) * sh) - padTop) * rowPitch) + ((p - (outputRow * ow)) * pixelStep);
                }

                row = last + 1;
            }

            for (int i = count; i < tiles * WindowTileAvx2.Rows; i++)
                pixels[i] = pixels[0];
            nint tapRows = (nint)G.DilationHeight * rowPitch;
            for (int kh = 0, s = 0; kh < G.KernelHeight; kh++)
            {
                if (joined)
                {
                    offsets[s++] = kh * tapRows;
                    continue;
                }

                for (int kw = 0; kw < G.KernelWidth; kw++)
                    offsets[s++] = (kh * tapRows) + ((nint)kw * G.DilationWidth * c);
            }
        }

        // dst[j, :] = x[n, ih, j − PadLeft, :] for j in [0, StripWidth), zero where the column or the row is outside the input.
        private readonly void FillStripRow(int n, int ih, float* dst)
        {
            int c = G.InputChannels, w = G.InputWidth, left = G.PadLeft;
            nint width = StripWidth;
            if ((uint)ih >= (uint)G.InputHeight)
            {
                RowOps.Clear(dst, width * c);
                return;
            }

            int from = Math.Min(left, StripWidth), to = (int)Math.Min(width, (nint)left + w);
            RowOps.Clear(dst, (nint)from * c);
            if (to > from)
            {
                float* src = X + ((((((nint)n * G.InputHeight) + ih) * w) + (from - left)) * c);
                RowOps.Copy(src, dst + ((nint)from * c), (nint)(to - from) * c);
            }
            RowOps.Clear(dst + ((nint)Math.Max(from, to) * c), (width - Math.Max(from, to)) * c);
        }
    }
}
