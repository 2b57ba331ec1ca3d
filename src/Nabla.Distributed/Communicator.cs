using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Nabla.Distributed;

/// <summary>
/// The group of processes (ranks) of one job, and the collectives they run together: all-reduce, broadcast,
/// all-gather, barrier. Obtained from <see cref="Mpi.Initialize(TimeSpan?)"/>; disposing it ends MPI in this process.
/// </summary>
/// <remarks>
/// <para>
/// Each rank runs the same program on its own share of the data; a collective is called by every rank, in the same
/// order, with matching arguments, and returns on every rank once all of them have contributed. The collectives work
/// in place on spans of <see cref="float"/> or <see cref="double"/> (arrays, <c>stackalloc</c> memory, slices), pinned
/// for the duration of the call; they allocate nothing.
/// </para>
/// <para>
/// Before moving data the ranks exchange a small descriptor of the call (which collective, its sequence number, count,
/// type, root or operation, and whether the rank's own arguments passed their checks), waiting at most
/// <see cref="Timeout"/>. So every rank reaches the same verdict: the call runs, or all ranks throw, never some ranks
/// waiting forever for the others:
/// </para>
/// <list type="bullet">
/// <item>ranks that called different collectives, or with different counts: <see cref="RankMismatchException"/> on every rank;</item>
/// <item>a bad argument on one rank: that rank throws the argument exception, the others <see cref="RankFailedException"/> naming it;</item>
/// <item>a rank that reported a failure (<see cref="ReportFailure"/>, or an unhandled exception): <see cref="RankFailedException"/> naming it and its error;</item>
/// <item>a rank that does not arrive within the timeout (dead, hung, busy): <see cref="CollectiveTimeoutException"/> naming it.</item>
/// </list>
/// <para>
/// A rank that dies while data moves (killed, crashed) is handled by the launcher: Open MPI's <c>mpirun</c> and MPICH's
/// Hydra kill the whole job when one process exits abnormally, and <c>mpirun</c> names the rank. After a timeout, a
/// failure notice or an MPI error the communicator is <see cref="IsFaulted"/>: it runs no more collectives and
/// <see cref="Dispose"/> aborts the job instead of finalizing.
/// </para>
/// <para>
/// A communicator is used by one thread at a time (MPI is initialized with <c>MPI_THREAD_SERIALIZED</c>); concurrent
/// calls from several threads are serialized by a lock, which is correct but rarely what a program means.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// using var world = Mpi.Initialize();           // rank and size from mpirun; rank 0 of 1 without it
/// float[] gradient = ComputeLocalGradient();
/// world.AllReduce(gradient);                    // the sum over the ranks, on every rank
/// world.Broadcast(weights, root: 0);            // rank 0's weights everywhere
/// if (world.IsRoot) Console.WriteLine($"{world.Size} ranks on {world.Implementation}");
/// </code>
/// </example>
public abstract unsafe partial class Communicator : IDisposable
{
    private int _sequence;
    private Exception? _fault;
    private bool _disposed;
    private bool _reported;

    internal Communicator(int rank, int size, TimeSpan timeout)
    {
        Rank = rank;
        Size = size;
        Timeout = timeout;
    }

    /// <summary>This process's rank: 0 to <see cref="Size"/> − 1.</summary>
    public int Rank { get; }

    /// <summary>The number of ranks in the job (1 without a launcher).</summary>
    public int Size { get; }

    /// <summary>Whether this is rank 0, the rank that prints progress and writes checkpoints.</summary>
    public bool IsRoot => Rank == 0;

    /// <summary>
    /// How long a collective waits for the other ranks to arrive before it throws <see cref="CollectiveTimeoutException"/>
    /// (<see cref="System.Threading.Timeout.InfiniteTimeSpan"/>: forever).
    /// </summary>
    public TimeSpan Timeout { get; }

    /// <summary>The MPI library in use, such as <c>Open MPI v4.1.4</c>, or a note that this is a single process without MPI.</summary>
    public abstract string Implementation { get; }

    /// <summary>Whether a timeout, a failure notice from another rank, an MPI error or <see cref="ReportFailure"/> has ended this communicator's collectives.</summary>
    public bool IsFaulted => _fault is not null;

