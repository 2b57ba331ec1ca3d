using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Kernels;

internal static unsafe partial class Convolution
{
    /// <summary>
    /// Whether <see cref="PooledInputGradient"/> applies: a one-group, stride-1, undilated convolution over a multiple of
    /// 8 input channels into a multiple of 8 filters, pooled by a max pooling whose disjoint windows
    /// (<see cref="Pooling.CanPoolBlocks"/>) hold 4 to 8 outputs, on a vector path with FMA.
    /// </summary>
    /// <remarks>
    /// The convolution's output gradient dz is then zero except at each window's argmax (one output per window and
    /// channel), so its products with the kernel and the input need only those: a quarter of the dense passes' products
    /// for 2 × 2 windows. The dense passes over a materialised dz run at 80-93% of the FMA peak; these run from the
    /// pooled gradient and the argmax directly and never write dz. The products they skip are dz's zeros: a NaN or an
    /// infinity in the kernel or the input that the dense passes would multiply by those zeros leaves a zero here, not
    /// a NaN. The pooled output and the loss are then not finite already, which training reports.
    /// </remarks>
    /// <param name="g">The convolution.</param>
    /// <param name="pool">The pooling of its output.</param>
    public static bool PooledInputGradientApplies(in Conv2DGeometry g, in Pool2DGeometry pool) =>
        Gemm.ActivePath != GemmPath.Scalar && PooledInputShapes(in g, in pool);

    /// <summary>
    /// Whether <see cref="PooledWeightGradient"/> applies: as <see cref="PooledInputGradientApplies"/>, or with fewer
    /// input channels when the whole kernel has at most <see cref="PooledTileAvx2.MaxVectors"/> elements per filter (a
    /// 3 × 3 first layer over one channel).
    /// </summary>
    /// <param name="g">The convolution.</param>
    /// <param name="pool">The pooling of its output.</param>
    public static bool PooledWeightGradientApplies(in Conv2DGeometry g, in Pool2DGeometry pool) =>
        Gemm.ActivePath != GemmPath.Scalar && PooledWeightShapes(in g, in pool);

    // What the kernels themselves need, whatever path the other kernels are forced to: the op decides with the path
    // (above), and a test forcing the scalar path meanwhile does not make a call it decided on refuse.
    private static bool PooledInputShapes(in Conv2DGeometry g, in Pool2DGeometry pool) =>
        PooledShapes(in g, in pool) && g.InputChannels % 8 == 0;

    private static bool PooledWeightShapes(in Conv2DGeometry g, in Pool2DGeometry pool) =>
        PooledShapes(in g, in pool) && (g.InputChannels % 8 == 0 || g.GroupDepth <= PooledTileAvx2.MaxVectors);

    private static bool PooledShapes(in Conv2DGeometry g, in Pool2DGeometry pool) =>
        Avx2.IsSupported && Fma.IsSupported
        && g.Groups == 1 && g.StrideHeight == 1 && g.StrideWidth == 1 && g.DilationHeight == 1 && g.DilationWidth == 1
        && Pooling.CanPoolBlocks(in pool) && pool.PoolHeight * pool.PoolWidth >= MinPooledWindowArea
        && pool.PoolHeight * pool.PoolWidth <= MaxPooledWindowArea && g.OutputChannels % 8 == 0 && g.OutputChannels <= MaxPooledChannels
        && (long)(g.OutputHeight + g.KernelHeight) * (g.OutputWidth + g.KernelWidth) * g.InputChannels < int.MaxValue
        && pool.Batch == g.Batch && pool.InputHeight == g.OutputHeight && pool.InputWidth == g.OutputWidth && pool.Channels == g.OutputChannels;

