using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Kernels;

internal static unsafe partial class Convolution
{
    /// <summary>
    /// The zero-padded image the pooled gradients read (x) or add into (dx), and where each pooling window and each place
    /// in a window lies in it: row r of the copy is input row r − PadTop, column j input column j − PadLeft, so that
    /// output pixel (oh, ow)'s window starts at (oh, ow) and no tap needs a bounds check (stride 1, no dilation).
    /// </summary>
    private readonly struct PooledImage
    {
        /// <summary>Rows of the copy.</summary>
        public readonly int Height;

        /// <summary>Pixels per row of the copy.</summary>
        public readonly int Width;

        /// <summary>Floats between rows of the copy.</summary>
        public readonly nint RowPitch;

        /// <summary>Floats of the copy.</summary>
        public readonly nint Floats;

        /// <summary>Pooling windows per image.</summary>
        public readonly int Windows;

        /// <summary>Places (outputs) per window.</summary>
        public readonly int Positions;

        public PooledImage(in Conv2DGeometry g, in Pool2DGeometry pool)
        {
            Height = g.OutputHeight + g.KernelHeight - 1;
            Width = g.OutputWidth + g.KernelWidth - 1;
            RowPitch = (nint)Width * g.InputChannels;
            Floats = Height * RowPitch;
            Windows = pool.OutputHeight * pool.OutputWidth;
            Positions = pool.PoolHeight * pool.PoolWidth;
        }

        /// <summary>Floats of the copy rounded up to whole 64-byte lines: where what follows it in a scratch buffer starts.</summary>
        public nint AlignedFloats => (Floats + 15) & ~15;

        /// <summary>
        /// The job scratch of the weight gradients: the padded copy of an image (returned), then where each window lies in
        /// it (<paramref name="windowOffsets"/>, one int per window), then for eight channels at a time one int per window
        /// and channel (<paramref name="group"/>: argmax offsets or places, [windows, 8]) and their gradients
        /// (<paramref name="gzGroup"/>, [windows, 8]), small enough to stay in L1 while the eight channels' sums read them.
        /// </summary>
        public float* WeightGradientScratch(out int* windowOffsets, out int* group, out float* gzGroup)
        {
            float* xPadded = ConvScratch.Get(ScratchSlot.Job, AlignedFloats + (17 * (nint)Windows));
            windowOffsets = (int*)(xPadded + AlignedFloats);
            group = windowOffsets + Windows;
            gzGroup = (float*)(group + (8 * (nint)Windows));
            return xPadded;
        }

        /// <summary>Copies image <paramref name="n"/> of <paramref name="x"/> with its padding into <paramref name="dst"/>.</summary>
        public void Fill(in Conv2DGeometry g, float* x, int n, float* dst)
        {
            for (int row = 0; row < Height; row++)
                WindowBlock.FillStripRow(in g, x, Width, n, row - g.PadTop, dst + (row * RowPitch));
        }

        /// <summary>
        /// Where each window's first output's window starts in the copy (<paramref name="windowOffsets"/>, one per
        /// window) and where each place's starts from there (<paramref name="placeOffsets"/>, eight: those past the
        /// window's places 0).
        /// </summary>
        public void Offsets(in Conv2DGeometry g, in Pool2DGeometry pool, int* windowOffsets, int* placeOffsets)
        {
            int c = g.InputChannels;
            for (int q = 0; q < Windows; q++)
            {
                int ph = q / pool.OutputWidth, pw = q - (ph * pool.OutputWidth);
                windowOffsets[q] = (int)((ph * pool.PoolHeight * RowPitch) + ((nint)pw * pool.PoolWidth * c));
            }

            for (int j = 0; j < 8; j++)
                placeOffsets[j] = j < Positions ? (int)(((j / pool.PoolWidth) * RowPitch) + ((nint)(j % pool.PoolWidth) * c)) : 0;
        }

        /// <summary>
        /// For channels [co, co + 8) of image <paramref name="n"/>, per window: the places of their argmax (or, given
        /// <paramref name="windowOffsets"/>, where those places' windows start in the copy) into
        /// <paramref name="places"/>, and their gradients into <paramref name="gzGroup"/> ([Windows, 8] each).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void GatherChannels(in Conv2DGeometry g, in Pool2DGeometry pool, int n, int co, int* argmax, float* gz, int* windowOffsets,
            Vector256<int> placeOffset, int* places, float* gzGroup)
        {
            int oc = g.OutputChannels;
            for (int q = 0; q < Windows; q++)
            {
                int ph = q / pool.OutputWidth, pw = q - (ph * pool.OutputWidth);
                Vector256<int> place = WindowPlaces(in g, in pool, argmax + (q * oc) + co, WindowFirst(in g, in pool, n, ph, pw), n, ph, pw, co);
                if (windowOffsets != null)
                    place = Vector256.Create(windowOffsets[q]) + Avx2.PermuteVar8x32(placeOffset, place);
                place.Store(places + (q * 8));
                Vector256.Load(gz + (q * oc) + co).Store(gzGroup + (q * 8));
            }
        }
    }
}