    /// <summary>The lock that serializes this communicator's MPI calls.</summary>
    internal object Gate { get; } = new();

    /// <summary>
    /// Whether collectives may run on another thread than the one that created the communicator (one thread at a time,
    /// under <see cref="Gate"/>): MPI's <c>MPI_THREAD_SERIALIZED</c> level or above.
    /// </summary>
    internal virtual bool CollectivesFromAnyThread => true;

    /// <summary>Replaces each element of <paramref name="buffer"/> by its combination over all ranks (<c>MPI_Allreduce</c> in place).</summary>
    /// <param name="buffer">The values, the same length on every rank; on return, the combined values, identical on every rank.</param>
    /// <param name="op">How values combine (default <see cref="ReduceOp.Sum"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="op"/> is not a <see cref="ReduceOp"/>.</exception>
    /// <exception cref="RankMismatchException">The ranks called different collectives or passed different lengths or operations.</exception>
    /// <exception cref="RankFailedException">Another rank failed or passed invalid arguments.</exception>
    /// <exception cref="CollectiveTimeoutException">Some rank did not arrive within <see cref="Timeout"/>.</exception>
    /// <exception cref="MpiException">MPI reported an error.</exception>
    /// <exception cref="InvalidOperationException">The communicator is faulted.</exception>
    /// <exception cref="ObjectDisposedException">The communicator is disposed.</exception>
    public void AllReduce(Span<float> buffer, ReduceOp op = ReduceOp.Sum) => AllReduceCore(buffer, ElementType.Float, op);

    /// <inheritdoc cref="AllReduce(Span{float}, ReduceOp)"/>
    public void AllReduce(Span<double> buffer, ReduceOp op = ReduceOp.Sum) => AllReduceCore(buffer, ElementType.Double, op);

    /// <summary>Copies <paramref name="root"/>'s <paramref name="buffer"/> into every other rank's (<c>MPI_Bcast</c>).</summary>
    /// <param name="buffer">On the root, the values to send; elsewhere, where they arrive. The same length on every rank.</param>
    /// <param name="root">The rank whose values win (default 0).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="root"/> is not in [0, <see cref="Size"/>).</exception>
    /// <exception cref="RankMismatchException">The ranks called different collectives or passed different lengths or roots.</exception>
    /// <exception cref="RankFailedException">Another rank failed or passed invalid arguments.</exception>
    /// <exception cref="CollectiveTimeoutException">Some rank did not arrive within <see cref="Timeout"/>.</exception>
    /// <exception cref="MpiException">MPI reported an error.</exception>
    /// <exception cref="InvalidOperationException">The communicator is faulted.</exception>
    /// <exception cref="ObjectDisposedException">The communicator is disposed.</exception>
    public void Broadcast(Span<float> buffer, int root = 0) => BroadcastCore(buffer, ElementType.Float, root);

    /// <inheritdoc cref="Broadcast(Span{float}, int)"/>
    public void Broadcast(Span<double> buffer, int root = 0) => BroadcastCore(buffer, ElementType.Double, root);

    /// <summary>Concatenates every rank's <paramref name="send"/>, in rank order, into every rank's <paramref name="receive"/> (<c>MPI_Allgather</c>).</summary>
    /// <param name="send">This rank's values, the same length n on every rank.</param>
    /// <param name="receive">
    /// At least <see cref="Size"/> × n elements, distinct from <paramref name="send"/>; rank r's values land at [r·n, (r+1)·n)
    /// and elements beyond are left as they are.
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="receive"/> is too short or overlaps <paramref name="send"/>.</exception>
    /// <exception cref="RankMismatchException">The ranks called different collectives or sent different lengths.</exception>
    /// <exception cref="RankFailedException">Another rank failed or passed invalid arguments.</exception>
    /// <exception cref="CollectiveTimeoutException">Some rank did not arrive within <see cref="Timeout"/>.</exception>
    /// <exception cref="MpiException">MPI reported an error.</exception>
    /// <exception cref="InvalidOperationException">The communicator is faulted.</exception>
    /// <exception cref="ObjectDisposedException">The communicator is disposed.</exception>
    public void AllGather(ReadOnlySpan<float> send, Span<float> receive) => AllGatherCore(send, receive, ElementType.Float, CollectiveKind.AllGather);

