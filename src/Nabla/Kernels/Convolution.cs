namespace Nabla.Kernels;

/// <summary>2-D convolution over channels-last (NHWC) tensors, its gradients, and the transposed convolution built from them.</summary>
/// <remarks>
/// <para>
/// Computes, for the shapes of a <see cref="Conv2DGeometry"/> (Keras's layouts: x [N, H, W, C], kernel
/// [kh, kw, C / groups, filters], y [N, OH, OW, filters]):
/// </para>
/// <code>
/// y[n, oh, ow, oc] = bias[oc] + Σ_{kh, kw, ic} x[n, oh·sh + kh·dh − padTop, ow·sw + kw·dw − padLeft, g·Cg + ic] · w[kh, kw, ic, oc]
/// </code>
/// <para>
/// with g = oc / (filters / groups), Cg = C / groups, ic over [0, Cg), and taps outside the input reading zero: a
/// cross-correlation, as Keras and every framework call a convolution. <see cref="InputGradient"/> and
/// <see cref="WeightGradient"/> are its adjoints with respect to x and w; <see cref="BiasGradient"/> sums the output
/// gradient over the pixels.
/// </para>
/// <para>
/// Algorithms (<see cref="ConvolutionAlgorithm"/>): im2col + GEMM in blocks of output pixels, each block in a
/// per-thread buffer of about <see cref="ColumnBlockFloats"/> floats so that it stays in L2 while its GEMM reads it
/// (for at most <see cref="DirectMaxInputChannels"/> channels per group the block is tap-major, built from runs of
/// input rows; see <see cref="Im2Col"/>); implicit GEMMs for few-channel inputs (an image's first layer), whose
/// forward pass gathers each window straight into the micro-kernel's panel and carries the bias as one more k step,
/// and whose weight gradient feeds the micro-kernel windows from a strip of interleaved input rows; on the vector paths,
/// a micro-kernel that reads each pixel's window where it lies (<see cref="WindowTileAvx2"/>, <see cref="WindowTileAvx512"/>), for the forward pass
/// and, over dy with the kernel flipped, the input gradient of a stride-1 convolution; for one input channel (a
/// grayscale image's first layer), a forward kernel that sums register blocks of pixels by channels from a
/// zero-padded strip of input rows; and per-channel loops for depthwise convolutions, whose groups are too narrow for a
/// GEMM. The forward pass can apply an <see cref="IRowEpilogue"/> (the layer's activation) to each block it finishes,
/// and <see cref="ForwardInto"/> hands the blocks to an <see cref="IOutputSink"/> (a max pooling) instead of writing
/// them out.
/// </para>
/// <para>
/// Work is split over threads by <see cref="SpatialThreads"/> in pieces fixed by the shapes alone (pixel blocks or
/// output rows for the forward pass, images for the input gradient, fixed slots with partial sums for the weight
/// gradient), so the result does not depend on which thread ran what, nor on how many threads there are. A warm call allocates nothing:
/// buffers come from <see cref="ConvScratch"/> and <see cref="GemmScratch"/>.
/// </para>
/// <para>
/// Numerics: float products summed in float (with FMA on the GEMM paths) in an order that differs from a naive loop,
/// so results match a double-precision reference to rounding. NaN and infinity propagate as IEEE arithmetic
/// dictates. Outputs must not overlap any input (checked); inputs may overlap each other.
/// </para>
/// </remarks>
internal static unsafe partial class Convolution
{
    /// <summary>Target size of one im2col block, in floats (256 KB: with the kernel and GEMM's packed blocks it stays in a 1-2 MB L2).</summary>
    internal const int ColumnBlockFloats = 1 << 16;

    /// <summary>The Auto algorithm runs the forward pass of a one-group convolution with at most this many input channels as <see cref="ConvolutionAlgorithm.Direct"/>.</summary>
    internal const int DirectMaxInputChannels = 4;

    /// <summary>
    /// The forward pass cuts a call into at least this many pixel blocks when it has enough pixels (see
    /// <see cref="ForwardBlockPixels"/>): one 14 × 14 × 32 image's second W5 layer, a single block of 196 pixels
    /// before, took 95 µs on two Zen 3 cores (its GEMM split, its im2col on the caller, the other core reading the
    /// caller's columns) and takes 51-66 µs in nine blocks of 24 pixels.
    /// </summary>
    internal const int MinForwardBlocks = 8;

