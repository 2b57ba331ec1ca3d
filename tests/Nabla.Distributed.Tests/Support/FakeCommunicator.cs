namespace Nabla.Distributed.Tests.Support;

/// <summary>
/// A communicator of <paramref name="size"/> simulated ranks in one process, for testing what sits above the
/// collectives without MPI: every other rank agrees with this one and holds the same values, and every all-reduced
/// element gets a marker of +1, so a test can tell an element reduced once from one reduced twice or never.
/// </summary>
/// <param name="size">The simulated number of ranks.</param>
internal sealed unsafe class FakeCommunicator(int size) : Communicator(0, size, TimeSpan.FromSeconds(1))
{
    private readonly CollectiveDescriptor[] _table = new CollectiveDescriptor[size];

    public override string Implementation => "fake";

    /// <summary>The addresses and lengths of the all-reduces run so far.</summary>
    public List<(nint Address, int Count)> Reduces { get; } = new(64);

    /// <summary>The descriptors this rank exchanged so far.</summary>
    public List<CollectiveDescriptor> Exchanges { get; } = new(64);

    /// <summary>The failure notices this rank sent so far.</summary>
    public List<string> Reports { get; } = [];

    internal override ReadOnlySpan<CollectiveDescriptor> Exchange(CollectiveDescriptor mine, bool needTable)
    {
        if (Exchanges.Count < Exchanges.Capacity)
        {
            Exchanges.Add(mine);
        }

        Array.Fill(_table, mine);
        return _table;
    }

    // The sum over `size` ranks that all hold x, plus the marker.
    internal override void AllReduceRaw(void* data, int count, ElementType type, ReduceOp op)
    {
        Reduces.Add(((nint)data, count));
        var values = new Span<float>(data, count);
        for (int i = 0; i < count; i++)
        {
            values[i] = (values[i] * Size) + 1;
        }
    }

    internal override void BroadcastRaw(void* data, int count, ElementType type, int root)
    {
    }

    internal override void AllGatherRaw(void* send, int count, ElementType type, void* receive) =>
        throw new NotSupportedException("The fake communicator simulates all-reduces only.");

    internal override void AllGatherVRaw(void* send, int count, ElementType type, void* receive, int* counts, int* displacements) =>
        throw new NotSupportedException("The fake communicator simulates all-reduces only.");

    internal override void ReportFailureCore(string text) => Reports.Add(text);

    internal override void AbortCore(string message, int errorCode) =>
        throw new NotSupportedException("The fake communicator does not abort.");

    internal override void DisposeCore(Exception? fault)
    {
    }
}