    /// <inheritdoc cref="AllGather(ReadOnlySpan{float}, Span{float})"/>
    public void AllGather(ReadOnlySpan<double> send, Span<double> receive) => AllGatherCore(send, receive, ElementType.Double, CollectiveKind.AllGather);

    /// <summary>
    /// Concatenates every rank's <paramref name="send"/>, of any length, in rank order, into every rank's
    /// <paramref name="receive"/> (<c>MPI_Allgatherv</c>); the ranks learn each other's lengths in the same call.
    /// </summary>
    /// <param name="send">This rank's values; the lengths may differ between ranks (0 included), as the shards of a prediction do.</param>
    /// <param name="receive">At least the total length over the ranks, distinct from <paramref name="send"/>; elements beyond the total are left as they are.</param>
    /// <param name="counts">One element per rank; receives each rank's length, so rank r's values start at the sum of the counts before r.</param>
    /// <returns>The total number of elements received.</returns>
    /// <exception cref="ArgumentException"><paramref name="counts"/> does not have <see cref="Size"/> elements, <paramref name="receive"/> is too short, or the buffers overlap.</exception>
    /// <exception cref="RankMismatchException">The ranks called different collectives.</exception>
    /// <exception cref="RankFailedException">Another rank failed or passed invalid arguments (a receive buffer too short there, for example).</exception>
    /// <exception cref="CollectiveTimeoutException">Some rank did not arrive within <see cref="Timeout"/>.</exception>
    /// <exception cref="MpiException">MPI reported an error.</exception>
    /// <exception cref="InvalidOperationException">The communicator is faulted.</exception>
    /// <exception cref="ObjectDisposedException">The communicator is disposed.</exception>
    public int AllGatherV(ReadOnlySpan<float> send, Span<float> receive, Span<int> counts) => AllGatherVCore(send, receive, counts, ElementType.Float);

    /// <inheritdoc cref="AllGatherV(ReadOnlySpan{float}, Span{float}, Span{int})"/>
    public int AllGatherV(ReadOnlySpan<double> send, Span<double> receive, Span<int> counts) => AllGatherVCore(send, receive, counts, ElementType.Double);

    /// <summary>Returns once every rank has called it (<c>MPI_Barrier</c>, with the same timeout and checks as every collective).</summary>
    /// <exception cref="RankMismatchException">The ranks called different collectives.</exception>
    /// <exception cref="RankFailedException">Another rank failed.</exception>
    /// <exception cref="CollectiveTimeoutException">Some rank did not arrive within <see cref="Timeout"/>.</exception>
    /// <exception cref="MpiException">MPI reported an error.</exception>
    /// <exception cref="InvalidOperationException">The communicator is faulted.</exception>
    /// <exception cref="ObjectDisposedException">The communicator is disposed.</exception>
    public void Barrier()
    {
        lock (Gate)
        {
            Begin(CollectiveKind.Barrier, 0, 0, 0, 0, null);
        }
    }