    /// <summary>The pooled gradients (<see cref="PooledInputGradientApplies"/>) run for pooling windows of at least this many outputs (2 × 2).</summary>
    internal const int MinPooledWindowArea = 4;

    /// <summary>The pooled gradients run for pooling windows of at most this many outputs (2 × 4: a window's places fit one vector).</summary>
    internal const int MaxPooledWindowArea = 8;

    /// <summary>The pooled gradients run for at most this many output channels (their grouping keeps one index per channel on the stack).</summary>
    internal const int MaxPooledChannels = 4096;

    /// <summary>Most partial weight gradients a call keeps (each one kernel's size); more slots balance threads better.</summary>
    private const int MaxSlots = 8;

    /// <summary>Most floats of partial weight gradients a call keeps (16 MB); large kernels get fewer slots.</summary>
    private const int PartialBudgetFloats = 1 << 22;

    /// <summary>The algorithm every call uses; <see cref="ConvolutionAlgorithm.Auto"/> (the default) picks by geometry.</summary>
    /// <remarks>
    /// A forced algorithm that cannot compute a pass falls back to <see cref="ConvolutionAlgorithm.Im2Col"/>: Depthwise on
    /// a non-depthwise geometry, SingleChannel on anything but the forward pass of one input channel and one group,
    /// Direct on the input gradient, or on a weight gradient with more than
    /// <see cref="DirectMaxInputChannels"/> channels, several groups or a column dilation.
    /// </remarks>
    internal static ConvolutionAlgorithm ForcedAlgorithm { get; set; }

    /// <summary>y = conv(x, w) + bias (see the type remarks for the formula).</summary>
    /// <param name="geometry">The shapes.</param>
    /// <param name="x">Input [Batch, InputHeight, InputWidth, InputChannels].</param>
    /// <param name="w">Kernel [KernelHeight, KernelWidth, InputChannels / Groups, OutputChannels].</param>
    /// <param name="bias">Bias [OutputChannels], or empty for none.</param>
    /// <param name="y">Output [Batch, OutputHeight, OutputWidth, OutputChannels], overwritten.</param>
    /// <param name="epilogue">
    /// A function applied in place to each finished block of output pixels (rows of OutputChannels) while it is still in
    /// cache, such as the layer's activation; null for none. The result is the same bits as applying it afterwards.
    /// </param>
    /// <exception cref="ArgumentException">The geometry is default, a span is too short, bias is neither empty nor long enough, or y overlaps an input.</exception>
    public static void Forward(in Conv2DGeometry geometry, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y,
        IRowEpilogue? epilogue = null)
    {
        geometry.ThrowIfDefault();
        CheckSource(x, geometry.InputLength, nameof(x));
        CheckSource(w, geometry.KernelLength, nameof(w));
        if (!bias.IsEmpty)
            CheckSource(bias, geometry.OutputChannels, nameof(bias));
        CheckDestination(y, geometry.OutputLength, nameof(y));
        CheckApart(y, geometry.OutputLength, x, nameof(y), nameof(x));
        CheckApart(y, geometry.OutputLength, w, nameof(y), nameof(w));
        CheckApart(y, geometry.OutputLength, bias, nameof(y), nameof(bias));
        if (geometry.OutputPixels == 0)
            return;

        fixed (float* px = x, pw = w, pb = bias, py = y)
        {
            float* b = bias.IsEmpty ? null : pb;
            switch (Choose(in geometry, Pass.Forward))
            {
                case ConvolutionAlgorithm.Depthwise:
                    DepthwiseForward(in geometry, px, pw, b, py, epilogue);
                    break;
                case ConvolutionAlgorithm.Direct:
                    DirectForward(in geometry, px, pw, b, py, epilogue);
                    break;
                case ConvolutionAlgorithm.SingleChannel:
                    SingleChannelForward(in geometry, px, pw, b, py, epilogue, null);
                    break;
                case ConvolutionAlgorithm.WindowRows:
                    WindowRowsForward(in geometry, px, pw, b, py, epilogue, null);
                    break;
                default:
                    Im2ColForward(in geometry, px, pw, b, py, epilogue);
                    break;
            }
        }
    }

