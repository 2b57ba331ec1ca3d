namespace Nabla.Tests.Kernels;

/// <summary>Tests that change process-wide kernel settings (<c>Gemm.ForcedPath</c>, <c>Gemm.MaxThreads</c>, <c>OptimizerSteps.MaxVectorBits</c>, <c>RowGather.MinBytesPerThread</c>).</summary>
/// <remarks>
/// Not run in parallel with anything else, so a forced path or thread count never leaks into
/// another test and allocation counters see only the test's own work.
/// </remarks>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KernelSettingsCollection
{
    public const string Name = "Kernel settings";
}
