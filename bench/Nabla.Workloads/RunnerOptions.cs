namespace Nabla.Workloads;

/// <summary>The runner's command line: which workloads, where the JSON goes, and whether to shorten the runs.</summary>
/// <param name="Selectors">Workload names or ids as given (empty: all).</param>
/// <param name="OutputPath">Where the JSON report is written.</param>
/// <param name="Quick">Skip the long parts (fewer epochs, no 300-epoch Sine run, fewer GEMM runs), for fast checks.</param>
/// <param name="PeersDirectories">
/// Where ../shared/peers/run.sh wrote the peers' figures, one folder per run of it, to compare with (empty: no
/// comparison). With several, each peer figure is the best of the folders.
/// </param>
/// <param name="Reports">
/// Runner reports written earlier (<c>--out</c>) to compare with the peers instead of running the workloads (empty:
/// run them). With several, each of Nabla's figures is the best of the reports.
/// </param>
internal sealed record RunnerOptions(
    IReadOnlyList<string> Selectors, string OutputPath, bool Quick, IReadOnlyList<string> PeersDirectories, IReadOnlyList<string> Reports)
{
    /// <summary>The JSON report's default path, relative to the working directory (out/ is git-ignored).</summary>
    public const string DefaultOutputPath = "out/workloads.json";

    /// <summary>The help text.</summary>
    public const string Usage =
        "Usage: dotnet run -c Release --project bench/Nabla.Workloads -- [names...] [--out path.json] [--quick] [--peers DIR]...\n" +
        "       dotnet run -c Release --project bench/Nabla.Workloads -- [names...] --report path.json... --peers DIR...\n" +
        "  names     workloads by name or id (celsius w1, sine w2, mnist-mlp w3, fashion-mlp w4 (both batch sizes),\n" +
        "            fashion-mlp-b32, fashion-mlp-b256, fashion-cnn w5, gemm w6, step w7,\n" +
        "            serving w8, cold-start cold); none: all\n" +
        "  --out     the JSON report (default " + DefaultOutputPath + ")\n" +
        "  --quick   shortened runs for a fast check; accuracy goals are then not assessed\n" +
        "  --peers   a folder where ../shared/peers/run.sh wrote its results: after the table, print each figure\n" +
        "            beside the peers', divided by the better peer's, and as a share of the FMA peak in DIR/cpu.json;\n" +
        "            repeat it for several runs of the peers: each peer figure is then the best of them, the peak the highest\n" +
        "  --report  a report an earlier run wrote with --out: compare it with the peers instead of running anything;\n" +
        "            repeat it for several runs: each of Nabla's figures is then the best of them (needs --peers)";

    /// <summary>Reads the command line.</summary>
    /// <exception cref="ArgumentException">An option is unknown or lacks its value, or <c>--report</c> comes without <c>--peers</c>.</exception>
    public static RunnerOptions Parse(IReadOnlyList<string> args)
    {
        var selectors = new List<string>();
        var peers = new List<string>();
        var reports = new List<string>();
        string output = DefaultOutputPath;
        bool quick = false;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--out":
                    output = Value(args, ref i, "--out needs a file path.");
                    break;
                case "--peers":
                    peers.Add(Value(args, ref i, "--peers needs a folder."));
                    break;
                case "--report":
                    reports.Add(Value(args, ref i, "--report needs a file path."));
                    break;
                case string option when option.StartsWith('-'):
                    throw new ArgumentException($"Unknown option '{option}'.\n{Usage}");
                default:
                    selectors.Add(args[i]);
                    break;
            }
        }

        if (reports.Count > 0 && peers.Count == 0)
        {
            throw new ArgumentException($"--report compares saved reports with the peers: give the peers' folder with --peers DIR.\n{Usage}");
        }

        return new RunnerOptions(selectors, output, quick, peers, reports);
    }

    // The value after the option at i (which moves past it).
    private static string Value(IReadOnlyList<string> args, ref int i, string missing) =>
        i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)
            ? args[++i]
            : throw new ArgumentException($"{missing}\n{Usage}");
}