    /// <summary>
    /// <see cref="Forward"/> with its output handed to <paramref name="sink"/> block by block (whole multiples of its
    /// rows, each after the epilogue) instead of written to an output tensor; or nothing at all, returning false, when
    /// the geometry's algorithm cannot (only <see cref="ConvolutionAlgorithm.SingleChannel"/> and
    /// <see cref="ConvolutionAlgorithm.WindowRows"/> can) or its output height is not a multiple of the sink's rows.
    /// </summary>
    /// <param name="geometry">The shapes.</param>
    /// <param name="x">Input [Batch, InputHeight, InputWidth, InputChannels].</param>
    /// <param name="w">Kernel [KernelHeight, KernelWidth, InputChannels / Groups, OutputChannels].</param>
    /// <param name="bias">Bias [OutputChannels], or empty for none.</param>
    /// <param name="epilogue">Applied in place to each block before the sink takes it (the layer's activation), or null.</param>
    /// <param name="sink">Takes the output.</param>
    /// <returns>Whether the output went to the sink.</returns>
    /// <exception cref="ArgumentException">The geometry is default, or a span is too short.</exception>
    public static bool ForwardInto(in Conv2DGeometry geometry, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias,
        IRowEpilogue? epilogue, IOutputSink sink)
    {
        geometry.ThrowIfDefault();
        ArgumentNullException.ThrowIfNull(sink);
        CheckSource(x, geometry.InputLength, nameof(x));
        CheckSource(w, geometry.KernelLength, nameof(w));
        if (!bias.IsEmpty)
            CheckSource(bias, geometry.OutputChannels, nameof(bias));
        ConvolutionAlgorithm algorithm = Choose(in geometry, Pass.Forward);
        if (!Streams(algorithm, in geometry, sink.RowMultiple))
            return false;
        if (geometry.OutputPixels == 0)
            return true;

        fixed (float* px = x, pw = w, pb = bias)
        {
            float* b = bias.IsEmpty ? null : pb;
            if (algorithm == ConvolutionAlgorithm.SingleChannel)
                SingleChannelForward(in geometry, px, pw, b, null, epilogue, sink);
            else
                WindowRowsForward(in geometry, px, pw, b, null, epilogue, sink);
        }

        return true;
    }

    /// <summary>Whether <see cref="ForwardInto"/> can hand the output of <paramref name="geometry"/> to a sink of <paramref name="rowMultiple"/> rows.</summary>
    /// <param name="geometry">The shapes.</param>
    /// <param name="rowMultiple">The sink's <see cref="IOutputSink.RowMultiple"/>, at least 1.</param>
    public static bool CanStreamForward(in Conv2DGeometry geometry, int rowMultiple) =>
        Streams(Choose(in geometry, Pass.Forward), in geometry, rowMultiple);

    // Whether the forward pass by this algorithm can hand its output to a sink of rowMultiple rows.
    private static bool Streams(ConvolutionAlgorithm algorithm, in Conv2DGeometry geometry, int rowMultiple) =>
        (algorithm == ConvolutionAlgorithm.SingleChannel || algorithm == ConvolutionAlgorithm.WindowRows)
        && rowMultiple >= 1 && geometry.OutputHeight % rowMultiple == 0;