    /// <summary>
    /// Checks that every rank holds the same <paramref name="description"/>, such as the model's architecture and the
    /// batch size, and throws on every rank when they differ, naming the ranks and the first difference.
    /// </summary>
    /// <param name="what">What the description describes, for the message, such as <c>"the model and batch size"</c>.</param>
    /// <param name="description">This rank's description; compared through its SHA-256, so it may be long.</param>
    /// <remarks>
    /// Call it once at the start of training: ranks that built different models would otherwise all-reduce gradients of
    /// different lengths (caught, but later and less clearly) or, worse, of equal lengths but different meanings.
    /// </remarks>
    /// <example>
    /// <code>
    /// world.VerifySameOnAllRanks("the model and batch size", $"{model.ToJson()} batch={batchSize}");
    /// // The ranks disagree on the model and batch size: rank 1 has "... batch=32" but rank 0 has "... batch=64" ...
    /// </code>
    /// </example>
    /// <exception cref="ArgumentException"><paramref name="what"/> is null or blank.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="description"/> is null.</exception>
    /// <exception cref="RankMismatchException">The descriptions differ (on every rank).</exception>
    /// <exception cref="RankFailedException">Another rank failed.</exception>
    /// <exception cref="CollectiveTimeoutException">Some rank did not arrive within <see cref="Timeout"/>.</exception>
    /// <exception cref="InvalidOperationException">The communicator is faulted.</exception>
    /// <exception cref="ObjectDisposedException">The communicator is disposed.</exception>
    public void VerifySameOnAllRanks(string what, string description)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(what);
        ArgumentNullException.ThrowIfNull(description);
        byte[] text = Encoding.UTF8.GetBytes(description);
        byte[] hash = SHA256.HashData(text);
        lock (Gate)
        {
            byte[] hashes = new byte[Size * hash.Length];
            AllGatherCore<byte>(hash, hashes, ElementType.Byte, CollectiveKind.Verify);
            List<int>? differ = null;
            for (int r = 1; r < Size; r++)
            {
                if (!hashes.AsSpan(r * hash.Length, hash.Length).SequenceEqual(hashes.AsSpan(0, hash.Length)))
                {
                    (differ ??= []).Add(r);
                }
            }

            if (differ is null)
            {
                return;
            }

            // Every rank saw the same hashes, so every rank is here: gather the texts to say what differs.
            int[] lengths = new int[Size];
            AllGatherCore<int>([text.Length], lengths, ElementType.Int, CollectiveKind.Verify);
            byte[] texts = new byte[lengths.Sum()];
            AllGatherVCore<byte>(text, texts, new int[Size], ElementType.Byte);
            string Text(int rank) => Encoding.UTF8.GetString(texts, lengths.Take(rank).Sum(), lengths[rank]);
            throw new RankMismatchException(DescribeDifference(what, Text(0), differ, Text(differ[0])), Rank, differ);
        }
    }

    /// <summary>
    /// Tells the other ranks that this rank failed with <paramref name="exception"/>, so that their current or next
    /// collective throws <see cref="RankFailedException"/> naming this rank and the error instead of waiting for it.
    /// </summary>
    /// <param name="exception">The error, whose type and message the other ranks will show.</param>
    /// <remarks>
    /// Call it where a rank catches an error it will not recover from, then rethrow. The notice travels on its own
    /// communicator (a duplicate of the world), so it reaches ranks whatever collective they wait in. Afterwards this
    /// communicator is faulted. An unhandled exception does this automatically while an MPI communicator is open. A
    /// <see cref="RankFailedException"/> or <see cref="CollectiveTimeoutException"/> is not passed on (it came from
    /// another rank, which tells the others itself), and a rank reports once.
    /// </remarks>
    /// <example>
    /// <code>
    /// try { TrainOneEpoch(); }
    /// catch (Exception e) { world.ReportFailure(e); throw; }
    /// </code>
    /// </example>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is null.</exception>
    public void ReportFailure(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        lock (Gate)
        {
            ReportFailureLocked(exception);
        }
    }

    /// <summary>
    /// Ends the whole job now: prints <paramref name="message"/> with this rank to the standard error, tells the other
    /// ranks, and calls <c>MPI_Abort</c>, which makes the launcher kill every rank. Never returns.
    /// </summary>
    /// <param name="message">Why, for the log.</param>
    /// <param name="errorCode">The exit status the job ends with (default 1).</param>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    [DoesNotReturn]
    public void Abort(string message, int errorCode = 1)
    {
        ArgumentNullException.ThrowIfNull(message);
        Console.Out.Flush();
        Console.Error.WriteLine($"Nabla.Distributed: rank {Rank} of {Size} aborts the job: {message}");
        Console.Error.Flush();
        AbortCore(message, errorCode);
        Environment.Exit(errorCode);
    }

    /// <summary>
    /// Ends this process's part in the job: the ranks meet a last time (with the usual timeout) and MPI is finalized.
    /// A faulted communicator, or a last meeting that fails, aborts the job instead (printing why), since MPI cannot
    /// finalize with a collective left pending.
    /// </summary>
    /// <remarks>
    /// A process that ends without disposing (normally or through <see cref="Environment.Exit"/>) is disposed at exit:
    /// ranks that all forgot finalize together, and a rank that leaves while the others still run collectives makes
    /// them throw <see cref="RankMismatchException"/> (<c>rank 1 called Dispose #12</c>) and aborts the job.
    /// </remarks>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        lock (Gate)
        {
            Exception? fault = _fault;
            if (fault is null)
            {
                try
                {
                    Begin(CollectiveKind.Finalize, 0, 0, 0, 0, null);
                }
                catch (Exception e)
                {
                    fault = e;
                }
            }

            _disposed = true;
            Mpi.Released(this);
            DisposeCore(fault);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Exchanges <paramref name="mine"/> with every rank and returns the table of descriptors, indexed by rank.</summary>
    /// <param name="mine">This rank's descriptor.</param>
    /// <param name="needTable">Whether the caller needs every rank's descriptor even when they agree (the counts of an all-gather of varying counts).</param>
    /// <returns>
    /// The table, valid until the next exchange; or, when <paramref name="needTable"/> is false, an empty span if every
    /// rank agrees and none reports an argument error (see <see cref="CollectiveDescriptor.Summary"/>).
    /// </returns>
    internal abstract ReadOnlySpan<CollectiveDescriptor> Exchange(CollectiveDescriptor mine, bool needTable);

    /// <summary>In-place all-reduce of <paramref name="count"/> elements at <paramref name="data"/>; the ranks already agreed.</summary>
    internal abstract void AllReduceRaw(void* data, int count, ElementType type, ReduceOp op);

    /// <summary>Broadcast of <paramref name="count"/> elements from <paramref name="root"/>; the ranks already agreed.</summary>
    internal abstract void BroadcastRaw(void* data, int count, ElementType type, int root);

    /// <summary>All-gather of <paramref name="count"/> elements per rank; the ranks already agreed.</summary>
    internal abstract void AllGatherRaw(void* send, int count, ElementType type, void* receive);

    /// <summary>All-gather of varying counts; the ranks already agreed and the counts are known.</summary>
    internal abstract void AllGatherVRaw(void* send, int count, ElementType type, void* receive, int* counts, int* displacements);

    /// <summary>Sends a failure notice with <paramref name="text"/> to the other ranks.</summary>
    internal abstract void ReportFailureCore(string text);

    /// <summary>Aborts the job with <paramref name="errorCode"/>; does not return.</summary>
    internal abstract void AbortCore(string message, int errorCode);

    /// <summary>Finalizes (no <paramref name="fault"/>) or aborts the job (a fault).</summary>
    internal abstract void DisposeCore(Exception? fault);

    /// <summary>
    /// Starts a collective: checks the communicator is usable, exchanges descriptors and applies the verdict. An
    /// exception from the exchange (a timeout, a failure notice, an MPI error) faults the communicator; a verdict
    /// against the call (a mismatch, a bad argument) does not, since every rank reached it together.
    /// </summary>
    /// <returns>The table of descriptors, indexed by rank.</returns>
    internal ReadOnlySpan<CollectiveDescriptor> Begin(CollectiveKind kind, ElementType type, int count, int argument, int capacity, Exception? error)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_fault is not null)
        {
            throw new InvalidOperationException(
                $"The communicator of rank {Rank} is faulted and runs no more collectives, after: {_fault.Message} " +
                "Dispose it to end this rank's part in the job.", _fault);
        }

        var mine = new CollectiveDescriptor
        {
            Kind = kind,
            Sequence = ++_sequence,
            Type = type,
            Count = count,
            Argument = argument,
            Capacity = capacity,
            ArgumentError = error is null ? 0 : 1,
        };
        ReadOnlySpan<CollectiveDescriptor> table;
        try
        {
            table = Exchange(mine, needTable: kind == CollectiveKind.AllGatherV);
        }
        catch (Exception e)
        {
            Fault(e);
            throw;
        }

        // An empty table means every rank agreed, which a rank with an argument error prevents.
        Debug.Assert(!table.IsEmpty || error is null, "the ranks cannot agree while this rank reports an argument error");
        if (!table.IsEmpty)
        {
            CollectiveAgreement.Check(table, Rank, error);
        }

        return table;
    }

    /// <summary>Marks the communicator faulted by <paramref name="error"/> (the first fault wins).</summary>
    internal void Fault(Exception error) => _fault ??= error;
}
