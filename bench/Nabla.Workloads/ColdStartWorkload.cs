using System.Diagnostics;
using System.Globalization;
using Nabla.Callbacks;
using Nabla.Workloads.Reporting;

namespace Nabla.Workloads;

/// <summary>
/// The main sample's first epoch from a fresh process, against its later epochs: what a user waits for the first time
/// the program runs, while the JIT compiles and tiers up the code.
/// </summary>
/// <remarks>
/// The runner starts itself again as a child process (<see cref="ChildFlag"/>), so the figure is a fresh process's
/// even when other workloads ran first. The child loads Fashion-MNIST, builds and compiles the main sample's model
/// (<see cref="FashionMlpWorkload.CreateModel"/>) and fits it for <see cref="Epochs"/> epochs at batch 32 with no
/// warm-up, timing each epoch between <c>OnEpochBegin</c> and <c>OnEpochEnd</c>. The headline is the first epoch's time
/// divided by the mean of the others; the issue's goal is at most 1.2.
/// </remarks>
internal sealed class ColdStartWorkload() : Workload("cold-start", "cold",
    $"samples/FashionMnist's fit (784-128-10, Adam, batch 32, 60,000 images) in a fresh process, {Epochs} epochs with no " +
    "warm-up: the first epoch's time against the mean of the later ones")
{
    /// <summary>The hidden argument that makes the runner the child process of this workload.</summary>
    public const string ChildFlag = "--cold-start-child";

    private const int Epochs = 3;
    private const string Prefix = "epoch seconds:";

    /// <summary>The child's work: fits the model and prints the epoch times on one line.</summary>
    public static int RunChild()
    {
        var (train, _) = TutorialData.FashionMnistScaled;
        Nabla.Random.SetSeed(Seed);
        Sequential model = FashionMlpWorkload.CreateModel();
        var times = new List<double>();
        var clock = new Stopwatch();
        var timer = new LambdaCallback(onEpochBegin: (_, _) => clock.Restart(), onEpochEnd: (_, _) => times.Add(clock.Elapsed.TotalSeconds));
        model.Fit(train.X, train.Y, epochs: Epochs, batchSize: 32, verbose: 0, callbacks: [timer]);
        Console.WriteLine(Prefix + " " + string.Join(' ', times.Select(t => t.ToString("R", CultureInfo.InvariantCulture))));
        return 0;
    }

    /// <inheritdoc/>
    protected override WorkloadResult Execute(RunnerOptions options)
    {
        string runner = typeof(ColdStartWorkload).Assembly.Location;
        var start = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (!runner.EndsWith(".exe", StringComparison.OrdinalIgnoreCase) && Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(runner);
        }

        start.ArgumentList.Add(ChildFlag);
        using Process child = Process.Start(start) ?? throw new InvalidOperationException("The cold-start child process did not start.");
        Task<string> errors = child.StandardError.ReadToEndAsync();
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        string? line = output.Split('\n').FirstOrDefault(l => l.StartsWith(Prefix, StringComparison.Ordinal));
        if (child.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"The cold-start child failed (exit code {child.ExitCode}):\n{output}\n{errors.Result}");
        }

        double[] epochs = [.. line[Prefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t => double.Parse(t, CultureInfo.InvariantCulture))];
        double steady = epochs.Skip(1).Average();
        return Result($"a fresh process, {Epochs} epochs, no warm-up",
        [
            new Figure("first epoch", epochs[0], Units.Seconds),
            new Figure($"mean of epochs 2-{Epochs}", steady, Units.Seconds),
            new Figure("first epoch / later epochs", epochs[0] / steady, Units.None, Goal.AtMost(1.2)),
        ]);
    }
}