    /// <summary>dx = ∂⟨y, dy⟩/∂x: the adjoint of <see cref="Forward"/> in x (bias aside), or dx += it.</summary>
    /// <param name="geometry">The shapes.</param>
    /// <param name="dy">Output gradient [Batch, OutputHeight, OutputWidth, OutputChannels].</param>
    /// <param name="w">Kernel [KernelHeight, KernelWidth, InputChannels / Groups, OutputChannels].</param>
    /// <param name="dx">Input gradient [Batch, InputHeight, InputWidth, InputChannels].</param>
    /// <param name="accumulate">Add to dx instead of overwriting it (default false).</param>
    /// <exception cref="ArgumentException">The geometry is default, a span is too short, or dx overlaps an input.</exception>
    public static void InputGradient(in Conv2DGeometry geometry, ReadOnlySpan<float> dy, ReadOnlySpan<float> w, Span<float> dx, bool accumulate = false)
    {
        geometry.ThrowIfDefault();
        CheckSource(dy, geometry.OutputLength, nameof(dy));
        CheckSource(w, geometry.KernelLength, nameof(w));
        CheckDestination(dx, geometry.InputLength, nameof(dx));
        CheckApart(dx, geometry.InputLength, dy, nameof(dx), nameof(dy));
        CheckApart(dx, geometry.InputLength, w, nameof(dx), nameof(w));
        if (geometry.Batch == 0)
            return;

        fixed (float* pdy = dy, pw = w, pdx = dx)
        {
            switch (Choose(in geometry, Pass.InputGradient))
            {
                case ConvolutionAlgorithm.Depthwise:
                    DepthwiseInputGradient(in geometry, pdy, pw, pdx, accumulate);
                    break;
                case ConvolutionAlgorithm.WindowRows:
                    WindowRowsInputGradient(in geometry, pdy, pw, pdx, accumulate);
                    break;
                default:
                    Im2ColInputGradient(in geometry, pdy, pw, pdx, accumulate);
                    break;
            }
        }
    }

    /// <summary>dw = ∂⟨y, dy⟩/∂w summed over the batch, or dw += it.</summary>
    /// <param name="geometry">The shapes.</param>
    /// <param name="x">Input [Batch, InputHeight, InputWidth, InputChannels].</param>
    /// <param name="dy">Output gradient [Batch, OutputHeight, OutputWidth, OutputChannels].</param>
    /// <param name="dw">Kernel gradient [KernelHeight, KernelWidth, InputChannels / Groups, OutputChannels].</param>
    /// <param name="accumulate">Add to dw instead of overwriting it (default false).</param>
    /// <exception cref="ArgumentException">The geometry is default, a span is too short, or dw overlaps an input.</exception>
    public static void WeightGradient(in Conv2DGeometry geometry, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dw, bool accumulate = false)
    {
        geometry.ThrowIfDefault();
        CheckSource(x, geometry.InputLength, nameof(x));
        CheckSource(dy, geometry.OutputLength, nameof(dy));
        CheckDestination(dw, geometry.KernelLength, nameof(dw));
        CheckApart(dw, geometry.KernelLength, x, nameof(dw), nameof(x));
        CheckApart(dw, geometry.KernelLength, dy, nameof(dw), nameof(dy));
        if (geometry.OutputPixels == 0)
        {
            if (!accumulate)
                dw[..geometry.KernelLength].Clear();
            return;
        }

        fixed (float* px = x, pdy = dy, pdw = dw)
        {
            switch (Choose(in geometry, Pass.WeightGradient))
            {
                case ConvolutionAlgorithm.Depthwise:
                    DepthwiseWeightGradient(in geometry, px, pdy, pdw, accumulate);
                    break;
                case ConvolutionAlgorithm.Direct:
                    DirectWeightGradient(in geometry, px, pdy, pdw, accumulate);
                    break;
                default:
                    Im2ColWeightGradient(in geometry, px, pdy, pdw, accumulate);
                    break;
            }
        }
    }

