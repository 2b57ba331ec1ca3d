namespace Nabla.Kernels;

internal static unsafe partial class Convolution
{
    /// <summary>
    /// Where the windows of one block of output pixels lie, for the window-reading kernels (<see cref="WindowTileAvx2"/>):
    /// a pointer per pixel to its window's first tap, and the offsets of the window's runs from it.
    /// </summary>
    /// <remarks>
    /// A window is <see cref="Runs"/> runs of <see cref="Length"/> contiguous floats: one per kernel row when the kernel's
    /// columns are adjacent (no column dilation: a channels-last row holds a kernel row's taps one after the other), else
    /// one per tap. Without padding the windows are read from x itself; with it, the input rows each image of the block
    /// needs (top and bottom padding included, as zero rows) are first copied into consecutive strip rows of
    /// <see cref="StripWidth(in Conv2DGeometry)"/> pixels, from column −PadLeft on, zero outside the input, so that tap
    /// row kh of any window is kh·DilationHeight strip rows below its first. Everything lives in the calling thread's
    /// <see cref="ScratchSlot.Job"/> buffer until its next use.
    /// </remarks>
    private readonly struct WindowBlock
    {
        /// <summary>Pointer per pixel of the block, then copies of the first up to a whole number of tiles.</summary>
        public readonly float** Pixels;

        /// <summary>Where each run starts, from a pixel's pointer.</summary>
        public readonly nint* Offsets;

        /// <summary>Runs per window.</summary>
        public readonly int Runs;

        /// <summary>Floats per run.</summary>
        public readonly nint Length;

        private WindowBlock(float** pixels, nint* offsets, int runs, nint length)
        {
            Pixels = pixels;
            Offsets = offsets;
            Runs = runs;
            Length = length;
        }

        /// <summary>Pixels per row of a padded strip; 0 when the convolution has no padding and the windows are read from x.</summary>
        public static int StripWidth(in Conv2DGeometry g) =>
            g.PadTop > 0 || g.PadLeft > 0 || g.PadBottom > 0 || g.PadRight > 0
                ? ((g.OutputWidth - 1) * g.StrideWidth) + ReachWidth(in g) + 1
                : 0;

        /// <summary>The windows of output pixels [p0, p0 + count), with pointers up to a multiple of <paramref name="tile"/> pixels.</summary>
        public static WindowBlock Prepare(in Conv2DGeometry g, float* x, int stripWidth, int p0, int count, int tile)
        {
            int ow = g.OutputWidth, c = g.InputChannels;
            int firstRow = p0 / ow, rowCount = ((p0 + count - 1) / ow) - firstRow + 1;
            int pointers = (((count - 1) / tile) + 1) * tile;
            bool joined = g.DilationWidth == 1;
            int runs = joined ? g.KernelHeight : g.KernelHeight * g.KernelWidth;

            // Job scratch: the strips (at most, per image, its output rows' input rows and the kernel's reach below the
            // last), then the pixel pointers, then the run offsets.
            nint stripArea = ((rowCount * ((nint)(g.StrideHeight + ReachHeight(in g) + 1) * stripWidth * c)) + 15) & ~15;
            float* scratch = ConvScratch.Get(ScratchSlot.Job, stripArea + (((nint)pointers + runs) * (sizeof(nint) / sizeof(float))));
            var block = new WindowBlock((float**)(scratch + stripArea), (nint*)(scratch + stripArea) + pointers, runs, joined ? (nint)g.KernelWidth * c : c);
            nint rowPitch = block.PointPixels(in g, x, stripWidth, scratch, firstRow, rowCount, p0, count);
            for (int i = count; i < pointers; i++)
                block.Pixels[i] = block.Pixels[0];
            nint tapRows = (nint)g.DilationHeight * rowPitch;
            for (int kh = 0, s = 0; kh < g.KernelHeight; kh++)
            {
                if (joined)
                {
                    block.Offsets[s++] = kh * tapRows;
                    continue;
                }

                for (int kw = 0; kw < g.KernelWidth; kw++)
                    block.Offsets[s++] = (kh * tapRows) + ((nint)kw * g.DilationWidth * c);
            }

            return block;
        }

        // Points Pixels[i] at the first tap of pixel p0 + i's window, filling the strips first when there are any;
        // returns the floats between input rows.
        private nint PointPixels(in Conv2DGeometry g, float* x, int stripWidth, float* strips, int firstRow, int rowCount, int p0, int count)
        {
            int ow = g.OutputWidth, oh = g.OutputHeight, c = g.InputChannels, h = g.InputHeight, w = g.InputWidth, sh = g.StrideHeight;
            int padTop = stripWidth > 0 ? g.PadTop : 0, reach = ReachHeight(in g);
            nint pixelStep = (nint)g.StrideWidth * c, rowPitch = (nint)(stripWidth > 0 ? stripWidth : w) * c;
            for (int row = firstRow, i = 0; row < firstRow + rowCount;)
            {
                // The block's output rows in image n: [row, last].
                int n = row / oh, last = Math.Min(firstRow + rowCount, (n + 1) * oh) - 1;
                int ihFirst = ((row - (n * oh)) * sh) - padTop, ihLast = ((last - (n * oh)) * sh) - padTop + reach;

                // Input row ih of image n lies at image + ih·rowPitch.
                float* image;
                if (stripWidth > 0)
                {
                    for (int ih = ihFirst; ih <= ihLast; ih++)
                        FillStripRow(in g, x, stripWidth, n, ih, strips + ((ih - ihFirst) * rowPitch));
                    image = strips - (ihFirst * rowPitch);
                    strips += (ihLast - ihFirst + 1) * rowPitch;
                }
                else
                {
                    image = x + ((nint)n * h * w * c);
                }

                for (; i < count && (p0 + i) / ow <= last; i++)
                {
                    int p = p0 + i, outputRow = p / ow;
                    Pixels[i] = image + ((((outputRow - (n * oh)) * sh) - padTop) * rowPitch) + ((p - (outputRow * ow)) * pixelStep);
                }

                row = last + 1;
            }

            return rowPitch;
        }

        // dst[j, :] = x[n, ih, j − PadLeft, :] for j in [0, stripWidth), zero where the column or the row is outside the input.
        internal static void FillStripRow(in Conv2DGeometry g, float* x, int stripWidth, int n, int ih, float* dst)
        {
            int c = g.InputChannels, w = g.InputWidth, left = g.PadLeft;
            nint width = stripWidth;
            if ((uint)ih >= (uint)g.InputHeight)
            {
                RowOps.Clear(dst, width * c);
                return;
            }

            int from = Math.Min(left, stripWidth), to = (int)Math.Min(width, (nint)left + w);
            RowOps.Clear(dst, (nint)from * c);
            if (to > from)
            {
                float* src = x + ((((((nint)n * g.InputHeight) + ih) * w) + (from - left)) * c);
                RowOps.Copy(src, dst + ((nint)from * c), (nint)(to - from) * c);
            }

            RowOps.Clear(dst + ((nint)Math.Max(from, to) * c), (width - Math.Max(from, to)) * c);
        }
    }
}
