using Nabla.Callbacks;
using Nabla.Trainers;

namespace Nabla;

// Evaluate on arrays, TrainOnBatch and TestOnBatch.
public partial class Model
{
    /// <summary>
    /// The loss and metrics of the model on data, in inference mode (Keras's <c>evaluate</c>).
    /// </summary>
    /// <param name="x">The inputs, samples first.</param>
    /// <param name="y">The targets, samples first.</param>
    /// <param name="batchSize">Samples per batch (default 32).</param>
    /// <param name="verbose">0 silent, 1 progress bar on a terminal (default; one line when redirected), 2 one line.</param>
    /// <param name="sampleWeight">One weight per sample ([samples]) for the loss; default none.</param>
    /// <param name="steps">Batches to evaluate; by default all.</param>
    /// <param name="callbacks">Callbacks receiving the test events.</param>
    /// <returns>The results by name (<c>result["accuracy"]</c>) and in Keras's order (<c>result[0]</c> is the loss).</returns>
    /// <exception cref="InvalidOperationException">The model is not compiled.</exception>
    /// <exception cref="ArgumentException">There are no samples, the arrays have different sample counts, or a batch holds NaN or infinity.</exception>
    /// <remarks>Safe to call from several threads at once on a trained model: each call tracks its own metrics.</remarks>
    public EvaluationResult Evaluate(Tensor x, Tensor y, int? batchSize = null, int verbose = 1, Tensor? sampleWeight = null,
        int? steps = null, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return EvaluateArrays([x], [y], batchSize, verbose, sampleWeight, steps, callbacks);
    }

    private EvaluationResult EvaluateArrays(Tensor[] x, Tensor[] y, int? batchSize, int verbose, Tensor? sampleWeight, int? steps,
        IEnumerable<Callback>? callbacks)
    {
        CompileState compiled = Trainer.RequireCompiled(nameof(Evaluate));
        CheckCount(nameof(Evaluate), "x", "input", x.Length, InputCount, InputNames);
        CheckCount(nameof(Evaluate), "y", "output", y.Length, OutputCount, OutputNames);
        DataChecks.Arrays(nameof(Evaluate), x, y, sampleWeight);
        if (batchSize is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Evaluate: batchSize must be positive.");
        }

        CheckVerbose(verbose);
        CheckTargets(nameof(Evaluate), y);
        var iterator = new EpochIterator(
            new ArrayBatcher(x, y, sampleWeight, batchSize ?? 32, null, !StepOverrides.Of(GetType()).Test, compiled.Distribution), steps);
        return new EvaluationResult(Trainer.Evaluate(nameof(Evaluate), iterator, verbose, callbacks), compiled.ResultNames);
    }

    /// <summary>
    /// One training step on one batch (Keras's <c>train_on_batch</c>). Metrics accumulate across calls until
    /// <see cref="ResetMetrics"/>, as in Keras 3.
    /// </summary>
    /// <param name="x">The batch's inputs.</param>
    /// <param name="y">The batch's targets.</param>
    /// <param name="sampleWeight">One weight per sample, or null (default).</param>
    /// <returns>A copy of the logs the step returned: by default the running loss and metrics, plus any entries an override adds.</returns>
    /// <exception cref="InvalidOperationException">The model is not compiled, or is already training.</exception>
    public IReadOnlyDictionary<string, double> TrainOnBatch(Tensor x, Tensor y, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return Trainer.TrainOnBatch(nameof(TrainOnBatch), new StepBatch([x], [y], sampleWeight));
    }

    /// <summary>One evaluation step on one batch (Keras's <c>test_on_batch</c>); metrics accumulate across calls.</summary>
    /// <param name="x">The batch's inputs.</param>
    /// <param name="y">The batch's targets.</param>
    /// <param name="sampleWeight">One weight per sample, or null (default).</param>
    /// <returns>A copy of the logs the step returned: by default the running loss and metrics, plus any entries an override adds.</returns>
    /// <exception cref="InvalidOperationException">The model is not compiled.</exception>
    public IReadOnlyDictionary<string, double> TestOnBatch(Tensor x, Tensor y, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return Trainer.TestOnBatch(nameof(TestOnBatch), new StepBatch([x], [y], sampleWeight));
    }
}
