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
/// place (<see cref="GradientBuckets"/>), bucket by bucket while the backward pass still runs (see
/// <see cref="OverlapCommunication"/>). A model on a device (a GPU) trains the same way: each gradient is downloaded
/// into a host buffer as it becomes final, summed there, and uploaded before the optimizer step, which runs on the
/// device; rank 0's weights and the averaged batch-norm statistics travel through host memory too (CUDA-aware MPI is
/// not assumed). A rank that fails or falls silent makes the others fail within the communicator's timeout, naming it,
/// instead of hanging.
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
    private readonly int _bucketBytes;
    private readonly int _inPlaceBytes;
    private GradientBuckets? _buckets;
    private OverlappedGradientSum? _overlap;
    private bool _overlapping;
    private int[] _bucketLengths = [];
    private Memory<float>[] _views = [];
    private float[]?[] _host = [];
    private Func<int, Tensor, Memory<float>>? _hostView;
    private long _allReduceTicks;
    private long _allReduceCalls;
    private long _busyTicks;
    private long _overlappedBefore;

    /// <summary>Creates the strategy over <paramref name="communicator"/> (usually the world from <see cref="Mpi.Initialize"/>).</summary>
    /// <param name="communicator">The ranks to train across; a one-process communicator trains alone, unchanged.</param>
    /// <param name="overlapCommunication">
    /// Whether the gradients are summed bucket by bucket while the backward pass still runs, on a communication thread
    /// (as PyTorch's DistributedDataParallel does); false sums them all after the pass. The results are the same bits
    /// either way. The default (null) overlaps when this process may run on more than one core
    /// (<see cref="Environment.ProcessorCount"/> &gt; 1): over shared memory the all-reduce is copies made by the CPU, and
    /// a rank bound to a single core (as <c>mpirun</c> binds ranks by default when there are as many ranks as cores)
    /// would take the communication thread's time from its own backward pass (measured: W3's 2-rank epoch 0.251 s
    /// overlapped against 0.236 s after the pass, docs/distributed.md). Ignored (no overlap) when the MPI library does
    /// not allow collectives from a second thread.
    /// </param>
    /// <param name="bucketBytes">The most bytes of small gradients packed into one all-reduce (default 25 MiB, <see cref="GradientBuckets.DefaultBucketBytes"/>).</param>
    /// <param name="inPlaceBytes">The size from which a gradient is all-reduced alone, where it lies (default 1 MiB, <see cref="GradientBuckets.DefaultInPlaceBytes"/>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="communicator"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bucketBytes"/> or <paramref name="inPlaceBytes"/> is less than 4.</exception>
    public DataParallel(Communicator communicator, bool? overlapCommunication = null,
        int bucketBytes = GradientBuckets.DefaultBucketBytes, int inPlaceBytes = GradientBuckets.DefaultInPlaceBytes)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketBytes, sizeof(float));
        ArgumentOutOfRangeException.ThrowIfLessThan(inPlaceBytes, sizeof(float));
        Communicator = communicator;
        OverlapCommunication = (overlapCommunication ?? Environment.ProcessorCount > 1) && communicator.Size > 1 && communicator.CollectivesFromAnyThread;
        _bucketBytes = bucketBytes;
        _inPlaceBytes = inPlaceBytes;
    }

    /// <summary>The ranks training together.</summary>
    public Communicator Communicator { get; }

    /// <summary>
    /// Whether gradients are summed while the backward pass runs: asked for (or, by default, more than one core for this
    /// process), more than one rank, and an MPI library that allows collectives from a second thread
    /// (<c>MPI_THREAD_SERIALIZED</c>).
    /// </summary>
    public bool OverlapCommunication { get; }

    /// <summary>
    /// The wall time this rank's optimizer steps have waited for the gradients' sum across the ranks since the strategy
    /// was created, including the wait for slower ranks. Without overlap it is the whole all-reduce; with overlap, the
    /// part that the backward pass did not hide. Compare it with the epoch's time to see what share of a step the
    /// communication costs.
    /// </summary>
    public TimeSpan GradientAllReduceTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _allReduceTicks));

    /// <summary>
    /// The wall time spent inside the gradient collectives (agreeing, packing, reducing), wherever they ran: with
    /// overlap, on the communication thread, partly hidden behind the backward pass.
    /// </summary>
    public TimeSpan GradientCommunicationTime =>
        Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _busyTicks) + (_overlap?.BusyTicks ?? 0));

    /// <summary>The number of gradient all-reduces (one per training step) since the strategy was created.</summary>
    public long GradientAllReduceCount => Interlocked.Read(ref _allReduceCalls);

    /// <summary>
    /// The number of gradient buckets handed to the communication thread while the backward pass still computed other
    /// buckets' gradients, since the strategy was created: the buckets whose sum could overlap the pass. A step's last
    /// bucket (the first layers' gradients) is not counted, so a model whose gradients fill one bucket counts none.
    /// </summary>
    public long OverlappedBucketCount => _overlappedBefore + (_overlap?.OverlappedBuckets ?? 0);

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
    internal override Action<int, Tensor>? BeginGradientSum(ReadOnlySpan<Tensor> values)
    {
        if (!OverlapCommunication)
        {
            return null;
        }

        Plan(values);
        _overlap ??= new OverlappedGradientSum(Communicator, _buckets!, _hostView ??= HostView);
        _overlap.Begin();
        _overlapping = true;
        return _overlap.Ready;
    }

    /// <inheritdoc/>
    internal override void AbandonGradientSum(Exception error)
    {
        if (_overlapping)
        {
            _overlapping = false;
            _overlap!.Abandon();
        }
    }

    /// <inheritdoc/>
    internal override void AllReduceSum(ReadOnlySpan<Tensor> tensors)
    {
        long start = Stopwatch.GetTimestamp();
        if (_overlapping)
        {
            _overlapping = false;
            _overlap!.Complete(tensors);
        }
        else
        {
            Plan(tensors);
            int n = tensors.Length;
            for (int i = 0; i < n; i++)
            {
                _views[n - 1 - i] = HostView(i, tensors[i]);
            }

            _buckets!.AllReduceSum(_views);
            Interlocked.Add(ref _busyTicks, Stopwatch.GetTimestamp() - start);
        }

        // Device gradients were summed in host copies: upload the sums.
        for (int i = 0; i < tensors.Length; i++)
        {
            if (tensors[i].Memory is not null)
            {
                tensors[i].CopyFromHost(_host[i]!);
            }
        }

        Interlocked.Add(ref _allReduceTicks, Stopwatch.GetTimestamp() - start);
        Interlocked.Increment(ref _allReduceCalls);
    }

    /// <inheritdoc/>
    internal override int AllGather(ReadOnlySpan<float> local, Span<float> all, Span<int> counts) => Communicator.AllGatherV(local, all, counts);

    /// <summary>
    /// The host floats of gradient <paramref name="index"/>: the tensor's own array on the CPU; for a device tensor, a
    /// host copy downloaded now (MPI reads host memory: CUDA-aware MPI is not assumed), uploaded back after the sum.
    /// </summary>
    private Memory<float> HostView(int index, Tensor t)
    {
        if (t.Memory is null)
        {
            return new Memory<float>(t.Storage, t.Offset, t.Size);
        }

        float[] host = _host[index] ??= GC.AllocateUninitializedArray<float>(t.Size, pinned: true);
        t.CopyTo(host);
        return host;
    }

    /// <summary>
    /// (Re)plans the buckets when the gradients' lengths change: over the gradients in reverse order, the order in which
    /// the backward pass finishes them, with or without overlap (so ranks that differ in overlap still match).
    /// </summary>
    private void Plan(ReadOnlySpan<Tensor> tensors)
    {
        if (SameLengths(tensors))
        {
            return;
        }

        if (_overlap is not null)
        {
            // Another model (or more weights): a new plan and a new communication thread; the old one ends.
            Interlocked.Add(ref _busyTicks, _overlap.BusyTicks);
            _overlappedBefore += _overlap.OverlappedBuckets;
            _overlap.Retire();
            _overlap = null;
        }

        int n = tensors.Length;
        _bucketLengths = new int[n];
        int[] reversed = new int[n];
        for (int i = 0; i < n; i++)
        {
            _bucketLengths[i] = tensors[i].Size;
            reversed[n - 1 - i] = tensors[i].Size;
        }

        _buckets = new GradientBuckets(Communicator, reversed, _bucketBytes, _inPlaceBytes, keepOrder: true);
        _views = new Memory<float>[n];
        _host = new float[n][];
    }

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
