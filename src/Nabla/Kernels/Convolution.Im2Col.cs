namespace Nabla.Kernels;

internal static unsafe partial class Convolution
{
    // Forward: blocks of output pixels, any thread any block. A block writes only its own rows of y.
    private static void Im2ColForward(in Conv2DGeometry g, float* x, float* w, float* bias, float* y, IRowEpilogue? epilogue)
    {
        int blockPixels = ForwardBlockPixels(in g), blocks = Blocks(g.OutputPixels, blockPixels);
        var work = new Im2ColForwardWork { G = g, X = x, W = w, Bias = bias, Y = y, BlockPixels = blockPixels, Epilogue = epilogue };
        SpatialThreads.Run(blocks, SpatialThreads.PartsForFlops(g.Flops, blocks), ref work);
    }

    // Input gradient: one image per item, so that no two threads add into the same dx positions; within an image,
    // dcol = dy·w_gᵀ block by block, then col2im. A single image runs on the caller, where its GEMMs may split.
    private static void Im2ColInputGradient(in Conv2DGeometry g, float* dy, float* w, float* dx, bool accumulate)
    {
        var work = new Im2ColInputGradientWork
        {
            G = g,
            Dy = dy,
            W = w,
            Dx = dx,
            Accumulate = accumulate,
            BlockPixels = BlockPixels(in g),
            Width = VectorWidth.Current,
        };
        SpatialThreads.Run(g.Batch, SpatialThreads.PartsForFlops(g.Flops, g.Batch), ref work);
    }

    // Weight gradient: the pixel blocks are dealt into a fixed number of slots (by the shapes alone); each slot sums
    // its blocks' im2colᵀ·dy into its own partial, and the partials are added in slot order, so the bits do not depend
    // on the threads. A row-major im2col block whose rows fill GEMM's 16-column panels (a window depth of 16 or more,
    // or at least the group's filters) is summed transposed, dwᵀ = dyᵀ·col, so that GEMM packs col from its rows and
    // dy across them, and the sum is transposed into dw at the end: W5's second layer at batch 32 (depth 288, col 4.5
    // times dy's size) 147-149 -> 155 GFLOP/s on two threads; a 1 × 1 convolution of 32 channels into 128, 104 -> 125.
    // Narrower ones (1 × 1 from 8 or 12 channels into 32-128 filters: 35-52 GFLOP/s transposed, 47-61 not) keep
    // dw = colᵀ·dy.
    private static void Im2ColWeightGradient(in Conv2DGeometry g, float* x, float* dy, float* dw, bool accumulate)
    {
        int blockPixels = BlockPixels(in g), blocks = Blocks(g.OutputPixels, blockPixels);
        int slots = Slots(blocks, g.KernelLength);
        bool transposed = !TapMajor(in g) && (g.GroupDepth >= 16 || g.GroupDepth >= g.GroupOutputChannels);
        // The partials: dw itself for a single slot summed as dw; otherwise one per slot, and for the transposed sum one
        // more, which holds dwᵀ (several slots) or dwᵀ transposed before it is added to dw (one slot).
        bool inPlace = slots == 1 && !transposed;
        float* partials = inPlace ? dw : ConvScratch.Get(ScratchSlot.Call, (nint)(slots + (transposed ? 1 : 0)) * g.KernelLength);
        var work = new Im2ColWeightGradientWork
        {
            G = g,
            X = x,
            Dy = dy,
            BlockPixels = blockPixels,
            Blocks = blocks,
            Slots = slots,
            Partials = partials,
            AccumulateFirst = inPlace && accumulate,
            Transposed = transposed,
        };
        SpatialThreads.Run(slots, SpatialThreads.PartsForFlops(g.Flops, slots), ref work);
        if (!transposed)
        {
            if (slots > 1)
                ReducePartials(partials, slots, g.KernelLength, dw, accumulate);
            return;
        }

        // dwᵀ [OutputChannels, GroupDepth] into dw [GroupDepth, OutputChannels], through a free partial when adding.
        float* sum = partials, spare = partials + g.KernelLength;
        if (slots > 1)
        {
            sum = partials + ((nint)slots * g.KernelLength);
            ReducePartials(partials, slots, g.KernelLength, sum, accumulate: false);
            spare = partials;
        }

        int length = g.KernelLength;
        Transpose.Matrix(new ReadOnlySpan<float>(sum, length), g.OutputChannels, g.GroupDepth, new Span<float>(accumulate ? spare : dw, length));
        if (accumulate)
            RowOps.Add(dw, spare, length, VectorWidth.Current);
    }

