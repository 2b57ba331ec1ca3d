using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

internal static unsafe partial class Convolution
{
    // The weight gradient from the pooled gradient (see PooledWeightGradient), slot by slot: one output channel's
    // kernel rows at a time, or eight filters' whole kernels at a time for few input channels.
    private struct PooledWeightGradientWork : IWorkItems
    {
        public Conv2DGeometry G;
        public Pool2DGeometry Pool;
        public float* X, Gz, Partials;
        public int* Argmax;
        public int Slots;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int item)
        {
            int oc = G.OutputChannels, depth = G.GroupDepth, kernelRow = G.KernelWidth * G.InputChannels;
            var image = new PooledImage(in G, in Pool);
            int windows = image.Windows;
            int first = (int)((long)G.Batch * item / Slots), last = (int)((long)G.Batch * (item + 1) / Slots);
            float* dwT = Partials + ((nint)item * G.KernelLength);

            // Job scratch: for eight channels at a time, their windows' argmax offsets into the padded image.
            float* xPadded = image.WeightGradientScratch(out int* windowOffsets, out int* offsets, out float* gzGroup);
            int* placeOffsets = stackalloc int[8];
            image.Offsets(in G, in Pool, windowOffsets, placeOffsets);
            Vector256<int> placeOffset = Vector256.Load(placeOffsets);
            for (int n = first; n < last; n++)
            {
                image.Fill(in G, X, n, xPadded);
                float* gz = Gz + ((nint)n * windows * oc);
                int* argmax = Argmax + ((nint)n * windows * oc);
                bool accumulate = n > first;
                for (int co0 = 0; co0 < oc; co0 += 8)
                {
                    image.GatherChannels(in G, in Pool, n, co0, argmax, gz, windowOffsets, placeOffset, offsets, gzGroup);
                    for (int lane = 0; lane < 8; lane++)
                        SumChannel(dwT + ((nint)(co0 + lane) * depth), offsets + lane, gzGroup + lane, windows, xPadded, image.RowPitch, kernelRow, accumulate);
                }
            }
        }

        // One output channel's kernel rows (+)= Σ_q gz[q] · the input at its window q's argmax, run by run.
        private readonly void SumChannel(float* dwT, int* offsets, float* gz, int windows, float* xPadded, nint rowPitch, int kernelRow, bool accumulate)
        {
            for (int kh = 0; kh < G.KernelHeight; kh++)
            {
                for (int start = 0; start < kernelRow;)
                {
                    int vectors = RunVectors(kernelRow, start);
                    float* sums = dwT + (kh * kernelRow) + start;
                    float* x = xPadded + (kh * rowPitch) + start;
                    if (vectors == PooledTileAvx2.MaxVectors)
                        PooledTileAvx2.SumWindows<GemmExtent12>(offsets, gz, 8, windows, x, sums, accumulate);
                    else if (vectors == 4)
                        PooledTileAvx2.SumWindows<GemmExtent4>(offsets, gz, 8, windows, x, sums, accumulate);
                    else
                        PooledTileAvx2.SumWindows<GemmExtent1>(offsets, gz, 8, windows, x, sums, accumulate);
                    start += vectors * 8;
                }
            }
        }
    }

    // The weight gradient of a convolution with few input channels (a whole kernel of at most 12 elements per filter):
    // eight filters at a time, every element of their kernels summed in registers over the slot's windows
    // (PooledTileAvx2.SumPlaces), straight into dw's layout.
    private struct PooledFewChannelsWeightGradientWork : IWorkItems
    {
        public Conv2DGeometry G;
        public Pool2DGeometry Pool;
        public float* X, Gz, Partials;
        public int* Argmax;
        public int Slots;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int item)
        {
            int c = G.InputChannels, oc = G.OutputChannels, depth = G.GroupDepth;
            var image = new PooledImage(in G, in Pool);
            int windows = image.Windows;
            int first = (int)((long)G.Batch * item / Slots), last = (int)((long)G.Batch * (item + 1) / Slots);
            float* dw = Partials + ((nint)item * G.KernelLength);

            // Job scratch: for eight filters at a time, their windows' argmax places.
            float* xPadded = image.WeightGradientScratch(out int* windowOffsets, out int* places, out float* gzGroup);
            int* placeOffsets = stackalloc int[8];
            int* taps = stackalloc int[PooledTileAvx2.MaxVectors];
            image.Offsets(in G, in Pool, windowOffsets, placeOffsets);
            for (int i = 0; i < PooledTileAvx2.MaxVectors; i++)
            {
                int tap = i / c, kh = tap / G.KernelWidth, kw = tap - (kh * G.KernelWidth);
                taps[i] = i < depth ? (int)((kh * image.RowPitch) + ((nint)kw * c) + (i - (tap * c))) : 0;
            }

            for (int n = first; n < last; n++)
            {
                image.Fill(in G, X, n, xPadded);
                float* gz = Gz + ((nint)n * windows * oc);
                int* argmax = Argmax + ((nint)n * windows * oc);
                bool accumulate = n > first;
                for (int co0 = 0; co0 < oc; co0 += 8)
                {
                    image.GatherChannels(in G, in Pool, n, co0, argmax, gz, null, default, places, gzGroup);
                    if (depth == 9)
                        PooledTileAvx2.SumPlaces<GemmExtent9>(places, gzGroup, windowOffsets, windows, placeOffsets, image.Positions, taps, depth, xPadded, dw + co0, oc, accumulate);
                    else
                        PooledTileAvx2.SumPlaces<GemmExtent12>(places, gzGroup, windowOffsets, windows, placeOffsets, image.Positions, taps, depth, xPadded, dw + co0, oc, accumulate);
                }
            }
        }
    }
}
