namespace Nabla.Workloads;

/// <summary>The runner's command line: which workloads, where the JSON goes, and whether to shorten the runs.</summary>
/// <param name="Selectors">Workload names or ids as given (empty: all).</param>
/// <param name="OutputPath">Where the JSON report is written.</param>
/// <param name="Quick">Skip the long parts (fewer epochs, no 300-epoch Sine run, fewer GEMM runs), for fast checks.</param>
/// <param name="PeersDirectory">Where ../shared/peers/run.sh wrote the peers' figures, to compare with (null: no comparison).</param>
internal sealed record RunnerOptions(IReadOnlyList<string> Selectors, string OutputPath, bool Quick, string? PeersDirectory = null)
{
    /// <summary>The JSON report's default path, relative to the working directory (out/ is git-ignored).</summary>
    public const string DefaultOutputPath = "out/workloads.json";

    /// <summary>The help text.</summary>
    public const string Usage =
        "Usage: dotnet run -c Release --project bench/Nabla.Workloads -- [names...] [--out path.json] [--quick] [--peers DIR]\n" +
        "  names    workloads by name or id (celsius w1, sine w2, mnist-mlp w3, fashion-mlp w4 (both batch sizes),\n" +
        "           fashion-mlp-b32, fashion-mlp-b256, fashion-cnn w5, gemm w6, step w7); none: all\n" +
        "  --out    the JSON report (default " + DefaultOutputPath + ")\n" +
        "  --quick  shortened runs for a fast check; accuracy goals are then not assessed\n" +
        "  --peers  a folder where ../shared/peers/run.sh wrote its results: after the table, print each figure\n" +
        "           beside the peers', divided by the better peer's, and as a share of the FMA peak in DIR/cpu.json";

    /// <summary>Reads the command line.</summary>
    /// <exception cref="ArgumentException">An option is unknown or lacks its value.</exception>
    public static RunnerOptions Parse(IReadOnlyList<string> args)
    {
        var selectors = new List<string>();
        string output = DefaultOutputPath;
        bool quick = false;
        string? peers = null;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--out":
                    output = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"--out needs a file path.\n{Usage}");
                    break;
                case "--peers":
                    peers = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"--peers needs a folder.\n{Usage}");
                    break;
                case string option when option.StartsWith('-'):
                    throw new ArgumentException($"Unknown option '{option}'.\n{Usage}");
                default:
                    selectors.Add(args[i]);
                    break;
            }
        }

        return new RunnerOptions(selectors, output, quick, peers);
    }
}
