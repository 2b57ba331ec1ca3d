namespace Nabla.Distributed;

/// <summary>
/// The communicator of a program run as one process where no MPI library is installed: rank 0 of 1, every collective a
/// local copy or nothing, so a program written for MPI runs unchanged.
/// </summary>
internal sealed unsafe class LocalCommunicator : Communicator
{
    private readonly CollectiveDescriptor[] _table = new CollectiveDescriptor[1];

    /// <param name="timeout">Reported by <see cref="Communicator.Timeout"/>; nothing waits here.</param>
    /// <param name="why">Why no MPI library is used, for <see cref="Implementation"/>.</param>
    public LocalCommunicator(TimeSpan timeout, string why)
        : base(0, 1, timeout)
    {
        Implementation = $"single process without MPI ({why})";
    }

    public override string Implementation { get; }

    internal override ReadOnlySpan<CollectiveDescriptor> Exchange(CollectiveDescriptor mine, bool needTable)
    {
        _table[0] = mine;
        return _table;
    }

    // With one rank, the sum, maximum and minimum over the ranks are the values themselves, and a broadcast from the
    // only rank changes nothing; the gathers copy this rank's values to the front of the receive buffer.
    internal override void AllReduceRaw(void* data, int count, ElementType type, ReduceOp op)
    {
    }

    internal override void BroadcastRaw(void* data, int count, ElementType type, int root)
    {
    }

    internal override void AllGatherRaw(void* send, int count, ElementType type, void* receive) =>
        Buffer.MemoryCopy(send, receive, (long)count * SizeOf(type), (long)count * SizeOf(type));

    internal override void AllGatherVRaw(void* send, int count, ElementType type, void* receive, int* counts, int* displacements) =>
        AllGatherRaw(send, count, type, receive);

    internal override void ReportFailureCore(string text)
    {
    }

    internal override void AbortCore(string message, int errorCode) => Environment.Exit(errorCode);

    internal override void DisposeCore(Exception? fault)
    {
    }

    private static int SizeOf(ElementType type) => type switch
    {
        ElementType.Double => sizeof(double),
        ElementType.Float or ElementType.Int => sizeof(int),
        _ => 1,
    };
}
