using Nabla.Callbacks;
using Nabla.Losses;
using Nabla.Models;

namespace Nabla;

// Fit: the training loop over TrainStep (whose returned logs reach the callbacks), with Keras's callback order and
// validation.
public partial class Model
{
    private readonly Dictionary<string, double> _noLogs = [];

    /// <summary>
    /// Trains the model on arrays for a number of epochs (Keras's <c>fit</c>).
    /// </summary>
    /// <param name="x">The inputs, samples first.</param>
    /// <param name="y">The targets, samples first.</param>
    /// <param name="batchSize">Samples per step; default 32, or ceil(samples / stepsPerEpoch) when that is given (as Keras).</param>
    /// <param name="epochs">Epochs to train up to (default 1); with <paramref name="initialEpoch"/>, the index of the last epoch + 1.</param>
    /// <param name="verbose">0 silent, 1 progress bar (default; one line per epoch when output is redirected), 2 one line per epoch.</param>
    /// <param name="callbacks">Callbacks called during training, after which History and the progress bar run.</param>
    /// <param name="validationSplit">Fraction of the samples, taken from the end before shuffling, held out for validation (default 0).</param>
    /// <param name="validationData">Data evaluated at the end of each epoch, logged with <c>val_</c> prefixes; overrides <paramref name="validationSplit"/>.</param>
    /// <param name="shuffle">Whether to shuffle the training samples before each epoch (default true).</param>
    /// <param name="initialEpoch">The epoch to start at, to resume training (default 0).</param>
    /// <param name="stepsPerEpoch">Batches per epoch; by default one full pass over the data.</param>
    /// <param name="validationSteps">Batches of validation data per evaluation; by default all.</param>
    /// <param name="validationBatchSize">Batch size for validation; default <paramref name="batchSize"/>.</param>
    /// <param name="validationFreq">Validate every this many epochs (default 1).</param>
    /// <returns>The <see cref="History"/> of per-epoch logs.</returns>
    /// <exception cref="InvalidOperationException">The model is not compiled.</exception>
    /// <exception cref="ArgumentException">x and y have different sample counts, an input batch holds NaN or infinity, or an argument is out of range.</exception>
    /// <exception cref="ShapeMismatchException">The inputs do not fit the model; the message names the layer and the fix.</exception>
    public History Fit(Tensor x, Tensor y, int? batchSize = null, int epochs = 1, int verbose = 1,
        IEnumerable<Callback>? callbacks = null, float validationSplit = 0f, (Tensor X, Tensor Y)? validationData = null,
        bool shuffle = true, int initialEpoch = 0, int? stepsPerEpoch = null, int? validationSteps = null,
        int? validationBatchSize = null, int validationFreq = 1)
    {
        AssertCompiled(nameof(Fit));
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArrayBatcher.CheckLengths(nameof(Fit), x, y);
        CheckFitArguments(batchSize, epochs, verbose, initialEpoch, stepsPerEpoch, validationFreq);
        if (validationSplit is < 0f or >= 1f || float.IsNaN(validationSplit))
        {
            throw new ArgumentOutOfRangeException(nameof(validationSplit), validationSplit, "Fit: validationSplit must be in [0, 1).");
        }

        if (validationData is (Tensor vx, Tensor vy))
        {
            ArgumentNullException.ThrowIfNull(vx, nameof(validationData));
            ArgumentNullException.ThrowIfNull(vy, nameof(validationData));
            ArrayBatcher.CheckLengths($"{nameof(Fit)} (validationData)", vx, vy);
        }
        else if (validationSplit > 0f)
        {
            // Keras takes the validation samples from the end, before any shuffling. The fraction is taken as the
            // decimal the user wrote (0.3f is 0.30000001 as a double, which would move the split by one sample).
            int splitAt = (int)Math.Floor(x.Dim(0) * (1.0 - (double)(decimal)validationSplit));
            if (splitAt == 0 || splitAt == x.Dim(0))
            {
                throw new ArgumentException(
                    $"Fit: validationSplit {validationSplit} of {x.Dim(0)} samples leaves {(splitAt == 0 ? "no training" : "no validation")} samples.", nameof(validationSplit));
            }

            validationData = (x[splitAt..], y[splitAt..]);
            x = x[..splitAt];
            y = y[..splitAt];
        }

        CheckTargets(nameof(Fit), y);
        int batch = batchSize ?? (stepsPerEpoch is int s ? (x.Dim(0) + s - 1) / s : 32);
        var iterator = new EpochIterator(new ArrayBatcher(x, y, batch, shuffle ? Random.Source(null) : null), stepsPerEpoch);
        Func<EpochIterator>? validation = validationData is (Tensor valX, Tensor valY)
            ? () => new EpochIterator(new ArrayBatcher(valX, valY, validationBatchSize ?? batch, null), validationSteps)
            : null;
        return RunFit(iterator, epochs, verbose, callbacks, validation, initialEpoch, validationFreq);
    }

