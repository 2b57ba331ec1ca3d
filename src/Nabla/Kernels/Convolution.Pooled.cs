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

    private struct PooledInputGradientWork : IWorkItems
    {
        public Conv2DGeometry G;
        public Pool2DGeometry Pool;
        public float* Gz, WT, Dx;
        public int* Argmax;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int item)
        {
            int c = G.InputChannels, oc = G.OutputChannels, depth = G.GroupDepth, kernelRow = G.KernelWidth * c;
            int paddedHeight = G.OutputHeight + G.KernelHeight - 1, paddedWidth = G.OutputWidth + G.KernelWidth - 1;
            int windows = Pool.OutputHeight * Pool.OutputWidth, positions = Pool.PoolHeight * Pool.PoolWidth;
            nint rowPitch = (nint)paddedWidth * c, padded = (nint)paddedHeight * rowPitch;

            // Job scratch: dx of the image with its padding, then per window its channels grouped by argmax position
            // (order) and where each group starts (starts, positions + 1 per window).
            float* dxPadded = ConvScratch.Get(ScratchSlot.Job, padded + 16 + ((nint)windows * (oc + positions + 1)) + 8);
            int* order = (int*)(dxPadded + ((padded + 15) & ~15));
            int* starts = order + ((nint)windows * oc) + 8;
            RowOps.Clear(dxPadded, padded);
            float* gz = Gz + ((nint)item * windows * oc);
            int* argmax = Argmax + ((nint)item * windows * oc);
            GroupChannels(item, argmax, order, starts);

            for (int kh = 0; kh < G.KernelHeight; kh++)
            {
                for (int start = 0; start < kernelRow;)
                {
                    int vectors = RunVectors(kernelRow, start);
                    float* w = WT + (kh * kernelRow) + start;
                    for (int q = 0; q < windows; q++)
                    {
                        int ph = q / Pool.OutputWidth, pw = q - (ph * Pool.OutputWidth);
                        int* groups = starts + (q * (positions + 1));
                        for (int j = 0; j < positions; j++)
                        {
                            int count = groups[j + 1] - groups[j];
                            if (count == 0)
                                continue;
                            int oh = (ph * Pool.PoolHeight) + (j / Pool.PoolWidth), ow = (pw * Pool.PoolWidth) + (j % Pool.PoolWidth);
                            float* dst = dxPadded + ((oh + kh) * rowPitch) + ((nint)ow * c) + start;
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

            WriteOut(item, dxPadded, rowPitch, paddedHeight, paddedWidth);
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
        private readonly void WriteOut(int n, float* dxPadded, nint rowPitch, int paddedHeight, int paddedWidth)
        {
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
            int c = G.InputChannels, oc = G.OutputChannels, depth = G.GroupDepth, kernelRow = G.KernelWidth * c;
            int paddedHeight = G.OutputHeight + G.KernelHeight - 1, paddedWidth = G.OutputWidth + G.KernelWidth - 1;
            int windows = Pool.OutputHeight * Pool.OutputWidth;
            nint rowPitch = (nint)paddedWidth * c, padded = (nint)paddedHeight * rowPitch;
            int first = (int)((long)G.Batch * item / Slots), last = (int)((long)G.Batch * (item + 1) / Slots);
            float* dwT = Partials + ((nint)item * G.KernelLength);

            // Job scratch: the image with its padding, then for eight channels at a time their windows' argmax offsets
            // into it and their gradients ([windows, 8]: small enough to stay in L1 while the eight channels' sums read
            // them).
            float* xPadded = ConvScratch.Get(ScratchSlot.Job, padded + 16 + (2 * 8 * (nint)windows));
            int* offsets = (int*)(xPadded + ((padded + 15) & ~15));
            float* gzGroup = (float*)(offsets + (8 * (nint)windows));
            int* placeOffsets = stackalloc int[8];
            for (int j = 0; j < 8; j++)
                placeOffsets[j] = j < Pool.PoolHeight * Pool.PoolWidth ? (int)(((j / Pool.PoolWidth) * rowPitch) + ((nint)(j % Pool.PoolWidth) * c)) : 0;
            Vector256<int> placeOffset = Vector256.Load(placeOffsets);
            for (int n = first; n < last; n++)
            {
                for (int row = 0; row < paddedHeight; row++)
                    WindowBlock.FillStripRow(in G, X, paddedWidth, n, row - G.PadTop, xPadded + (row * rowPitch));

                float* gz = Gz + ((nint)n * windows * oc);
                int* argmax = Argmax + ((nint)n * windows * oc);
                bool accumulate = n > first;
                for (int co0 = 0; co0 < oc; co0 += 8)
                {
                    for (int q = 0; q < windows; q++)
                    {
                        int ph = q / Pool.OutputWidth, pw = q - (ph * Pool.OutputWidth);
                        var window = Vector256.Create((int)((ph * Pool.PoolHeight * rowPitch) + ((nint)pw * Pool.PoolWidth * c)));
                        Vector256<int> places = WindowPlaces(in G, in Pool, argmax + (q * oc) + co0, WindowFirst(in G, in Pool, n, ph, pw), n, ph, pw, co0);
                        (window + Avx2.PermuteVar8x32(placeOffset, places)).Store(offsets + (q * 8));
                        Vector256.Load(gz + (q * oc) + co0).Store(gzGroup + (q * 8));
                    }

                    for (int lane = 0; lane < 8; lane++)
                        SumChannel(dwT + ((nint)(co0 + lane) * depth), offsets + lane, gzGroup + lane, windows, xPadded, rowPitch, kernelRow, accumulate);
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
            int c = G.InputChannels, oc = G.OutputChannels, depth = G.GroupDepth, positions = Pool.PoolHeight * Pool.PoolWidth;
            int paddedHeight = G.OutputHeight + G.KernelHeight - 1, paddedWidth = G.OutputWidth + G.KernelWidth - 1;
            int windows = Pool.OutputHeight * Pool.OutputWidth;
            nint rowPitch = (nint)paddedWidth * c, padded = (nint)paddedHeight * rowPitch;
            int first = (int)((long)G.Batch * item / Slots), last = (int)((long)G.Batch * (item + 1) / Slots);
            float* dw = Partials + ((nint)item * G.KernelLength);

            // Job scratch: the image with its padding, then per window its offset in it, and eight filters' argmax
            // places and gradients ([windows, 8]).
            float* xPadded = ConvScratch.Get(ScratchSlot.Job, padded + 16 + (3 * 8 * (nint)windows));
            int* windowOffsets = (int*)(xPadded + ((padded + 15) & ~15));
            int* places = windowOffsets + (8 * (nint)windows);
            float* gzGroup = (float*)(places + (8 * (nint)windows));
            int* placeOffsets = stackalloc int[MaxPooledWindowArea];
            int* taps = stackalloc int[PooledTileAvx2.MaxVectors];
            for (int j = 0; j < positions; j++)
                placeOffsets[j] = (int)(((j / Pool.PoolWidth) * rowPitch) + ((nint)(j % Pool.PoolWidth) * c));
            for (int i = 0; i < PooledTileAvx2.MaxVectors; i++)
            {
                int tap = i / c, kh = tap / G.KernelWidth, kw = tap - (kh * G.KernelWidth);
                taps[i] = i < depth ? (int)((kh * rowPitch) + ((nint)kw * c) + (i - (tap * c))) : 0;
            }

            for (int q = 0; q < windows; q++)
            {
                int ph = q / Pool.OutputWidth, pw = q - (ph * Pool.OutputWidth);
                windowOffsets[q] = (int)((ph * Pool.PoolHeight * rowPitch) + ((nint)pw * Pool.PoolWidth * c));
            }

            for (int n = first; n < last; n++)
            {
                for (int row = 0; row < paddedHeight; row++)
                    WindowBlock.FillStripRow(in G, X, paddedWidth, n, row - G.PadTop, xPadded + (row * rowPitch));

                float* gz = Gz + ((nint)n * windows * oc);
                int* argmax = Argmax + ((nint)n * windows * oc);
                bool accumulate = n > first;
                for (int co0 = 0; co0 < oc; co0 += 8)
                {
                    for (int q = 0; q < windows; q++)
                    {
                        int ph = q / Pool.OutputWidth, pw = q - (ph * Pool.OutputWidth);
                        WindowPlaces(in G, in Pool, argmax + (q * oc) + co0, WindowFirst(in G, in Pool, n, ph, pw), n, ph, pw, co0).Store(places + (q * 8));
                        Vector256.Load(gz + (q * oc) + co0).Store(gzGroup + (q * 8));
                    }

                    if (depth == 9)
                        PooledTileAvx2.SumPlaces<GemmExtent9>(places, gzGroup, windowOffsets, windows, placeOffsets, positions, taps, depth, xPadded, dw + co0, oc, accumulate);
                    else
                        PooledTileAvx2.SumPlaces<GemmExtent12>(places, gzGroup, windowOffsets, windows, placeOffsets, positions, taps, depth, xPadded, dw + co0, oc, accumulate);
                }
            }
        }
    }
}
