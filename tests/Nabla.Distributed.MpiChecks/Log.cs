namespace Nabla.Distributed.MpiChecks;

/// <summary>
/// Prints lines tagged with the rank, flushed at once so that a rank killed a moment later has still said them. When
/// <c>MPICHECKS_LOG</c> names a folder, each rank also appends its lines to <c>rank{r}.log</c> there: the launcher
/// interleaves the ranks' standard output, and the tests read each rank's lines whole.
/// </summary>
internal static class Log
{
    private static readonly string? Folder = Environment.GetEnvironmentVariable("MPICHECKS_LOG");

    public static void Line(Communicator world, string text)
    {
        Console.Out.WriteLine($"[rank {world.Rank}] {text}");
        Console.Out.Flush();
        if (!string.IsNullOrEmpty(Folder))
        {
            File.AppendAllText(Path.Combine(Folder, $"rank{world.Rank}.log"), text + "\n");
        }
    }

    public static void Pass(Communicator world, string check) => Line(world, $"PASS {check}");

    public static void Require(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"check failed: {what}");
        }
    }
}