    /// <summary>
    /// dx = the input gradient of <paramref name="g"/> for the output gradient that <paramref name="pool"/>'s backward
    /// pass scatters from <paramref name="gz"/> by <paramref name="argmax"/> (zero elsewhere), without forming it.
    /// </summary>
    /// <remarks>
    /// Image by image (each thread writes its own images): each window's channels are grouped by the output pixel their
    /// argmax names, and for each kernel row the group's kernel rows, weighted by the channels' gradients, are summed in
    /// registers and added once at that pixel's window in a zero-padded copy of the image's dx. The bits depend on the
    /// shapes alone, not on the threads.
    /// </remarks>
    /// <param name="g">The convolution; <see cref="PooledInputGradientApplies"/> must hold.</param>
    /// <param name="pool">The pooling of its output.</param>
    /// <param name="gz">The pooled gradient, [Batch, pool.OutputHeight, pool.OutputWidth, OutputChannels].</param>
    /// <param name="argmax">Each pooled value's flat index into the convolution's output, as the pooling recorded it.</param>
    /// <param name="w">The kernel [KernelHeight, KernelWidth, InputChannels, OutputChannels].</param>
    /// <param name="dx">The input gradient [Batch, InputHeight, InputWidth, InputChannels], overwritten.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index in argmax lies outside its window.</exception>
    /// <exception cref="ArgumentException">The pooled gradient does not apply to the shapes or the CPU (<see cref="PooledInputGradientApplies"/>, the path aside), or a span is too short.</exception>
    public static void PooledInputGradient(in Conv2DGeometry g, in Pool2DGeometry pool, ReadOnlySpan<float> gz, ReadOnlySpan<int> argmax,
        ReadOnlySpan<float> w, Span<float> dx)
    {
        CheckPooled(in g, in pool, gz, argmax, PooledInputShapes(in g, in pool), "input");
        CheckSource(w, g.KernelLength, nameof(w));
        CheckDestination(dx, g.InputLength, nameof(dx));
        if (g.Batch == 0)
            return;
        fixed (float* pgz = gz, pw = w, pdx = dx)
        fixed (int* pa = argmax)
        {
            // The kernel as [OutputChannels, depth]: each output channel's kernel rows one after another.
            float* wT = ConvScratch.Get(ScratchSlot.Call, (nint)g.KernelLength);
            Transpose.Matrix(new ReadOnlySpan<float>(pw, g.KernelLength), g.GroupDepth, g.OutputChannels, new Span<float>(wT, g.KernelLength));
            var work = new PooledInputGradientWork { G = g, Pool = pool, Gz = pgz, Argmax = pa, WT = wT, Dx = pdx };
            SpatialThreads.Run(g.Batch, SpatialThreads.PartsForFlops(g.Flops / (pool.PoolHeight * pool.PoolWidth), g.Batch), ref work);
        }
    }

    /// <summary>
    /// dw = the weight gradient of <paramref name="g"/> for the output gradient that <paramref name="pool"/>'s backward
    /// pass scatters from <paramref name="gz"/> by <paramref name="argmax"/> (zero elsewhere), without forming it.
    /// </summary>
    /// <remarks>
    /// Each output channel's kernel rows are summed in registers over the windows, each window adding its gradient
    /// times the input at its argmax's window (read from a zero-padded copy of the image); with few input channels,
    /// eight output channels' whole kernels at a time. Images are dealt into slots fixed by the shapes and the slots
    /// summed in order (then transposed into dw, for the first form), so the bits do not depend on the threads.
    /// </remarks>
    /// <param name="g">The convolution; <see cref="PooledWeightGradientApplies"/> must hold.</param>
    /// <param name="pool">The pooling of its output.</param>
    /// <param name="x">The input [Batch, InputHeight, InputWidth, InputChannels].</param>
    /// <param name="gz">The pooled gradient, [Batch, pool.OutputHeight, pool.OutputWidth, OutputChannels].</param>
    /// <param name="argmax">Each pooled value's flat index into the convolution's output, as the pooling recorded it.</param>
    /// <param name="dw">The kernel gradient [KernelHeight, KernelWidth, InputChannels, OutputChannels], overwritten.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index in argmax lies outside its window.</exception>
    /// <exception cref="ArgumentException">The pooled gradient does not apply to the shapes or the CPU (<see cref="PooledWeightGradientApplies"/>, the path aside), or a span is too short.</exception>
    public static void PooledWeightGradient(in Conv2DGeometry g, in Pool2DGeometry pool, ReadOnlySpan<float> x, ReadOnlySpan<float> gz,
        ReadOnlySpan<int> argmax, Span<float> dw)
    {
        CheckPooled(in g, in pool, gz, argmax, PooledWeightShapes(in g, in pool), "weight");
        CheckSource(x, g.InputLength, nameof(x));
        CheckDestination(dw, g.KernelLength, nameof(dw));
        if (g.Batch == 0)
        {
            dw[..g.KernelLength].Clear();
            return;
        }

        fixed (float* px = x, pgz = gz, pdw = dw)
        fixed (int* pa = argmax)
        {
            // One partial per slot, and the sum of several: [OutputChannels, depth], or dw's own layout when the whole
            // kernel's elements are summed eight filters at a time (few input channels).
            int slots = Slots(g.Batch, g.KernelLength), length = g.KernelLength, parts = SpatialThreads.PartsForFlops(g.Flops / (pool.PoolHeight * pool.PoolWidth), slots);
            bool few = g.InputChannels % 8 != 0;
            float* partials = slots == 1 && few ? pdw : ConvScratch.Get(ScratchSlot.Call, (nint)(slots + (slots > 1 ? 1 : 0)) * length);
            if (few)
            {
                var small = new PooledFewChannelsWeightGradientWork { G = g, Pool = pool, X = px, Gz = pgz, Argmax = pa, Partials = partials, Slots = slots };
                SpatialThreads.Run(slots, parts, ref small);
                if (slots > 1)
                    ReducePartials(partials, slots, length, pdw, accumulate: false);
                return;
            }

            var work = new PooledWeightGradientWork { G = g, Pool = pool, X = px, Gz = pgz, Argmax = pa, Partials = partials, Slots = slots };
            SpatialThreads.Run(slots, parts, ref work);
            float* sum = partials;
            if (slots > 1)
            {
                sum = partials + ((nint)slots * length);
                ReducePartials(partials, slots, length, sum, accumulate: false);
            }

            Transpose.Matrix(new ReadOnlySpan<float>(sum, length), g.OutputChannels, g.GroupDepth, new Span<float>(pdw, length));
        }
    }

