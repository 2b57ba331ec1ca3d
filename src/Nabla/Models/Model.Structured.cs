using Nabla.Callbacks;

namespace Nabla;

// Fit, Evaluate and Predict for models with several inputs or outputs: one array per input and per output, given as
// lists in the model's order or as dictionaries keyed by the input layers' and output layers' names (Keras's
// structured data).
public partial class Model
{
    /// <summary>
    /// Trains a model with several inputs or outputs (Keras's <c>fit([xa, xb], [ya, yb])</c>): one array per input and
    /// per output, in the orders the model was built with, all with the same number of samples.
    /// </summary>
    /// <param name="x">One array per model input.</param>
    /// <param name="y">One array per model output.</param>
    /// <param name="batchSize">Samples per step (default 32).</param>
    /// <param name="epochs">Epochs to train up to (default 1).</param>
    /// <param name="verbose">0 silent, 1 progress bar (default), 2 one line per epoch.</param>
    /// <param name="callbacks">Callbacks called during training.</param>
    /// <param name="validationSplit">Fraction of the samples, from the end, held out for validation (default 0).</param>
    /// <param name="validationData">Validation arrays in the same structure.</param>
    /// <param name="shuffle">Whether to shuffle before each epoch (default true).</param>
    /// <param name="initialEpoch">The epoch to start at (default 0).</param>
    /// <param name="stepsPerEpoch">Batches per epoch; by default one full pass.</param>
    /// <param name="sampleWeight">One weight per sample, applied to every output's loss; default none.</param>
    /// <returns>The <see cref="History"/>: <c>loss</c>, each output's <c>{output}_loss</c>, and <c>{output}_{metric}</c>.</returns>
    /// <exception cref="ArgumentException">The lists do not match the model's inputs and outputs, or the arrays' sample counts differ.</exception>
    /// <example>
    /// <code>
    /// model.Fit([xImages, xHints], [yLabels, yScores], epochs: 2, batchSize: 32);
    /// </code>
    /// </example>
    public History Fit(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int? batchSize = null, int epochs = 1, int verbose = 1,
        IEnumerable<Callback>? callbacks = null, double validationSplit = 0, (IReadOnlyList<Tensor> X, IReadOnlyList<Tensor> Y)? validationData = null,
        bool shuffle = true, int initialEpoch = 0, int? stepsPerEpoch = null, Tensor? sampleWeight = null)
    {
        (Tensor[] xs, Tensor[] ys) = Structure(nameof(Fit), x, y);
        (Tensor[], Tensor[])? validation = validationData is ({ } vx, { } vy) ? Structure($"{nameof(Fit)} (validationData)", vx, vy) : null;
        return FitArrays(xs, ys, batchSize, epochs, verbose, callbacks, validationSplit, validation, shuffle, initialEpoch, stepsPerEpoch,
            null, null, 1, sampleWeight, null);
    }

    /// <summary>Trains a model with several inputs and one output: one array per input, and the targets.</summary>
    /// <param name="x">One array per model input.</param>
    /// <param name="y">The targets.</param>
    /// <param name="batchSize">Samples per step (default 32).</param>
    /// <param name="epochs">Epochs to train up to (default 1).</param>
    /// <param name="verbose">0 silent, 1 progress bar (default), 2 one line per epoch.</param>
    /// <param name="callbacks">Callbacks called during training.</param>
    /// <param name="validationSplit">Fraction of the samples held out for validation (default 0).</param>
    /// <param name="shuffle">Whether to shuffle before each epoch (default true).</param>
    /// <param name="sampleWeight">One weight per sample; default none.</param>
    /// <returns>The <see cref="History"/>.</returns>
    public History Fit(IReadOnlyList<Tensor> x, Tensor y, int? batchSize = null, int epochs = 1, int verbose = 1,
        IEnumerable<Callback>? callbacks = null, double validationSplit = 0, bool shuffle = true, Tensor? sampleWeight = null) =>
        Fit(x, [y ?? throw new ArgumentNullException(nameof(y))], batchSize, epochs, verbose, callbacks, validationSplit, null, shuffle, 0, null, sampleWeight);

    /// <summary>Trains a model with named inputs and outputs: arrays keyed by the input layers' and output layers' names.</summary>
    /// <param name="x">One array per input, by the name of its <see cref="Layers.Input"/>.</param>
    /// <param name="y">One array per output, by the name of the layer that produces it.</param>
    /// <param name="batchSize">Samples per step (default 32).</param>
    /// <param name="epochs">Epochs to train up to (default 1).</param>
    /// <param name="verbose">0 silent, 1 progress bar (default), 2 one line per epoch.</param>
    /// <param name="callbacks">Callbacks called during training.</param>
    /// <param name="validationSplit">Fraction of the samples held out for validation (default 0).</param>
    /// <param name="shuffle">Whether to shuffle before each epoch (default true).</param>
    /// <returns>The <see cref="History"/>.</returns>
    /// <exception cref="ArgumentException">A name is missing or unknown.</exception>
    public History Fit(IReadOnlyDictionary<string, Tensor> x, IReadOnlyDictionary<string, Tensor> y, int? batchSize = null, int epochs = 1,
        int verbose = 1, IEnumerable<Callback>? callbacks = null, double validationSplit = 0, bool shuffle = true) =>
        Fit(ByName(nameof(Fit), "x", x, InputNames), ByName(nameof(Fit), "y", y, OutputNames), batchSize, epochs, verbose, callbacks,
            validationSplit, null, shuffle);