    // Few channels per group (a first layer): im2col tap-major, whose rows are runs of input rows (see Im2Col).
    private static bool TapMajor(in Conv2DGeometry g) => g.GroupInputChannels <= DirectMaxInputChannels;

    private static int Blocks(int total, int blockSize) => (int)(((long)total + blockSize - 1) / blockSize);

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    // Partial sums a weight gradient keeps: as many as there are blocks, at most MaxSlots, within the budget.
    private static int Slots(int blocks, int kernelLength) =>
        Math.Max(1, Math.Min(Math.Min(blocks, MaxSlots), PartialBudgetFloats / kernelLength));

    private struct Im2ColForwardWork : IWorkItems
    {
        public Conv2DGeometry G;
        public float* X, W, Bias, Y;
        public int BlockPixels;
        public IRowEpilogue? Epilogue;

        public readonly void Run(int item)
        {
            int p0 = item * BlockPixels, rows = Math.Min(BlockPixels, G.OutputPixels - p0);
            int depth = G.GroupDepth, oc = G.OutputChannels, ocg = G.GroupOutputChannels;
            float* col = ConvScratch.Get(ScratchSlot.Job, (nint)rows * depth);
            float* y = Y + ((nint)p0 * oc);
            if (Bias != null)
            {
                for (int r = 0; r < rows; r++)
                    RowOps.Copy(Bias, y + ((nint)r * oc), oc);
            }

            var colSpan = new ReadOnlySpan<float>(col, rows * depth);
            bool tapMajor = TapMajor(in G);
            for (int group = 0; group < G.Groups; group++)
            {
                // y_g[rows, ocg] (+)= col[rows, depth] · w_g, col stored as is or tap-major (read transposed).
                if (tapMajor)
                    Im2Col.PackTransposedRows(in G, X, group, p0, rows, col, rows);
                else
                    Im2Col.PackRows(in G, X, group, p0, rows, col, depth);
                Gemm.Multiply(tapMajor, false, rows, ocg, depth, colSpan, tapMajor ? rows : depth,
                    new ReadOnlySpan<float>(W + (group * ocg), G.KernelLength - (group * ocg)), oc,
                    new Span<float>(y + (group * ocg), ((rows - 1) * oc) + ocg), oc, accumulate: Bias != null);
            }

            Epilogue?.Apply(new Span<float>(y, rows * oc), oc);
        }
    }

    private struct Im2ColInputGradientWork : IWorkItems
    {
        public Conv2DGeometry G;
        public float* Dy, W, Dx;
        public bool Accumulate;
        public int BlockPixels;
        public VectorWidth Width;

