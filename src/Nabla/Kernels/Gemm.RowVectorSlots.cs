using Nabla.Kernels.Parallel;

namespace Nabla.Kernels;

internal static unsafe partial class Gemm
{
    // Elements of B per slot of a single row-vector product (256 KB): the slots are B's elements over this, rounded to the
    // nearest, so two slots from 1.5 times it (384 KB) on.
    private const int RowVectorSlotElements = 1 << 16;

    // At most this many slots: their partial rows of C are added in order at the end.
    private const int RowVectorMaxSlots = 8;

    /// <summary>The slots of rows of B a single row-vector product is cut into: set by the shape alone, so the bits do not depend on the threads.</summary>
    /// <remarks>
    /// Rounded to the nearest rather than down so that W4's Dense(128) on 784 inputs (100,352 weights, 1.53 slots' worth)
    /// is cut in two, at row 392: the row <see cref="WeightShares"/> gives the optimizer's two shares. In a batch-1
    /// training step (W7) each core then reads the weights its own Adam share wrote, instead of the caller reading them
    /// all while the worker's share of the update took its lines back: 129-141 → 71-86 µs a step on the Emerald Rapids
    /// Xeon, alternating builds, with batch-1 Predict of the same model unchanged within the noise (7.6-10.9 against
    /// 8.8-9.3 µs).
    /// </remarks>
    internal static int RowVectorSlots(int k, int n) => (int)Math.Clamp(((long)k * n + (RowVectorSlotElements / 2)) / RowVectorSlotElements, 1, Math.Max(1, Math.Min(RowVectorMaxSlots, k / 4)));

    /// <summary>One row vector times a large matrix (a Dense layer on one sample): the rows of B in slots that the threads share.</summary>
    /// <remarks>
    /// Cutting the columns between the threads (<see cref="RowVectorJob"/>) has each one read part of every row of B, a
    /// strided pattern that ran slower on two threads than on one below 4 MB of B. Here each slot streams a
    /// contiguous run of whole rows into its own partial row of C (the first into C itself), and the partial rows are
    /// added to C in slot order. From two slots (384 KB of B) on, the threads share them: W5's Dense(128) on 3,136
    /// inputs, 1.6 MB streamed from L3, took 13 µs less of a batch-1 Predict (107 → 94 µs). The runner hands the
    /// calling thread the slots from the first up and the workers those from the last down, so from one call to the next
    /// each core streams the same rows, which its L2 can then keep: on a 2-core Xeon (2 MB of L2 a core) that
    /// Dense(128) took 7 µs instead of 15, when slots claimed in turn went to either core.
    /// </remarks>
    private static void RowVectorSlotted(in GemmOperands g, GemmPath path, int slots)
    {
        var job = new RowVectorSlotJob
        {
            Operands = g,
            Path = path,
            Slots = slots,
            Partials = GemmScratch.Get((nint)(slots - 1) * g.N),
        };
        job.Parts = ThreadsFor(double.MaxValue) > 1 ? slots : 1;   // claimed one by one from two ends: a slower core takes fewer
        ParallelRunner.For(job.Parts, ref job);
        Convolution.ReducePartials(job.Partials, slots - 1, g.N, g.C, accumulate: true);   // C += slots 1, 2, … in order
    }

    // Part p of Parts takes an equal run of the slots (one each when the threads share them); slot s covers rows
    // [Row(s), Row(s + 1)) of B, a multiple of four.
    private struct RowVectorSlotJob : IParallelJob
    {
        public GemmOperands Operands;
        public GemmPath Path;
        public int Slots, Parts;
        public float* Partials;

        public readonly void Execute(int index)
        {
            GemmOperands g = Operands;
            nint aStep = g.TransposeA ? g.Lda : 1;
            for (int s = Slots * index / Parts, end = Slots * (index + 1) / Parts; s < end; s++)
            {
                int first = Row(s), last = Row(s + 1);
                float* c = s == 0 ? g.C : Partials + ((nint)(s - 1) * g.N);
                RowProducts(Path, g.A + (first * aStep), aStep, g.B + (first * g.Ldb), g.Ldb, c, last - first, g.N, s == 0 && g.Accumulate);
            }
        }

        private readonly int Row(int slot) => slot == Slots ? Operands.K : (int)((long)(Operands.K / 4) * slot / Slots) * 4;
    }
}