    /// <summary>The loss and metrics of a model with several inputs or outputs, one array per input and per output.</summary>
    /// <param name="x">One array per model input.</param>
    /// <param name="y">One array per model output.</param>
    /// <param name="batchSize">Samples per batch (default 32).</param>
    /// <param name="verbose">0 silent, 1 progress bar (default), 2 one line.</param>
    /// <param name="sampleWeight">One weight per sample; default none.</param>
    /// <returns>The results by name and in Keras's order.</returns>
    public EvaluationResult Evaluate(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int? batchSize = null, int verbose = 1, Tensor? sampleWeight = null)
    {
        (Tensor[] xs, Tensor[] ys) = Structure(nameof(Evaluate), x, y);
        return EvaluateArrays(xs, ys, batchSize, verbose, sampleWeight, null, null);
    }

    /// <summary>The loss and metrics of a model with several inputs and one output.</summary>
    /// <param name="x">One array per model input.</param>
    /// <param name="y">The targets.</param>
    /// <param name="batchSize">Samples per batch (default 32).</param>
    /// <param name="verbose">0 silent, 1 progress bar (default), 2 one line.</param>
    /// <returns>The results by name and in Keras's order.</returns>
    public EvaluationResult Evaluate(IReadOnlyList<Tensor> x, Tensor y, int? batchSize = null, int verbose = 1) =>
        Evaluate(x, [y ?? throw new ArgumentNullException(nameof(y))], batchSize, verbose);

    /// <summary>The loss and metrics of a model with named inputs and outputs.</summary>
    /// <param name="x">One array per input, by name.</param>
    /// <param name="y">One array per output, by name.</param>
    /// <param name="batchSize">Samples per batch (default 32).</param>
    /// <param name="verbose">0 silent, 1 progress bar (default), 2 one line.</param>
    /// <returns>The results by name and in Keras's order.</returns>
    public EvaluationResult Evaluate(IReadOnlyDictionary<string, Tensor> x, IReadOnlyDictionary<string, Tensor> y, int? batchSize = null, int verbose = 1) =>
        Evaluate(ByName(nameof(Evaluate), "x", x, InputNames), ByName(nameof(Evaluate), "y", y, OutputNames), batchSize, verbose);

    /// <summary>
    /// The outputs of a model with several inputs or outputs: one array per input in, one tensor per output out
    /// (Keras's <c>predict([xa, xb])</c>).
    /// </summary>
    /// <param name="x">One array per model input.</param>
    /// <param name="batchSize">Samples per batch (default 32).</param>
    /// <param name="verbose">0 silent, 1 progress bar (default), 2 one line.</param>
    /// <returns>One tensor per output, in the model's output order.</returns>
    public Tensor[] Predict(IReadOnlyList<Tensor> x, int? batchSize = null, int verbose = 1)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckCount(nameof(Predict), "x", "input", x.Count, InputCount, InputNames);
        return PredictArrays([.. x], batchSize, verbose, null, null);
    }

    /// <summary>The outputs of a model with named inputs, by output name.</summary>
    /// <param name="x">One array per input, by name.</param>
    /// <param name="batchSize">Samples per batch (default 32).</param>
    /// <param name="verbose">0 silent, 1 progress bar (default), 2 one line.</param>
    /// <returns>One tensor per output, by the name of the layer that produces it.</returns>
    public IReadOnlyDictionary<string, Tensor> Predict(IReadOnlyDictionary<string, Tensor> x, int? batchSize = null, int verbose = 1)
    {
        Tensor[] outputs = Predict(ByName(nameof(Predict), "x", x, InputNames), batchSize, verbose);
        return OutputNames.Zip(outputs).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
    }

    /// <summary>The names of the model's inputs: the input layers' names.</summary>
    internal string[] InputNames => Graph?.Inputs.Select(i => i.Layer.Name).ToArray() ?? [Name];

    private (Tensor[] X, Tensor[] Y) Structure(string operation, IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        CheckCount(operation, "x", "input", x.Count, InputCount, InputNames);
        CheckCount(operation, "y", "output", y.Count, OutputCount, OutputNames);
        return ([.. x], [.. y]);
    }

    private void CheckCount(string operation, string argument, string kind, int given, int expected, string[] names)
    {
        if (given != expected)
        {
            throw new ArgumentException(
                $"{operation}: model '{Name}' has {expected} {kind}(s) ({string.Join(", ", names)}), so {argument} must hold one array per {kind}, " +
                $"but it holds {given}." + (given == 1 ? $" Pass a list: model.{operation}([{string.Join(", ", names)}], ...)." : string.Empty), argument);
        }
    }

    private static Tensor[] ByName(string operation, string argument, IReadOnlyDictionary<string, Tensor> data, string[] names)
    {
        ArgumentNullException.ThrowIfNull(data, argument);
        foreach (string key in data.Keys)
        {
            if (Array.IndexOf(names, key) < 0)
            {
                throw new ArgumentException($"{operation}: {argument} has an entry '{key}', but the model's names are {string.Join(", ", names)}.", argument);
            }
        }

        return [.. names.Select(n => data.TryGetValue(n, out Tensor? t) ? t
            : throw new ArgumentException($"{operation}: {argument} has no entry for '{n}' (expected {string.Join(", ", names)}).", argument))];
    }
}
