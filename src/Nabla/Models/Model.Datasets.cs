using Nabla.Callbacks;
using Nabla.Data;
using Nabla.Trainers;

namespace Nabla;

// Fit, Evaluate and Predict over a Dataset pipeline (tf.data style): batches come from the dataset as they are.
public partial class Model
{
    /// <summary>
    /// Trains the model on a dataset of (x, y) batches (Keras's <c>fit</c> with a <c>tf.data.Dataset</c>).
    /// </summary>
    /// <param name="dataset">Batched (x, y) pairs, e.g. <c>Dataset.FromTensorSlices(x, y).Shuffle(1000).Batch(32)</c>.</param>
    /// <param name="epochs">Epochs to train up to (default 1).</param>
    /// <param name="verbose">0 silent, 1 progress bar (default; one line per epoch when redirected), 2 one line per epoch.</param>
    /// <param name="callbacks">Callbacks called during training.</param>
    /// <param name="validationData">A dataset evaluated at the end of each epoch, logged with <c>val_</c> prefixes.</param>
    /// <param name="initialEpoch">The epoch to start at (default 0).</param>
    /// <param name="stepsPerEpoch">Batches per epoch; required when the dataset repeats forever. Each epoch continues where the last stopped.</param>
    /// <param name="validationSteps">Batches of validation data per evaluation; required when it repeats forever.</param>
    /// <param name="validationFreq">Validate every this many epochs (default 1).</param>
    /// <returns>The <see cref="History"/> of per-epoch logs.</returns>
    /// <exception cref="InvalidOperationException">The model is not compiled.</exception>
    /// <exception cref="ArgumentException">The dataset is endless and <paramref name="stepsPerEpoch"/> is missing, or has no labels.</exception>
    public History Fit(Dataset dataset, int epochs = 1, int verbose = 1, IEnumerable<Callback>? callbacks = null,
        Dataset? validationData = null, int initialEpoch = 0, int? stepsPerEpoch = null, int? validationSteps = null, int validationFreq = 1)
    {
        Trainer.RequireCompiled(nameof(Fit));
        ArgumentNullException.ThrowIfNull(dataset);
        CheckFitArguments(null, epochs, verbose, initialEpoch, stepsPerEpoch, validationFreq);
        using EpochIterator iterator = DatasetIterator(nameof(Fit), dataset, stepsPerEpoch, nameof(stepsPerEpoch), "epoch");
        EpochIterator? validation = validationData is null
            ? null
            : DatasetIterator($"{nameof(Fit)} (validationData)", validationData, validationSteps, nameof(validationSteps), "evaluation");
        try
        {
            return Trainer.RunFit(iterator, epochs, verbose, callbacks, validation is null ? null : () => validation, initialEpoch, validationFreq);
        }
        finally
        {
            validation?.Dispose();
        }
    }

    /// <summary>The loss and metrics of the model on a dataset of (x, y) batches, in inference mode.</summary>
    /// <param name="dataset">Batched (x, y) pairs.</param>
    /// <param name="verbose">0 silent, 1 progress bar on a terminal (default), 2 one line.</param>
    /// <param name="steps">Batches to evaluate; required when the dataset repeats forever.</param>
    /// <param name="callbacks">Callbacks receiving the test events.</param>
    /// <returns>The results by name: <c>loss</c> and each metric.</returns>
    /// <exception cref="InvalidOperationException">The model is not compiled.</exception>
    /// <exception cref="ArgumentException">The dataset is endless and <paramref name="steps"/> is missing, or has no labels.</exception>
    public EvaluationResult Evaluate(Dataset dataset, int verbose = 1, int? steps = null, IEnumerable<Callback>? callbacks = null)
    {
        CompileState compiled = Trainer.RequireCompiled(nameof(Evaluate));
        ArgumentNullException.ThrowIfNull(dataset);
        CheckVerbose(verbose);
        using EpochIterator iterator = DatasetIterator(nameof(Evaluate), dataset, steps, nameof(steps), "evaluation");
        return new EvaluationResult(Trainer.Evaluate(nameof(Evaluate), iterator, verbose, callbacks), compiled.ResultNames);
    }

    /// <summary>The model's outputs for every batch of a dataset (labels, if any, are ignored), rows in order.</summary>
    /// <param name="dataset">Batched inputs, or (x, y) pairs.</param>
    /// <param name="verbose">0 silent, 1 progress bar on a terminal (default), 2 one line.</param>
    /// <param name="steps">Batches to run; required when the dataset repeats forever.</param>
    /// <param name="callbacks">Callbacks receiving the predict events.</param>
    /// <exception cref="ArgumentException">The dataset is endless and <paramref name="steps"/> is missing, or yields nothing.</exception>
    public Tensor Predict(Dataset dataset, int verbose = 1, int? steps = null, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckVerbose(verbose);
        using EpochIterator iterator = new(CheckedSource(nameof(Predict), dataset, steps, nameof(steps), "prediction", needsLabels: false), steps);
        return RunPredict(iterator, rows: null, verbose, callbacks)[0];
    }

    private static EpochIterator DatasetIterator(string operation, Dataset dataset, int? steps, string stepsName, string unit) =>
        new(CheckedSource(operation, dataset, steps, stepsName, unit, needsLabels: true), steps);

    private static DatasetBatches CheckedSource(string operation, Dataset dataset, int? steps, string stepsName, string unit, bool needsLabels)
    {
        var source = new DatasetBatches(dataset, operation, needsLabels);
        if (source.IsInfinite && steps is null)
        {
            throw new ArgumentException(
                $"{operation}: the dataset repeats forever, so an {unit} would never end. Pass {stepsName}, " +
                $"e.g. {stepsName}: (int)Math.Ceiling(numExamples / (double)batchSize), or remove .Repeat().", stepsName);
        }

        if (steps is <= 0)
        {
            throw new ArgumentOutOfRangeException(stepsName, steps, $"{operation}: {stepsName} must be positive.");
        }

        return source;
    }
}
