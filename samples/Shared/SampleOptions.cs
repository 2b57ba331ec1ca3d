using System.Globalization;

namespace Nabla.Samples;

/// <summary>The options every sample takes: <c>--epochs N</c>, <c>--out DIR</c> and <c>--seed N</c>.</summary>
internal sealed record SampleOptions(int Epochs, string OutputDirectory, int? Seed)
{
    public static SampleOptions Parse(string[] args, int defaultEpochs)
    {
        int epochs = defaultEpochs;
        string output = "out";
        int? seed = null;
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw Usage($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--epochs":
                    epochs = int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int e) && e > 0
                        ? e : throw Usage($"--epochs needs a positive integer, but received '{value}'.");
                    i++;
                    break;
                case "--out":
                    output = value;
                    i++;
                    break;
                case "--seed":
                    seed = int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int s)
                        ? s : throw Usage($"--seed needs an integer, but received '{value}'.");
                    i++;
                    break;
                default:
                    throw Usage($"Unknown option '{args[i]}'.");
            }
        }

        Directory.CreateDirectory(output);
        if (seed is int n)
        {
            Nabla.Random.SetSeed(n);
        }

        return new SampleOptions(epochs, output, seed);
    }

    /// <summary>A path inside the output directory.</summary>
    public string File(string name) => Path.Combine(OutputDirectory, name);

    private static ArgumentException Usage(string problem) =>
        new($"{problem} Usage: [--epochs N] [--out DIR] [--seed N]");
}
