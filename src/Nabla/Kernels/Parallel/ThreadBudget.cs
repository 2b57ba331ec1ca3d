using System.Globalization;

namespace Nabla.Kernels.Parallel;

/// <summary>
/// How many threads the kernels use: <c>NABLA_NUM_THREADS</c> when set, else the cores shared among the MPI ranks of
/// this machine when an MPI launcher started several (so two ranks on two cores use one thread each instead of fighting
/// over both), else every core.
/// </summary>
/// <remarks>
/// Read once, at first use. The launchers' variables: Open MPI's <c>OMPI_COMM_WORLD_LOCAL_SIZE</c>, MPICH's
/// <c>MPI_LOCALNRANKS</c>. A value that is not a positive integer is ignored with a warning on standard error.
/// </remarks>
internal static class ThreadBudget
{
    /// <summary>The number of threads kernels may use, at least 1.</summary>
    public static int Threads { get; } = Compute(Environment.GetEnvironmentVariable, Environment.ProcessorCount, Console.Error);

    /// <summary>The rule, with its inputs passed in so that tests can check it.</summary>
    internal static int Compute(Func<string, string?> environment, int cores, TextWriter warnings)
    {
        if (environment("NABLA_NUM_THREADS") is { Length: > 0 } text)
        {
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0)
            {
                return n;
            }

            warnings.WriteLine($"Nabla: NABLA_NUM_THREADS is '{text}', not a positive integer; using the default thread count.");
        }

        foreach (string name in (string[])["OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS"])
        {
            if (int.TryParse(environment(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int ranks) && ranks > 1)
            {
                return Math.Max(1, cores / ranks);
            }
        }

        return Math.Max(1, cores);
    }
}
