namespace Nabla.Distributed;

/// <summary>
/// How <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c> spread their work over several processes (Keras's
/// <c>keras.distribution</c>). Pass one to <c>Compile(distribution: ...)</c>; the strategy Nabla ships is
/// <c>DataParallel</c> in the Nabla.Distributed package, over MPI.
/// </summary>
/// <remarks>
/// With a data-parallel strategy every process (rank) holds the whole model. Fit starts by checking that every rank
/// built the same architecture with the same batch size and by copying rank 0's weights to the others; each rank then
/// trains on its share of every global batch, the gradients are summed over the ranks (each weighted by its share),
/// and every rank applies the same optimizer step, so the weights stay identical. Logged losses and metrics are over
/// the whole global batch, progress is printed by rank 0 only, and Evaluate and Predict split the data and combine the
/// results. Only library assemblies implement strategies.
/// </remarks>
public abstract class DistributionStrategy
{
    /// <summary>For the strategies of the Nabla.Distributed package.</summary>
    internal DistributionStrategy()
    {
    }

    /// <summary>This process's index among the ranks, 0 to <see cref="Size"/> − 1.</summary>
    public abstract int Rank { get; }

    /// <summary>The number of ranks.</summary>
    public abstract int Size { get; }

    /// <summary>True on rank 0, which prints progress and writes checkpoints.</summary>
    public bool IsChief => Rank == 0;

    /// <summary>Throws on every rank, naming the ranks that differ, unless <paramref name="description"/> is the same on all.</summary>
    internal abstract void VerifySame(string what, string description);

    /// <summary>Overwrites <paramref name="values"/> on every rank with rank 0's.</summary>
    internal abstract void Broadcast(Span<float> values);

    /// <summary>Sums <paramref name="values"/> over the ranks, in place, on every rank.</summary>
    internal abstract void AllReduceSum(Span<double> values);

    /// <summary>
    /// Sums each tensor over the ranks, in place, on every rank (the gradients of a step, fused into few calls). After
    /// <see cref="BeginGradientSum"/> it completes the sum begun during the backward pass and waits for it.
    /// </summary>
    internal abstract void AllReduceSum(ReadOnlySpan<Tensor> tensors);

    /// <summary>
    /// Called before the backward pass of a training step over <paramref name="values"/> (the trainable weights): returns
    /// the callback the backward pass calls as each weight's gradient becomes final (its index, the gradient), so the
    /// sum over the ranks can start while the pass goes on, or null when <see cref="AllReduceSum(ReadOnlySpan{Tensor})"/>
    /// does it all afterwards. After a non-null answer the step must end with that call, or with
    /// <see cref="AbandonGradientSum"/> when the pass failed.
    /// </summary>
    internal virtual Action<int, Tensor>? BeginGradientSum(ReadOnlySpan<Tensor> values) => null;

    /// <summary>Ends a sum begun by <see cref="BeginGradientSum"/> whose backward pass threw <paramref name="error"/>.</summary>
    internal virtual void AbandonGradientSum(Exception error)
    {
    }

    /// <summary>
    /// Concatenates every rank's <paramref name="local"/> in rank order into <paramref name="all"/> on every rank, writing
    /// each rank's length into <paramref name="counts"/>; returns the total length.
    /// </summary>
    internal abstract int AllGather(ReadOnlySpan<float> local, Span<float> all, Span<int> counts);

    /// <summary>A seed drawn on rank 0 from the global sequence and shared with every rank (the same shuffle everywhere).</summary>
    internal ulong AgreeOnSeed()
    {
        ulong seed = Random.NextSeed();
        Broadcast(System.Runtime.InteropServices.MemoryMarshal.Cast<ulong, float>(new Span<ulong>(ref seed)));
        return seed;
    }

    /// <summary>The contiguous share of <paramref name="rows"/> rows that this rank takes: the first rows % Size ranks take one more.</summary>
    internal (int Start, int Count) RowsOf(int rows)
    {
        int quotient = rows / Size, remainder = rows % Size;
        return ((Rank * quotient) + Math.Min(Rank, remainder), quotient + (Rank < remainder ? 1 : 0));
    }
}