    /// <summary>The loop shared by every <c>Fit</c> overload.</summary>
    private History RunFit(EpochIterator iterator, int epochs, int verbose, IEnumerable<Callback>? callbacks,
        Func<EpochIterator>? validation, int initialEpoch, int validationFreq)
    {
        var list = new CallbackList(callbacks, addHistory: true, addProgbar: verbose != 0, this, new CallbackParams(epochs, iterator.NumBatches, verbose));
        ResetTrainingState();
        StopTraining = false;
        var batchLogs = new Dictionary<string, double>(StringComparer.Ordinal);
        Dictionary<string, double>? trainingLogs = null;
        EpochIterator? validationIterator = null;
        list.TrainBegin(new Dictionary<string, double>());
        for (int epoch = initialEpoch; epoch < epochs; epoch++)
        {
            ResetMetrics();
            list.EpochBegin(epoch, new Dictionary<string, double>());
            IReadOnlyDictionary<string, double>? stepLogs = null;
            foreach ((int step, Tensor xb, Tensor? yb) in iterator.NextEpoch())
            {
                CheckFinite(nameof(Fit), xb, step);
                _noLogs.Clear();
                list.TrainBatchBegin(step, _noLogs);
                stepLogs = TrainStep(xb, yb!);
                CopyStepLogs(nameof(TrainStep), stepLogs, batchLogs);   // callbacks may edit their copy, not the step's
                list.TrainBatchEnd(step, batchLogs);
                if (StopTraining)
                {
                    break;
                }
            }

            // As Keras, the epoch's logs are the last step's (the running means over the epoch). They are copied
            // before validation, whose steps refill the dictionary the default TrainStep returns.
            Dictionary<string, double> epochLogs = LogsAfter(nameof(TrainStep), stepLogs);

            if (validation is not null && (epoch + 1) % validationFreq == 0)
            {
                validationIterator ??= validation();
                foreach (KeyValuePair<string, double> entry in RunEvaluate(nameof(Fit), validationIterator, list))
                {
                    epochLogs["val_" + entry.Key] = entry.Value;
                }
            }

            list.EpochEnd(epoch, epochLogs);
            trainingLogs = epochLogs;
            if (StopTraining)
            {
                break;
            }
        }

        list.TrainEnd(trainingLogs ?? new Dictionary<string, double>());
        return list.History!;
    }

    private static void CheckFitArguments(int? batchSize, int epochs, int verbose, int initialEpoch, int? stepsPerEpoch, int validationFreq)
    {
        if (batchSize is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Fit: batchSize must be positive.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(epochs);
        ArgumentOutOfRangeException.ThrowIfNegative(initialEpoch);
        if (verbose is < 0 or > 2)
        {
            throw new ArgumentOutOfRangeException(nameof(verbose), verbose, "verbose must be 0 (silent), 1 (progress bar) or 2 (one line per epoch).");
        }

        if (stepsPerEpoch is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(stepsPerEpoch), stepsPerEpoch, "Fit: stepsPerEpoch must be positive.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(validationFreq);
    }

    /// <summary>
    /// Checks integer class labels against the model's output width before any training, so that a bad label is
    /// reported with its index in the data rather than in a batch.
    /// </summary>
    private void CheckTargets(string operation, Tensor y)
    {
        if (Loss is not SparseCategoricalCrossentropy || OutputShape is not { Length: > 0 } shape || shape[^1] <= 0)
        {
            return;
        }

        int classes = shape[^1];
        ReadOnlySpan<float> labels = y.Span;
        for (int i = 0; i < labels.Length; i++)
        {
            float v = labels[i];
            if (!(v >= 0 && v < classes) || v != MathF.Floor(v))
            {
                throw new ArgumentOutOfRangeException(nameof(y),
                    $"{operation}: SparseCategoricalCrossentropy expects integer labels in [0, {classes}), but received {v} at index {i}. " +
                    $"The model has {classes} outputs; check the labels or the last layer's units.");
            }
        }
    }
}