    private static void CheckPooled(in Conv2DGeometry g, in Pool2DGeometry pool, ReadOnlySpan<float> gz, ReadOnlySpan<int> argmax, bool applies, string which)
    {
        g.ThrowIfDefault();
        if (!applies)
            throw new ArgumentException($"The pooled {which} gradient does not apply to {g} pooled by {pool}.", nameof(pool));
        CheckSource(gz, pool.OutputLength, nameof(gz));
        if (argmax.Length < pool.OutputLength)
            ThrowHelper.SourceTooShort(nameof(argmax), pool.OutputLength, argmax.Length);
    }

    // The index of window (n, ph, pw)'s first output in channel 0 of the convolution's output.
    private static int WindowFirst(in Conv2DGeometry g, in Pool2DGeometry pool, int n, int ph, int pw) =>
        (((((n * g.OutputHeight) + (ph * pool.PoolHeight)) * g.OutputWidth) + (pw * pool.PoolWidth)) * g.OutputChannels);

    // The places in window (n, ph, pw) of channels [co, co + 8)'s argmax, or an exception naming the first index that
    // lies outside its window.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> WindowPlaces(in Conv2DGeometry g, in Pool2DGeometry pool, int* argmax, int first, int n, int ph, int pw, int co)
    {
        if (!PooledTileAvx2.Places(argmax, first + co, g.OutputWidth * g.OutputChannels, g.OutputChannels, pool.PoolHeight, pool.PoolWidth,
            out Vector256<int> places))
            ThrowOutsideWindow(in g, in pool, argmax, first, n, ph, pw, co);
        return places;
    }

    private static void ThrowOutsideWindow(in Conv2DGeometry g, in Pool2DGeometry pool, int* argmax, int first, int n, int ph, int pw, int co)
    {
        for (int lane = 0; lane < 8; lane++)
        {
            long delta = (long)argmax[lane] - first - co - lane;
            long rowSpan = (long)g.OutputWidth * g.OutputChannels;
            long row = delta < 0 ? -1 : delta / rowSpan, rest = delta - (row * rowSpan);
            if (row < 0 || row >= pool.PoolHeight || rest % g.OutputChannels != 0 || rest / g.OutputChannels >= pool.PoolWidth)
                ThrowHelper.ArgmaxOutsideWindow(argmax[lane], n, ph, pw, co + lane);
        }

        throw new InvalidOperationException("The argmax check failed for no index.");
    }

    // Runs of a kernel row of `length` floats (a multiple of 8): as many of PooledTileAvx2.MaxVectors vectors as fit,
    // then of 4, then of 1; returns the vectors of the run that starts at `start`.
    private static int RunVectors(int length, int start)
    {
        int left = (length - start) / 8;
        return left >= PooledTileAvx2.MaxVectors ? PooledTileAvx2.MaxVectors : left >= 4 ? 4 : 1;
    }
}
