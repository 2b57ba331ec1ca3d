using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace Nabla.Kernels.Parallel;

/// <summary>Runs an <see cref="IParallelJob"/> over the indices [0, count) on persistent worker threads, without allocating.</summary>
/// <remarks>
/// <para>
/// Kernels (GEMM, elementwise, softmax, convolution) split their work into a few indices and call
/// <see cref="For{TJob}(int, ref TJob)"/>. The runner owns <see cref="WorkerCount"/> background
/// threads (one per core besides the caller's); the calling thread takes part in the work, so at
/// most <see cref="MaxParallelism"/> indices run at once. Indices are claimed one at a time, the
/// caller from the first up and the workers from the last down (<see cref="TwoEndedClaims"/>), so a
/// thread that is descheduled (other processes share the cores) simply claims fewer of them, and on two
/// threads that keep pace each one takes the same indices call after call: a job that cuts its data
/// the same way every call (an optimizer's share of the weights, a product's blocks) then finds its
/// share in its own core's cache. Claimed in turn from one counter, Adam's two halves of W4's
/// 101,770 weights went to either core from one step to the next.
/// </para>
/// <para>
/// No allocation per call: the job stays on the caller's stack and workers reach it through a
/// pointer and a <c>delegate*</c> to a generic trampoline, <see cref="Drain{TJob}(void*, bool)"/>. The
/// caller returns only after every index has finished and every worker has left the batch, which is
/// what keeps that pointer valid.
/// </para>
/// <para>
/// After a batch, workers spin for about <see cref="SpinMicroseconds"/> µs waiting for the next one
/// (back-to-back kernels in a training step then start without a wake-up), then block on an event
/// so idle workers leave the cores to others. A millisecond covers the serial stretches of a training
/// step (gathering a batch, the loss, the metrics) at every batch size of the tutorials; waking a
/// blocked worker costs tens of microseconds on a virtual machine, more than a small product takes.
/// </para>
/// <para>
/// Never nested: a <see cref="For{TJob}(int, ref TJob)"/> issued from inside a job, or while
/// another thread's batch is running, runs its indices serially on the calling thread. The first
/// exception thrown by <see cref="IParallelJob.Execute(int)"/> stops the claiming of further
/// indices and is rethrown to the caller with its original stack trace once the batch has drained.
/// </para>
/// </remarks>
internal static unsafe class ParallelRunner
{
    /// <summary>How long an idle worker polls for the next batch before it blocks.</summary>
    internal const int SpinMicroseconds = 1000;

    private static readonly long SpinTicks = Stopwatch.Frequency * SpinMicroseconds / 1_000_000;

    // State of the batch in flight. Only the thread that owns _busy writes it; workers read it.
    private static BatchCounters _state;
    private static int _busy;
    private static void* _job;
    private static delegate*<void*, bool, void> _drain;
    private static Exception? _error;
    private static Worker[]? _workers;
    private static long _batches;

    // True on worker threads, and on the caller while it runs its share of a batch.
    [ThreadStatic]
    private static bool _inBatch;

    /// <summary>Number of worker threads: one per thread of the budget besides the caller's (<see cref="ThreadBudget"/>).</summary>
    public static int WorkerCount { get; } = ThreadBudget.Threads - 1;

    /// <summary>Most indices that run at the same time: the workers plus the calling thread.</summary>
    public static int MaxParallelism => WorkerCount + 1;

    /// <summary>Whether the current thread is executing a job of a parallel batch (nested calls run serially).</summary>
    public static bool IsInsideJob => _inBatch;

    /// <summary>
    /// How many calls have been handed to the workers since the process started; calls that ran serially on the caller
    /// (one index, nested, or while another batch ran) are not counted. Tests use it to see whether a kernel split its work.
    /// </summary>
    internal static long BatchCount => Interlocked.Read(ref _batches);

