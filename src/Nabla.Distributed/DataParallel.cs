using System.Diagnostics;

namespace Nabla.Distributed;

/// <summary>
/// Data-parallel training over MPI (Keras's <c>keras.distribution.DataParallel</c>, PyTorch's DistributedDataParallel):
/// every rank holds the whole model and trains on its share of every global batch; gradients are summed with
/// all-reduce, so every rank takes the same optimizer step and the weights stay identical.
/// </summary>
/// <remarks>
/// <para>
/// Give it to <c>Compile(distribution: ...)</c>. <c>Fit</c>'s <c>batchSize</c> is then the global batch: with
/// <see cref="DistributionStrategy.Size"/> ranks each computes about batchSize / Size rows. Fit checks at its start that
/// every rank built the same model with the same batch size (a clear error names the ranks that differ) and copies
/// rank 0's weights to all. Logs are over the whole global batch; progress is printed by rank 0 only; Evaluate and
/// Predict split each batch across the ranks and combine the results on every rank. Batch-norm statistics are averaged
/// over the ranks after each step.
/// </para>
/// <para>
/// Gradients reach MPI from the tensors' host memory; small gradients are packed into buckets and large ones reduced in
/// place (<see cref="GradientBuckets"/>). A rank that fails or falls silent makes the others fail within the
/// communicator's timeout, naming it, instead of hanging.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// using var world = Mpi.Initialize();
/// model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"],
///               distribution: new DataParallel(world));
/// model.Fit(xTrain, yTrain, epochs: 5, batchSize: 64);   // 64 = the global batch
/// </code>
/// <code>
/// mpirun -np 2 dotnet run -c Release --project samples/DistributedFashionMnist
/// </code>
/// </example>
public sealed class DataParallel : DistributionStrategy
{
    private GradientBuckets? _buckets;
    private int[] _bucketLengths = [];
    private Memory<float>[] _views = [];
    private long _allReduceTicks;
    private long _allReduceCalls;

    /// <summary>Creates the strategy over <paramref name="communicator"/> (usually the world from <see cref="Mpi.Initialize"/>).</summary>
    /// <param name="communicator">The ranks to train across; a one-process communicator trains alone, unchanged.</param>
    public DataParallel(Communicator communicator)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        Communicator = communicator;
    }

    /// <summary>The ranks training together.</summary>
    public Communicator Communicator { get; }

    /// <summary>
    /// The wall time this rank has spent summing gradients across the ranks since the strategy was created: the time
    /// an optimizer step waits for the all-reduce, including the wait for slower ranks. Compare it with the epoch's
    /// time to see what share of a step the communication takes.
    /// </summary>
    public TimeSpan GradientAllReduceTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _allReduceTicks));

    /// <summary>The number of gradient all-reduces (one per training step) since the strategy was created.</summary>
    public long GradientAllReduceCount => Interlocked.Read(ref _allReduceCalls);

    /// <inheritdoc/>
    public override int Rank => Communicator.Rank;

    /// <inheritdoc/>
    public override int Size => Communicator.Size;

    /// <inheritdoc/>
    internal override void VerifySame(string what, string description) => Communicator.VerifySameOnAllRanks(what, description);

    /// <inheritdoc/>
    internal override void Broadcast(Span<float> values) => Communicator.Broadcast(values);

    /// <inheritdoc/>
    internal override void AllReduceSum(Span<double> values) => Communicator.AllReduce(values);

    /// <inheritdoc/>
    internal override void AllReduceSum(ReadOnlySpan<Tensor> tensors)
    {
        if (!SameLengths(tensors))
        {
            _bucketLengths = new int[tensors.Length];
            for (int i = 0; i < tensors.Length; i++)
            {
                _bucketLengths[i] = tensors[i].Size;
            }

            _buckets = new GradientBuckets(Communicator, _bucketLengths);
            _views = new Memory<float>[tensors.Length];
        }

        for (int i = 0; i < tensors.Length; i++)
        {
            _views[i] = new Memory<float>(tensors[i].Storage, tensors[i].Offset, tensors[i].Size);
        }

        long start = Stopwatch.GetTimestamp();
        _buckets!.AllReduceSum(_views);
        Interlocked.Add(ref _allReduceTicks, Stopwatch.GetTimestamp() - start);
        Interlocked.Increment(ref _allReduceCalls);
    }

    /// <inheritdoc/>
    internal override int AllGather(ReadOnlySpan<float> local, Span<float> all, Span<int> counts) => Communicator.AllGatherV(local, all, counts);

    private bool SameLengths(ReadOnlySpan<Tensor> tensors)
    {
        if (_buckets is null || _bucketLengths.Length != tensors.Length)
        {
            return false;
        }

        for (int i = 0; i < tensors.Length; i++)
        {
            if (_bucketLengths[i] != tensors[i].Size)
            {
                return false;
            }
        }

        return true;
    }
}
