// Loads a saved model and predicts with it: by default the model samples/FashionMnist saves to out/model.keras, or
// any Keras file given (a Keras 3 .keras file, or a Keras 2 / legacy .h5 full-model file, from Nabla or Python).
// Run: dotnet run -c Release --project samples/LoadAndPredict -- [MODEL] [--out DIR] [--count N]
using System.Globalization;
using Nabla;
using Nabla.Datasets;

string? modelPath = null;
string outputDirectory = "out";
int count = 10;
for (int i = 0; i < args.Length; i++)
{
    string arg = args[i];
    if (!arg.StartsWith("--", StringComparison.Ordinal))
    {
        modelPath = modelPath is null ? arg : throw Usage($"Only one model path, but received '{modelPath}' and '{arg}'.");
        continue;
    }

    string value = i + 1 < args.Length ? args[++i] : throw Usage($"{arg} needs a value.");
    switch (arg)
    {
        case "--out":
            outputDirectory = value;
            break;
        case "--count":
            count = int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int c) && c > 0
                ? c : throw Usage($"--count needs a positive integer, but received '{value}'.");
            break;
        default:
            throw Usage($"Unknown option '{arg}'.");
    }
}

modelPath ??= Path.Combine(outputDirectory, "model.keras");
if (!File.Exists(modelPath))
{
    Console.Error.WriteLine($"No model at '{modelPath}'. Train and save one with `dotnet run -c Release --project samples/FashionMnist` " +
                            "(it writes out/model.keras), or pass the path of a .keras or .h5 file.");
    return 1;
}

Model model;
try
{
    model = Model.Load(modelPath);
}
catch (InvalidDataException e)
{
    // A damaged file, or one holding a layer this version of Nabla does not have: the message says which.
    Console.Error.WriteLine(e.Message);
    return 1;
}


Console.WriteLine($"Loaded {modelPath}");
model.Summary();

// One sample's shape, without the batch axis.
int[] inputShape = model.BuildShape is { Length: > 1 } built ? built[1..] : throw new InvalidOperationException($"'{modelPath}' has no input shape.");
if (inputShape.Any(d => d < 0))
{
    Console.Error.WriteLine($"The model takes inputs of shape [{string.Join(", ", inputShape)}] with a free axis; this sample predicts on fixed shapes only.");
    return 1;
}

bool takesImages = inputShape.Aggregate(1, (a, b) => a * b) == 28 * 28;
if (!takesImages)
{
    // Not a 28 x 28 model: show that it runs, on zeros of its input shape.
    Tensor zeros = Tensor.Zeros([count, .. inputShape]);
    Tensor outputs = model.Predict(zeros, verbose: 0);
    Console.WriteLine($"Input {zeros.Shape} of zeros -> output {outputs.Shape}; first row: " +
                      string.Join(", ", outputs[0].AsReadOnlySpan().ToArray().Select(v => v.ToString("G5", CultureInfo.InvariantCulture))));
    return 0;
}

var (_, (xTest, yTest)) = FashionMnist.LoadData();   // [10000, 28, 28] 0..255, [10000]
xTest = (xTest / 255f).Reshape([xTest.Dim(0), .. inputShape]);
Tensor probabilities = model.Predict(xTest, verbose: 0);
bool classifier = probabilities.Rank == 2 && probabilities.Dim(1) == FashionMnist.ClassNames.Length;
int shown = Math.Min(count, xTest.Dim(0));
Console.WriteLine($"The first {shown} test images:");
for (int i = 0; i < shown; i++)
{
    int truth = (int)yTest[i].Item();
    if (classifier)
    {
        int predicted = probabilities[i].ArgMax();
        Console.WriteLine($"  {i,2}: predicted {FashionMnist.ClassNames[predicted],-12} ({probabilities[i][predicted].Item() * 100,3:F0}%)  true {FashionMnist.ClassNames[truth]}");
    }
    else
    {
        Console.WriteLine($"  {i,2}: output {probabilities[i].Shape}, argmax {probabilities[i].ArgMax()}  (true class {truth})");
    }
}

if (classifier)
{
    int correct = 0;
    for (int i = 0; i < xTest.Dim(0); i++)
    {
        correct += probabilities[i].ArgMax() == (int)yTest[i].Item() ? 1 : 0;
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test accuracy: {(double)correct / xTest.Dim(0):F4} ({correct} of {xTest.Dim(0)})"));
}

return 0;

static ArgumentException Usage(string problem) => new($"{problem} Usage: [MODEL] [--out DIR] [--count N]");