    /// <summary>Calls <c>job.Execute(i)</c> once for every <c>i</c> in [0, <paramref name="count"/>), in parallel, and returns when all are done.</summary>
    /// <typeparam name="TJob">The job type; a struct (or ref struct) so calls bind statically and nothing is boxed.</typeparam>
    /// <param name="count">The number of indices; 0 does nothing, 1 runs on the calling thread.</param>
    /// <param name="job">
    /// The job. It is copied to the caller's stack for the duration of the call (a reference into a
    /// heap object could move under the workers) and copied back afterwards.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public static void For<TJob>(int count, ref TJob job)
        where TJob : struct, IParallelJob, allows ref struct
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count <= 1 || WorkerCount == 0 || _inBatch || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            for (int i = 0; i < count; i++)
                job.Execute(i);
            return;
        }

        try
        {
            Interlocked.Increment(ref _batches);
            RunBatch(count, ref job);
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    private static void RunBatch<TJob>(int count, ref TJob job)
        where TJob : struct, IParallelJob, allows ref struct
    {
        Worker[] workers = _workers ?? CreateWorkers();
        TJob local = job;
        _job = Unsafe.AsPointer(ref local);
        _drain = &Drain<TJob>;
        _error = null;
        _state.Claims.Start(count);
        Volatile.Write(ref _state.Open, 1);
        Interlocked.Increment(ref _state.Generation);   // full fence: publishes the batch, then reads Sleeping

        int toWake = count - 1;
        for (int i = 0; i < workers.Length && toWake > 0; i++)
        {
            Worker w = workers[i];
            if (Volatile.Read(ref w.Sleeping) != 0 && Interlocked.Exchange(ref w.Sleeping, 0) != 0)
            {
                w.Wake.Set();
                toWake--;
            }
        }

        _inBatch = true;
        Drain<TJob>(_job, fromFirst: true);
        _inBatch = false;

        // Close the batch, then wait for every worker that entered it. A worker that registers after
        // the close sees Open == 0 and leaves without touching the job (see WorkerLoop).
        Interlocked.Exchange(ref _state.Open, 0);
        SpinWait spin = default;
        while (Volatile.Read(ref _state.Active) != 0)
            spin.SpinOnce(sleep1Threshold: -1);

        job = local;
        _job = null;
        Exception? error = _error;
        _error = null;
        if (error is not null)
            ExceptionDispatchInfo.Throw(error);
    }

    // Claims and executes indices of the current batch until none are left, from the first end on the caller and
    // from the last on the workers that joined; the first exception stops the claiming everywhere.
    private static void Drain<TJob>(void* state, bool fromFirst)
        where TJob : struct, IParallelJob, allows ref struct
    {
        ref TJob job = ref Unsafe.AsRef<TJob>(state);
        try
        {
            while (_state.Claims.TryClaim(fromFirst, out int index))
                job.Execute(index);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _error, e, null);
            _state.Claims.Start(0);
        }
    }

    // Called by the thread that owns _busy, so workers are created exactly once.
    private static Worker[] CreateWorkers()
    {
        var workers = new Worker[WorkerCount];
        int generation = Volatile.Read(ref _state.Generation);
        for (int i = 0; i < workers.Length; i++)
        {
            workers[i] = new Worker(generation);
            var thread = new Thread(WorkerLoop) { IsBackground = true, Name = $"Nabla worker {i + 1}" };
            thread.Start(workers[i]);
        }

        _workers = workers;
        return workers;
    }

    private static void WorkerLoop(object? state)
    {
        var self = (Worker)state!;
        _inBatch = true;
        int seen = self.StartGeneration;
        while (true)
        {
            seen = WaitForBatch(self, seen);

            // Register first, then check that the batch is still open: the caller closes before it
            // waits for Active to reach zero, so either it waits for us or we see it closed.
            Interlocked.Increment(ref _state.Active);
            if (Volatile.Read(ref _state.Open) != 0)
                _drain(_job, false);
            Interlocked.Decrement(ref _state.Active);
        }
    }

    private static int WaitForBatch(Worker self, int seen)
    {
        long deadline = Stopwatch.GetTimestamp() + SpinTicks;
        int generation;
        for (int spins = 1; (generation = Volatile.Read(ref _state.Generation)) == seen; spins++)
        {
            if ((spins & 63) == 0 && Stopwatch.GetTimestamp() > deadline)
                return Sleep(self, seen);
            Thread.SpinWait(8);
        }

        return generation;
    }

    // Blocks until the generation moves past 'seen'. Sleeping is raised before the generation is
    // re-read and the caller bumps the generation before it reads Sleeping (both interlocked), so a
    // new batch either is seen here or finds Sleeping set and signals the event. A stale signal only
    // causes one more trip round the loop.
    private static int Sleep(Worker self, int seen)
    {
        while (true)
        {
            self.Wake.Reset();
            Interlocked.Exchange(ref self.Sleeping, 1);
            int generation = Volatile.Read(ref _state.Generation);
            if (generation == seen)
            {
                self.Wake.Wait();
                generation = Volatile.Read(ref _state.Generation);
            }

            if (generation != seen)
            {
                Interlocked.Exchange(ref self.Sleeping, 0);
                return generation;
            }
        }
    }

    private sealed class Worker(int startGeneration)
    {
        public readonly ManualResetEventSlim Wake = new(initialState: false, spinCount: 1);
        public readonly int StartGeneration = startGeneration;
        public int Sleeping;
    }

    // Each counter on its own cache line: idle workers poll Generation while the batch's threads
    // hammer Claims, and neither should slow the other down.
    [StructLayout(LayoutKind.Explicit, Size = 4 * 64)]
    private struct BatchCounters
    {
        [FieldOffset(0)] public int Generation;
        [FieldOffset(64)] public TwoEndedClaims Claims;
        [FieldOffset(128)] public int Active;
        [FieldOffset(192)] public int Open;
    }
}
