namespace Nabla.Distributed.Tests.Support;

/// <summary>
/// The MPI job tests run one job at a time: each job starts several processes on a small machine, and the fault
/// scenarios measure how long a rank takes to give up.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MpiJobCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "MPI jobs";
}
