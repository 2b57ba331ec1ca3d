using System.Diagnostics;
using System.Globalization;
using Nabla.Datasets;
using Nabla.Tests.Callbacks;

namespace Nabla.Tests.Reliability;

/// <summary>
/// Runs this test assembly as a program in a child process (<c>dotnet exec Nabla.Tests.dll command args</c>), so
/// that a test can set what only a new process can have, such as a GC heap limit (<c>DOTNET_GCHeapHardLimit</c>).
/// </summary>
/// <remarks>
/// The test project supplies its own <c>Main</c> (<c>GenerateProgramFile</c> is off); test runners never call it.
/// Commands print one line, <c>ok ...</c> or <c>ExceptionType: message</c>, and exit 0 or 1.
/// </remarks>
internal static class ChildProcess
{
    /// <summary>The program's commands.</summary>
    public static int Main(string[] args)
    {
        try
        {
            switch (args)
            {
                case ["read-idx", string path, string rank]:
                    Tensor t = IdxReader.Read(path, int.Parse(rank, CultureInfo.InvariantCulture));
                    Console.WriteLine($"ok {string.Join('x', t.Shape)}");
                    return 0;
                case ["allocate-floats", string count]:
                    var floats = new float[long.Parse(count, CultureInfo.InvariantCulture)];
                    floats[^1] = 1;
                    Console.WriteLine($"ok {floats.LongLength}");
                    return 0;
                case ["backup-fit", string backupDir, string resultFile, string blockAtEpoch, string marker]:
                    BackupRun.Child(backupDir, resultFile, int.Parse(blockAtEpoch, CultureInfo.InvariantCulture), marker);
                    Console.WriteLine("ok");
                    return 0;
                case ["checkpoint-overwrite", string path]:
                    ModelCheckpointFailureRun.Child(path);
                    Console.WriteLine("ok");
                    return 0;
                default:
                    Console.WriteLine("usage: read-idx PATH RANK | allocate-floats COUNT | backup-fit DIR RESULT EPOCH MARKER | checkpoint-overwrite PATH");
                    return 2;
            }
        }
        catch (Exception ex)
        {
            Console.WriteLine($"{ex.GetType().Name}: {ex.Message}");
            return 1;
        }
    }

    /// <summary>Runs <paramref name="args"/> in a new process with extra environment variables; returns its exit code and output.</summary>
    public static (int ExitCode, string Output) Run(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using Process process = Start(environment, args);
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The child process '{string.Join(' ', args)}' did not finish within 60 s.");
        }

        return (process.ExitCode, stdout + stderr.GetAwaiter().GetResult());
    }

    /// <summary>
    /// Starts <paramref name="args"/> in a new process with extra environment variables and returns it running, its
    /// output redirected (read it, or it may block on a full pipe).
    /// </summary>
    public static Process Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        (string host, string[] before) = CommandLine();
        return StartProgram(host, environment, [.. before, .. args]);
    }

    /// <summary>The command line that runs this assembly as a program: the host and its arguments before the command.</summary>
    public static (string Host, string[] Arguments) CommandLine()
    {
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } fromCli && File.Exists(fromCli)
            ? fromCli
            : Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
        return (host, ["exec", typeof(ChildProcess).Assembly.Location]);
    }

    /// <summary>Starts <paramref name="program"/> with <paramref name="args"/>, its output redirected.</summary>
    public static Process StartProgram(string program, IReadOnlyDictionary<string, string> environment, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach ((string key, string value) in environment)
        {
            start.Environment[key] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{program}'.");
    }
}
