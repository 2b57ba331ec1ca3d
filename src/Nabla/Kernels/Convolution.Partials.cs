namespace Nabla.Kernels;

internal static unsafe partial class Convolution
{
    // Floats each item of a partial-sum reduction adds up.
    private const int ReduceItemFloats = 1 << 13;

    // Rows a slot of SumRows covers at least.
    private const int SumRowsPerSlot = 512;

    /// <summary>dst = Σ_s partials[s] (or dst += it), adding the slots in order whatever thread runs which range.</summary>
    /// <remarks>
    /// Also the last step of the activation gradient's slotted column sums (<see cref="ActivationDriver"/>) and of a
    /// single row vector's slotted product (<see cref="Gemm"/>).
    /// </remarks>
    internal static void ReducePartials(float* partials, int slots, int length, float* dst, bool accumulate)
    {
        int items = Blocks(length, ReduceItemFloats);
        var work = new ReduceWork { Partials = partials, Slots = slots, Length = length, Dst = dst, Accumulate = accumulate, Width = VectorWidth.Current };
        SpatialThreads.Run(items, SpatialThreads.PartsForElements((double)slots * length, items), ref work);
    }

    /// <summary>dst[c] (+)= Σ_r src[r, c] over a [rows, channels] matrix: fixed slots of rows, each summed in float, then the slots in order.</summary>
    private static void SumRows(float* src, int rows, int channels, float* dst, bool accumulate)
    {
        int slots = Math.Clamp(Blocks(rows, SumRowsPerSlot), 1, MaxSlots);
        var work = new SumRowsWork
        {
            Src = src,
            Rows = rows,
            Channels = channels,
            Slots = slots,
            Partials = slots == 1 ? dst : ConvScratch.Get(ScratchSlot.Call, (nint)slots * channels),
            AccumulateFirst = slots == 1 && accumulate,
            Width = VectorWidth.Current,
        };
        SpatialThreads.Run(slots, SpatialThreads.PartsForElements((double)rows * channels, slots), ref work);
        if (slots > 1)
            ReducePartials(work.Partials, slots, channels, dst, accumulate);
    }

    private struct ReduceWork : IWorkItems
    {
        public float* Partials, Dst;
        public int Slots, Length;
        public bool Accumulate;
        public VectorWidth Width;

        public readonly void Run(int item)
        {
            int start = item * ReduceItemFloats, count = Math.Min(ReduceItemFloats, Length - start);
            float* dst = Dst + start;
            if (!Accumulate)
                RowOps.Copy(Partials + start, dst, count);
            else
                RowOps.Add(dst, Partials + start, count, Width);
            for (int s = 1; s < Slots; s++)
                RowOps.Add(dst, Partials + ((nint)s * Length) + start, count, Width);
        }
    }

    private struct SumRowsWork : IWorkItems
    {
        public float* Src, Partials;
        public int Rows, Channels, Slots;
        public bool AccumulateFirst;
        public VectorWidth Width;

        public readonly void Run(int item)
        {
            int first = (int)((long)Rows * item / Slots), last = (int)((long)Rows * (item + 1) / Slots);
            float* sum = Partials + ((nint)item * Channels);
            if (!AccumulateFirst)
                RowOps.Clear(sum, Channels);
            for (int r = first; r < last; r++)
                RowOps.Add(sum, Src + ((nint)r * Channels), Channels, Width);
        }
    }
}
