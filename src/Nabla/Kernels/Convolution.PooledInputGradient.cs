using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

internal static unsafe partial class Convolution
{
    // The input gradient from the pooled gradient (see PooledInputGradient), image by image.
    private struct PooledInputGradientWork : IWorkItems
    {
        public Conv2DGeometry G;
        public Pool2DGeometry Pool;
        public float* Gz, WT, Dx;
        public int* Argmax;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int item)
        {
            int oc = G.OutputChannels, depth = G.GroupDepth, kernelRow = G.KernelWidth * G.InputChannels;
            var image = new PooledImage(in G, in Pool);
            int windows = image.Windows, positions = image.Positions;

            // Job scratch: dx of the image with its padding, then per window its channels grouped by argmax position
            // (order), where each group starts (starts, positions + 1 per window), and where the window lies.
            float* dxPadded = ConvScratch.Get(ScratchSlot.Job, image.AlignedFloats + ((nint)windows * (oc + positions + 2)) + 8);
            int* order = (int*)(dxPadded + image.AlignedFloats);
            int* starts = order + ((nint)windows * oc) + 8;
            int* windowOffsets = starts + ((nint)windows * (positions + 1));
            int* placeOffsets = stackalloc int[8];
            image.Offsets(in G, in Pool, windowOffsets, placeOffsets);
            RowOps.Clear(dxPadded, image.Floats);
            float* gz = Gz + ((nint)item * windows * oc);
            int* argmax = Argmax + ((nint)item * windows * oc);
            GroupChannels(item, argmax, order, starts);

            for (int kh = 0; kh < G.KernelHeight; kh++)
            {
                for (int start = 0; start < kernelRow;)
                {
                    int vectors = RunVectors(kernelRow, start);
                    float* w = WT + (kh * kernelRow) + start;
                    float* row = dxPadded + (kh * image.RowPitch) + start;
                    for (int q = 0; q < windows; q++)
                    {
                        int* groups = starts + (q * (positions + 1));
                        for (int j = 0; j < positions; j++)
                        {
                            int count = groups[j + 1] - groups[j];
                            if (count == 0)
                                continue;
                            float* dst = row + windowOffsets[q] + placeOffsets[j];
                            int* channels = order + (q * oc) + groups[j];
                            float* windowGz = gz + (q * oc);
                            if (vectors == PooledTileAvx2.MaxVectors)
                                PooledTileAvx2.AddChannels<GemmExtent12>(channels, count, windowGz, w, depth, dst);
                            else if (vectors == 4)
                                PooledTileAvx2.AddChannels<GemmExtent4>(channels, count, windowGz, w, depth, dst);
                            else
                                PooledTileAvx2.AddChannels<GemmExtent1>(channels, count, windowGz, w, depth, dst);
                        }
                    }

                    start += vectors * 8;
                }
            }

            WriteOut(item, dxPadded, in image);
        }

        // Each window's channels grouped by the place of their argmax in the window, in channel order within a group.
        private readonly void GroupChannels(int n, int* argmax, int* order, int* starts)
        {
            int oc = G.OutputChannels, positions = Pool.PoolHeight * Pool.PoolWidth;
            var places = stackalloc Vector256<int>[MaxPooledChannels / 8];
            for (int q = 0, windows = Pool.OutputHeight * Pool.OutputWidth; q < windows; q++)
            {
                int ph = q / Pool.OutputWidth, pw = q - (ph * Pool.OutputWidth);
                int first = WindowFirst(in G, in Pool, n, ph, pw);
                for (int co = 0; co < oc; co += 8)
                    places[co / 8] = WindowPlaces(in G, in Pool, argmax + (q * oc) + co, first, n, ph, pw, co);

                int* groups = starts + (q * (positions + 1)), windowOrder = order + (q * oc);
                int packed = 0;
                for (int j = 0; j < positions; j++)
                {
                    groups[j] = packed;
                    for (int co = 0; co < oc; co += 8)
                        packed += PooledTileAvx2.Pack(places[co / 8], j, co, windowOrder + packed);
                }

                groups[positions] = packed;
            }
        }

        // dx[n, ih, iw, :] = the padded copy at (ih + PadTop, iw + PadLeft), zero where the copy does not reach.
        private readonly void WriteOut(int n, float* dxPadded, in PooledImage image)
        {
            nint rowPitch = image.RowPitch;
            int paddedHeight = image.Height, paddedWidth = image.Width;
            int c = G.InputChannels, width = G.InputWidth;
            nint imageRow = (nint)width * c;
            int from = Math.Min(width, Math.Max(0, -G.PadLeft)), to = Math.Clamp(paddedWidth - G.PadLeft, from, width);
            for (int ih = 0; ih < G.InputHeight; ih++)
            {
                float* dst = Dx + ((((nint)n * G.InputHeight) + ih) * imageRow);
                int row = ih + G.PadTop;
                if ((uint)row >= (uint)paddedHeight || to == from)
                {
                    RowOps.Clear(dst, imageRow);
                    continue;
                }

                RowOps.Clear(dst, (nint)from * c);
                RowOps.Copy(dxPadded + (row * rowPitch) + ((nint)(from + G.PadLeft) * c), dst + ((nint)from * c), (nint)(to - from) * c);
                RowOps.Clear(dst + ((nint)to * c), (nint)(width - to) * c);
            }
        }
    }
}
