namespace Nabla.Tests.Support;

/// <summary>
/// Tests that measure allocation with <c>GC.GetTotalAllocatedBytes</c> (all threads) join this collection, which
/// xunit runs on its own after the parallel ones, so that no other test allocates while they measure.
/// </summary>
[CollectionDefinition(nameof(AllocationMeasurement), DisableParallelization = true)]
public sealed class AllocationMeasurement
{
}
