namespace Nabla.Kernels.Parallel;

/// <summary>
/// How a weight matrix's rows are shared out among the threads of a parallel call: the same cut for the optimizer's
/// update and for the products that read the weights, so that each core reads the lines it wrote itself.
/// </summary>
/// <remarks>
/// <para>
/// A Dense kernel [inputs, units] is updated by the optimizer in per-thread shares (<c>Optimizer.Apply</c>) and read
/// by the next step's forward product x·W, where its rows are the product's depth. When the forward product cuts
/// W differently (into column halves, or not at all, each thread packing all of it), every line a core reads there was
/// last written by the other core, and the next update has to take each line back: on an Intel Xeon (Emerald Rapids)
/// Adam over W4's 101,770 weights took 33 µs with each core's weights in its own cache, 100 µs when the other core
/// had read them in between, and 77 µs when both had. Cutting the rows at the same place in both, part <c>p</c> of
/// <c>n</c> on the same thread in both (<see cref="ParallelRunner"/> gives the caller the first index and a worker
/// the last), keeps the lines where they are.
/// </para>
/// </remarks>
internal static class WeightShares
{
    /// <summary>The first of the <paramref name="count"/> rows that part <paramref name="part"/> of <paramref name="parts"/> takes (<paramref name="count"/> for the end of the last part).</summary>
    /// <param name="count">Rows to share out, 0 or more.</param>
    /// <param name="part">The part, from 0 to <paramref name="parts"/> (inclusive, for the end).</param>
    /// <param name="parts">How many parts, at least 1.</param>
    public static int Start(int count, int part, int parts) => (int)((long)count * part / parts);
}
