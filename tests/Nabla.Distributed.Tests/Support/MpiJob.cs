using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Nabla.Distributed.Tests.Support;

/// <summary>
/// Runs tests/Nabla.Distributed.MpiChecks as an MPI job (under Open MPI's <c>mpirun</c> or MPICH's <c>mpiexec</c>)
/// or alone, and returns what it printed: everything the launcher and the ranks wrote, and each rank's own lines.
/// </summary>
internal static class MpiJob
{
    /// <summary>The hard limit on one job; a job still running then is killed and the test fails.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>Runs <paramref name="args"/> under Open MPI's <c>mpirun</c> with <paramref name="ranks"/> ranks.</summary>
    public static JobResult OpenMpi(int ranks, params string[] args)
    {
        string mpirun = Find("mpirun.openmpi") ?? FindOpenMpiMpirun()
            ?? throw new Xunit.Sdk.XunitException(
                "Open MPI's mpirun is not installed (looked for mpirun.openmpi and mpirun on PATH), so the MPI job tests cannot run. " +
                "Install it: apt-get install openmpi-bin libopenmpi-dev (.ci/run does this when it runs as root).");
        return Run(mpirun, ["-np", $"{ranks}", "--oversubscribe", "--allow-run-as-root", .. Program(args)]);
    }

    /// <summary>Runs <paramref name="args"/> under MPICH's <c>mpiexec</c> (Hydra) with <paramref name="ranks"/> ranks.</summary>
    public static JobResult Mpich(int ranks, params string[] args)
    {
        string mpiexec = Find("mpiexec.mpich") ?? Find("mpiexec.hydra")
            ?? throw new Xunit.Sdk.XunitException(
                "MPICH's mpiexec is not installed (looked for mpiexec.mpich and mpiexec.hydra on PATH), so the MPICH job tests cannot run. " +
                "Install it: apt-get install mpich (.ci/run does this when it runs as root).");
        return Run(mpiexec, ["-np", $"{ranks}", .. Program(args)]);
    }

    /// <summary>Runs <paramref name="args"/> as a plain process, without a launcher.</summary>
    public static JobResult Alone(IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        Run(Dotnet, [.. Program(args)[1..]], environment);

    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static string[] Program(string[] args)
    {
        string dll = typeof(MpiJob).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "Nabla.Distributed.MpiChecks").Value!;
        Assert.True(File.Exists(dll), $"The MPI check program was not built at {dll}; build tests/Nabla.Distributed.Tests (it builds the program).");
        return [Dotnet, dll, .. args];
    }

    private static JobResult Run(string file, string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        string logs = Directory.CreateTempSubdirectory("nabla-mpi-").FullName;
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The job must not think it is part of another job, and CI runs as root, which Open MPI refuses without these.
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("OMPI_", StringComparison.Ordinal) || k.StartsWith("PMI", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        start.Environment["TERM"] = "dumb";
        start.Environment["MPICHECKS_LOG"] = logs;
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var output = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"The job '{file} {string.Join(' ', args)}' ran longer than {Limit.TotalSeconds} s and was killed. Output:\n{output}");
        }

        process.WaitForExit();   // drains the redirected streams
        TimeSpan wall = clock.Elapsed;
        var ranks = new Dictionary<int, string>();
        foreach (string log in Directory.GetFiles(logs, "rank*.log"))
        {
            ranks[int.Parse(Path.GetFileNameWithoutExtension(log)[4..], System.Globalization.CultureInfo.InvariantCulture)] = File.ReadAllText(log);
        }

        Directory.Delete(logs, recursive: true);
        return new JobResult(process.ExitCode, output.ToString(), wall, ranks);
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

    private static string? FindOpenMpiMpirun()
    {
        string? mpirun = Find("mpirun");
        if (mpirun is null)
        {
            return null;
        }

        using var version = Process.Start(new ProcessStartInfo(mpirun, "--version") { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string text = version.StandardOutput.ReadToEnd();
        version.WaitForExit();
        return text.Contains("Open MPI", StringComparison.Ordinal) ? mpirun : null;
    }
}