        public readonly void Run(int item)
        {
            int depth = G.GroupDepth, oc = G.OutputChannels, ocg = G.GroupOutputChannels;
            int imagePixels = G.OutputHeight * G.OutputWidth, imageLength = G.InputHeight * G.InputWidth * G.InputChannels;
            if (!Accumulate)
                new Span<float>(Dx + ((nint)item * imageLength), imageLength).Clear();

            float* col = ConvScratch.Get(ScratchSlot.Job, (nint)Math.Min(BlockPixels, imagePixels) * depth);
            for (int first = 0; first < imagePixels; first += BlockPixels)
            {
                int p0 = (item * imagePixels) + first, rows = Math.Min(BlockPixels, imagePixels - first);
                float* dy = Dy + ((nint)p0 * oc);
                bool tapMajor = TapMajor(in G);
                for (int group = 0; group < G.Groups; group++)
                {
                    var dyGroup = new ReadOnlySpan<float>(dy + (group * ocg), ((rows - 1) * oc) + ocg);
                    var wGroup = new ReadOnlySpan<float>(W + (group * ocg), G.KernelLength - (group * ocg));
                    if (tapMajor)
                    {
                        // dcolᵀ[depth, rows] = w_g[depth, ocg] · dy_gᵀ, then col2im tap by tap.
                        Gemm.Multiply(false, true, depth, rows, ocg, wGroup, oc, dyGroup, oc, new Span<float>(col, rows * depth), rows);
                        Im2Col.AccumulateTransposedRows(in G, col, rows, group, p0, rows, Dx, Width);
                    }
                    else
                    {
                        // dcol[rows, depth] = dy_g[rows, ocg] · w_gᵀ, w_g read as [depth, ocg] with row pitch oc.
                        Gemm.Multiply(false, true, rows, depth, ocg, dyGroup, oc, wGroup, oc, new Span<float>(col, rows * depth), depth);
                        Im2Col.AccumulateRows(in G, col, depth, group, p0, rows, Dx, Width);
                    }
                }
            }
        }
    }

    private struct Im2ColWeightGradientWork : IWorkItems
    {
        public Conv2DGeometry G;
        public float* X, Dy, Partials;
        public int BlockPixels, Blocks, Slots;
        public bool AccumulateFirst, Transposed;

        public readonly void Run(int item)
        {
            int depth = G.GroupDepth, oc = G.OutputChannels, ocg = G.GroupOutputChannels;
            int firstBlock = (int)((long)Blocks * item / Slots), lastBlock = (int)((long)Blocks * (item + 1) / Slots);
            float* dw = Partials + ((nint)item * G.KernelLength);
            float* col = ConvScratch.Get(ScratchSlot.Job, (nint)BlockPixels * depth);
            bool tapMajor = TapMajor(in G);
            for (int block = firstBlock; block < lastBlock; block++)
            {
                int p0 = block * BlockPixels, rows = Math.Min(BlockPixels, G.OutputPixels - p0);
                float* dy = Dy + ((nint)p0 * oc);
                bool accumulate = block > firstBlock || AccumulateFirst;
                for (int group = 0; group < G.Groups; group++)
                {
                    var dyGroup = new ReadOnlySpan<float>(dy + (group * ocg), ((rows - 1) * oc) + ocg);
                    if (Transposed)
                    {
                        // dwᵀ_g[ocg, depth] (+)= dy_gᵀ · col: col [rows, depth] as is, dy_g read transposed, into rows
                        // g·ocg … of dwᵀ [oc, depth].
                        Im2Col.PackRows(in G, X, group, p0, rows, col, depth);
                        Gemm.Multiply(true, false, ocg, depth, rows, dyGroup, oc, new ReadOnlySpan<float>(col, rows * depth), depth,
                            new Span<float>(dw + ((nint)group * ocg * depth), ocg * depth), depth, accumulate);
                    }
                    else
                    {
                        // dw_g[depth, ocg] (+)= colᵀ · dy_g: col [rows, depth] read transposed, or tap-major read as is.
                        if (tapMajor)
                            Im2Col.PackTransposedRows(in G, X, group, p0, rows, col, rows);
                        else
                            Im2Col.PackRows(in G, X, group, p0, rows, col, depth);
                        Gemm.Multiply(!tapMajor, false, depth, ocg, rows, new ReadOnlySpan<float>(col, rows * depth), tapMajor ? rows : depth,
                            dyGroup, oc, new Span<float>(dw + (group * ocg), ((depth - 1) * oc) + ocg), oc, accumulate);
                    }
                }
            }
        }
    }
}
