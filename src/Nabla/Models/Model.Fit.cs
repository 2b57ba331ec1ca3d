using Nabla.Callbacks;
using Nabla.Distributed;
using Nabla.Losses;
using Nabla.Tensors;
using Nabla.Trainers;

namespace Nabla;

// Fit on arrays: checks the arguments, prepares the batches (validation split, sample and class weights) and hands
// the loop to the trainer.
public partial class Model
{
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
    /// <param name="sampleWeight">One weight per training sample ([samples]), scaling each sample's loss; default none.</param>
    /// <param name="classWeight">
    /// A weight per class id, scaling the loss of the samples of that class (classes not listed weigh 1), for
    /// imbalanced data; the class is the label, or the argmax of a one-hot target. Not together with <paramref name="sampleWeight"/>.
    /// </param>
    /// <returns>The <see cref="History"/> of per-epoch logs.</returns>
    /// <exception cref="InvalidOperationException">The model is not compiled, or is already training.</exception>
    /// <exception cref="ArgumentException">
    /// There are no samples, x and y (or the weights) have different sample counts, an input, target or weight holds NaN
    /// or infinity, or an argument is out of range.
    /// </exception>
    /// <exception cref="ShapeMismatchException">The inputs do not fit the model; the message names the layer and the fix.</exception>
    public History Fit(Tensor x, Tensor y, int? batchSize = null, int epochs = 1, int verbose = 1,
        IEnumerable<Callback>? callbacks = null, double validationSplit = 0, (Tensor X, Tensor Y)? validationData = null,
        bool shuffle = true, int initialEpoch = 0, int? stepsPerEpoch = null, int? validationSteps = null,
        int? validationBatchSize = null, int validationFreq = 1, Tensor? sampleWeight = null, IReadOnlyDictionary<int, double>? classWeight = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        Tensor[] xs = [x], ys = [y];
        (Tensor[] X, Tensor[] Y)? validation = null;
        if (validationData is (Tensor vx, Tensor vy))
        {
            ArgumentNullException.ThrowIfNull(vx, nameof(validationData));
            ArgumentNullException.ThrowIfNull(vy, nameof(validationData));
            validation = ([vx], [vy]);
        }

        return FitArrays(xs, ys, batchSize, epochs, verbose, callbacks, validationSplit, validation, shuffle, initialEpoch,
            stepsPerEpoch, validationSteps, validationBatchSize, validationFreq, sampleWeight, classWeight);
    }

    /// <summary>The body of every array <c>Fit</c>: one or more inputs and targets.</summary>
    private History FitArrays(Tensor[] x, Tensor[] y, int? batchSize, int epochs, int verbose, IEnumerable<Callback>? callbacks,
        double validationSplit, (Tensor[] X, Tensor[] Y)? validationData, bool shuffle, int initialEpoch, int? stepsPerEpoch,
        int? validationSteps, int? validationBatchSize, int validationFreq, Tensor? sampleWeight, IReadOnlyDictionary<int, double>? classWeight)
    {
        Trainer.RequireCompiled(nameof(Fit));
        CheckCount(nameof(Fit), "x", "input", x.Length, InputCount, InputNames);
        CheckCount(nameof(Fit), "y", "output", y.Length, OutputCount, OutputNames);
        DataChecks.Arrays(nameof(Fit), x, y, sampleWeight);
        CheckFitArguments(batchSize, epochs, verbose, initialEpoch, stepsPerEpoch, validationFreq);
        if (validationSplit is < 0 or >= 1 || double.IsNaN(validationSplit))
        {
            throw new ArgumentOutOfRangeException(nameof(validationSplit), validationSplit, "Fit: validationSplit must be in [0, 1).");
        }

        if (classWeight is not null)
        {
            sampleWeight = DataChecks.ClassWeights(nameof(Fit), y, sampleWeight, classWeight);
        }

        Tensor? validationWeight = null;
        if (validationData is ({ } vx, { } vy))
        {
            DataChecks.Arrays($"{nameof(Fit)} (validationData)", vx, vy, null);
        }
        else if (validationSplit > 0)
        {
            // Keras takes the validation samples from the end, before any shuffling. A fraction written as a float
            // literal (0.3f) is taken as the decimal the user wrote, not as 0.30000001, which would move the split.
            double fraction = (double)(float)validationSplit == validationSplit ? (double)(decimal)(float)validationSplit : validationSplit;
            int samples = x[0].Dim(0);
            int splitAt = (int)Math.Floor(samples * (1.0 - fraction));
            if (splitAt == 0 || splitAt == samples)
            {
                throw new ArgumentException(
                    $"Fit: validationSplit {fraction} of {samples} samples leaves {(splitAt == 0 ? "no training" : "no validation")} samples.", nameof(validationSplit));
            }

            validationData = ([.. x.Select(t => t[splitAt..])], [.. y.Select(t => t[splitAt..])]);
            validationWeight = sampleWeight?[splitAt..];
            x = [.. x.Select(t => t[..splitAt])];
            y = [.. y.Select(t => t[..splitAt])];
            sampleWeight = sampleWeight?[..splitAt];
        }

        CheckTargets(nameof(Fit), y);
        bool reuse = !StepOverrides.Of(GetType()).Train;
        int batch = batchSize ?? (stepsPerEpoch is int s ? (x[0].Dim(0) + s - 1) / s : 32);
        // Data-parallel ranks must shuffle alike: they share rank 0's seed.
        DistributionStrategy? distribution = Trainer.Compiled!.Distribution;
        RandomSource? order = !shuffle ? null : distribution is { } d ? new RandomSource(d.AgreeOnSeed()) : Random.Source(null);
        var iterator = new EpochIterator(new ArrayBatcher(x, y, sampleWeight, batch, order, reuse, distribution), stepsPerEpoch);
        Func<EpochIterator>? validation = validationData is ({ } valX, { } valY)
            ? () => new EpochIterator(
                new ArrayBatcher(valX, valY, validationWeight, validationBatchSize ?? batch, null, !StepOverrides.Of(GetType()).Test, distribution), validationSteps)
            : null;
        return Trainer.RunFit(iterator, epochs, verbose, callbacks, validation, initialEpoch, validationFreq);
    }

    private static void CheckFitArguments(int? batchSize, int epochs, int verbose, int initialEpoch, int? stepsPerEpoch, int validationFreq)
    {
        if (batchSize is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Fit: batchSize must be positive.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(epochs);
        ArgumentOutOfRangeException.ThrowIfNegative(initialEpoch);
        CheckVerbose(verbose);
        if (stepsPerEpoch is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(stepsPerEpoch), stepsPerEpoch, "Fit: stepsPerEpoch must be positive.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(validationFreq);
    }

    private static void CheckVerbose(int verbose)
    {
        if (verbose is < 0 or > 2)
        {
            throw new ArgumentOutOfRangeException(nameof(verbose), verbose, "verbose must be 0 (silent), 1 (progress bar) or 2 (one line per epoch).");
        }
    }

    /// <summary>
    /// Checks integer class labels against the model's output width before any training, so that a bad label is
    /// reported with its index in the data rather than in a batch.
    /// </summary>
    private void CheckTargets(string operation, Tensor[] y)
    {
        CompileState? compiled = Trainer.Compiled;
        if (compiled is null || y.Length != 1 || compiled.Losses[0] is not SparseCategoricalCrossentropy ||
            OutputShape is not { Length: > 0 } shape || shape[^1] <= 0)
        {
            return;
        }

        int classes = shape[^1];
        ReadOnlySpan<float> labels = y[0].Span;
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
