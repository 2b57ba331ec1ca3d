using System.Diagnostics;

namespace Nabla.Kernels;

internal static unsafe partial class Convolution
{
    // The input gradient of a stride-1, one-group convolution is itself a convolution: dx = conv(dy, w′) with the kernel
    // flipped in both spatial axes and its channel axes swapped, w′[kh, kw, f, c] = w[KH−1−kh, KW−1−kw, c, f], the same
    // dilation, and the padding the forward pass left out: (KH−1)·dh − PadTop above (and likewise on each side). So it
    // runs as a WindowRows forward pass over dy, reading the windows of dy in place, instead of a GEMM into im2col
    // columns and a col2im that adds them back.
    private static bool WindowRowsInputGradientApplies(in Conv2DGeometry g) =>
        WindowRowsApplies(in g) && g.StrideHeight == 1 && g.StrideWidth == 1
        && g.PadTop <= ReachHeight(in g) && g.PadBottom <= ReachHeight(in g) && g.PadLeft <= ReachWidth(in g) && g.PadRight <= ReachWidth(in g);

    private static int ReachHeight(in Conv2DGeometry g) => (g.KernelHeight - 1) * g.DilationHeight;

    private static int ReachWidth(in Conv2DGeometry g) => (g.KernelWidth - 1) * g.DilationWidth;

    private static void WindowRowsInputGradient(in Conv2DGeometry g, float* dy, float* w, float* dx, bool accumulate)
    {
        var adjoint = Conv2DGeometry.CreateExplicit(g.Batch, g.OutputHeight, g.OutputWidth, g.OutputChannels, g.InputChannels,
            g.KernelHeight, g.KernelWidth, ReachHeight(in g) - g.PadTop, ReachHeight(in g) - g.PadBottom,
            ReachWidth(in g) - g.PadLeft, ReachWidth(in g) - g.PadRight, 1, 1, g.DilationHeight, g.DilationWidth);
        Debug.Assert(adjoint.OutputLength == g.InputLength, "the adjoint's output is dx");
        int columns = WindowColumns;
        float* packed = ConvScratch.Get(ScratchSlot.Call, WindowPanels(in adjoint, columns) * WindowPanelFloats(in adjoint, withBias: false, columns));
        PackFlippedKernel(in g, w, packed, columns);
        RunWindowRows(in adjoint, dy, packed, withBias: false, columns, dx, null, null, accumulate);
    }

    // packed[panel][(kh, kw, f)][j] = w[KH−1−kh, KW−1−kw, panel·width + j, f], zero past the last input channel: w′
    // packed as PackKernel packs a forward kernel, in panels of the tile's width.
    private static void PackFlippedKernel(in Conv2DGeometry g, float* w, float* packed, int width)
    {
        int c = g.InputChannels, f = g.OutputChannels, taps = g.KernelHeight * g.KernelWidth;
        for (int j0 = 0; j0 < c; j0 += width)
        {
            int columns = Math.Min(width, c - j0);
            for (int tap = 0; tap < taps; tap++)
            {
                float* src = w + ((nint)(taps - 1 - tap) * c * f) + ((nint)j0 * f);
                float* dst = packed + ((nint)tap * f * width);
                for (int j = 0; j < columns; j++, src += f)
                {
                    for (int k = 0; k < f; k++)
                        dst[(k * width) + j] = src[k];
                }

                for (int k = 0; k < f && columns < width; k++)
                    RowOps.Clear(dst + (k * width) + columns, width - columns);
            }

            packed += (nint)taps * f * width;
        }
    }
}