    /// <summary>dbias[c] = Σ_p dy[p, c] over the <paramref name="pixels"/> rows of a [pixels, channels] gradient, or dbias += it.</summary>
    /// <remarks>
    /// The bias gradient of <see cref="Forward"/> (pixels = OutputPixels, channels = OutputChannels) and of
    /// <see cref="TransposeForward"/> (pixels = Batch·InputHeight·InputWidth, channels = InputChannels). Rows are summed
    /// in float within fixed slots of rows, and the slots in order.
    /// </remarks>
    /// <param name="dy">Output gradient, [pixels, channels] row-major.</param>
    /// <param name="pixels">Rows, 0 or more.</param>
    /// <param name="channels">Channels, at least 1.</param>
    /// <param name="dbias">Bias gradient [channels].</param>
    /// <param name="accumulate">Add to dbias instead of overwriting it (default false).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    /// <exception cref="ArgumentException">A span is too short, or dbias overlaps dy.</exception>
    public static void BiasGradient(ReadOnlySpan<float> dy, int pixels, int channels, Span<float> dbias, bool accumulate = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pixels);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        long need = (long)pixels * channels;
        if (dy.Length < need)
            ThrowHelper.SourceTooShort(nameof(dy), need, dy.Length);
        CheckDestination(dbias, channels, nameof(dbias));
        CheckApart(dbias, channels, dy, nameof(dbias), nameof(dy));
        fixed (float* pdy = dy, pdb = dbias)
            SumRows(pdy, pixels, channels, pdb, accumulate);
    }

    // The algorithm for a pass: the forced one where it can compute the pass, else the measured best.
    private static ConvolutionAlgorithm Choose(in Conv2DGeometry g, Pass pass)
    {
        bool direct = pass switch
        {
            Pass.Forward => true,
            Pass.WeightGradient => DirectWeightGradientApplies(in g),
            _ => false,
        };
        bool singleChannel = pass == Pass.Forward && SingleChannelApplies(in g);
        bool windowRows = pass switch
        {
            Pass.Forward => WindowRowsApplies(in g),
            Pass.InputGradient => WindowRowsInputGradientApplies(in g),
            _ => false,
        };
        ConvolutionAlgorithm forced = ForcedAlgorithm;
        if (forced == ConvolutionAlgorithm.Auto)
        {
            if (g.IsDepthwise)
                return ConvolutionAlgorithm.Depthwise;
            if (singleChannel)
                return ConvolutionAlgorithm.SingleChannel;
            if (direct && g.Groups == 1 && g.InputChannels <= DirectMaxInputChannels)
                return ConvolutionAlgorithm.Direct;
            return windowRows ? ConvolutionAlgorithm.WindowRows : ConvolutionAlgorithm.Im2Col;
        }

        if ((forced == ConvolutionAlgorithm.Depthwise && !g.IsDepthwise) || (forced == ConvolutionAlgorithm.Direct && !direct)
            || (forced == ConvolutionAlgorithm.SingleChannel && !singleChannel) || (forced == ConvolutionAlgorithm.WindowRows && !windowRows))
            return ConvolutionAlgorithm.Im2Col;
        return forced;
    }

    // Pixels per im2col block: about ColumnBlockFloats in all, a multiple of 12 (every micro-kernel's row count
    // divides it, so only a block's last tile can be partial), between 48 and 1024 pixels.
    private static int BlockPixels(in Conv2DGeometry g)
    {
        int rows = Math.Clamp(ColumnBlockFloats / g.GroupDepth, 48, 1024) / 12 * 12;
        return Math.Min(rows, g.OutputPixels);
    }

    /// <summary>
    /// Pixels per block of the forward pass: <see cref="BlockPixels"/>, but small enough that the pass cuts into at least
    /// <see cref="MinForwardBlocks"/> blocks (a multiple of 12 pixels, at least 12), so that one small image (a batch-1
    /// Predict) still spreads over the threads, each thread building its own block's columns. Depends on the shapes alone.
    /// </summary>
    internal static int ForwardBlockPixels(in Conv2DGeometry g)
    {
        int spread = Math.Max(12, g.OutputPixels / MinForwardBlocks / 12 * 12);
        return Math.Min(BlockPixels(in g), spread);
    }

    private enum Pass
    {
        Forward,
        InputGradient,
        WeightGradient,
    }

    private static void CheckSource(ReadOnlySpan<float> span, int need, string name)
    {
        if (span.Length < need)
            ThrowHelper.SourceTooShort(name, need, span.Length);
    }

    private static void CheckDestination(Span<float> span, int need, string name)
    {
        if (span.Length < need)
            ThrowHelper.DestinationTooShort(name, need, span.Length);
    }

    // The written part of a destination must not overlap a source it reads.
    private static void CheckApart(Span<float> destination, int length, ReadOnlySpan<float> source, string destinationName, string sourceName)
    {
        if (destination[..length].Overlaps(source))
            ThrowHelper.SpansOverlap(destinationName, sourceName);
    }
}
