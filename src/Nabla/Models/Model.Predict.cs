using Nabla.Callbacks;
using Nabla.Trainers;

namespace Nabla;

// Predict and PredictOnBatch: batched inference whose result is ordinary memory owned by the caller.
public partial class Model
{
    /// <summary>The model's outputs for <paramref name="x"/>, computed in batches in inference mode (Keras's <c>predict</c>).</summary>
    /// <param name="x">The inputs, samples first.</param>
    /// <param name="batchSize">Samples per batch (default 32).</param>
    /// <param name="verbose">0 silent, 1 progress bar on a terminal (default; one line when redirected), 2 one line.</param>
    /// <param name="steps">Batches to run; by default all.</param>
    /// <param name="callbacks">Callbacks receiving the predict events.</param>
    /// <returns>The outputs, one row per sample, e.g. [10000, 10] class probabilities.</returns>
    /// <exception cref="ArgumentException">x has no samples, or a batch holds NaN or infinity.</exception>
    /// <remarks>Safe to call from several threads at once on a trained model.</remarks>
    public Tensor Predict(Tensor x, int? batchSize = null, int verbose = 1, int? steps = null, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(x);

        // Serving: a silent call on at most one batch runs the forward pass directly and allocates only its result.
        if (verbose == 0 && callbacks is null && steps is null && x.Rank > 0 && x.Dim(0) > 0 && x.Dim(0) <= (batchSize ?? 32) &&
            batchSize is null or > 0 && InputCount == 1 && OutputCount == 1 && !StepOverrides.Of(GetType()).Predict &&
            Trainer.Compiled?.Distribution is null)
        {
            return Trainer.PredictOneBatch(x);
        }

        return PredictArrays([x], batchSize, verbose, steps, callbacks)[0];
    }

    private Tensor[] PredictArrays(Tensor[] x, int? batchSize, int verbose, int? steps, IEnumerable<Callback>? callbacks)
    {
        CheckCount(nameof(Predict), "x", "input", x.Length, InputCount, InputNames);
        DataChecks.Arrays(nameof(Predict), x, null, null);
        if (batchSize is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Predict: batchSize must be positive.");
        }

        CheckVerbose(verbose);
        var iterator = new EpochIterator(
            new ArrayBatcher(x, [], null, batchSize ?? 32, null, !StepOverrides.Of(GetType()).Predict,
                StepOverrides.Of(GetType()).Predict ? null : Trainer.Compiled?.Distribution), steps);   // an override sees whole batches
        return RunPredict(iterator, x[0].Dim(0), verbose, callbacks);
    }

    private Tensor[] RunPredict(EpochIterator iterator, int? rows, int verbose, IEnumerable<Callback>? callbacks)
    {
        var results = new PredictionCollector[StepOverrides.Of(GetType()).Predict ? 1 : OutputCount];
        for (int o = 0; o < results.Length; o++)
        {
            results[o] = new PredictionCollector(rows);
        }

        Trainer.RunPredict(iterator, verbose, callbacks, results);
        return [.. results.Select(r => r.Result())];
    }

    /// <summary>The model's outputs for one batch (Keras's <c>predict_on_batch</c>).</summary>
    /// <param name="x">The batch's inputs.</param>
    /// <returns>The outputs, a tensor owned by the caller.</returns>
    /// <exception cref="ArgumentException">The batch holds NaN or infinity.</exception>
    public Tensor PredictOnBatch(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return PredictArrays([x], x.Rank == 0 ? null : Math.Max(1, x.Dim(0)), verbose: 0, steps: null, callbacks: null)[0];
    }
}
