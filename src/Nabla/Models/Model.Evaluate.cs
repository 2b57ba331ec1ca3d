using Nabla.Autodiff;
using Nabla.Callbacks;
using Nabla.Models;

namespace Nabla;

// Evaluate, TrainOnBatch and TestOnBatch.
public partial class Model
{
    /// <summary>
    /// The loss and metrics of the model on data, in inference mode (Keras's <c>evaluate</c> with <c>return_dict=True</c>).
    /// </summary>
    /// <param name="x">The inputs, samples first.</param>
    /// <param name="y">The targets, samples first.</param>
    /// <param name="batchSize">Samples per batch (default 32).</param>
    /// <param name="verbose">0 silent, 1 progress bar on a terminal (default; one line when redirected), 2 one line.</param>
    /// <param name="steps">Batches to evaluate; by default all.</param>
    /// <param name="callbacks">Callbacks receiving the test events.</param>
    /// <returns>The results by name: <c>loss</c> and each metric, e.g. <c>result["accuracy"]</c>.</returns>
    /// <exception cref="InvalidOperationException">The model is not compiled.</exception>
    /// <exception cref="ArgumentException">x and y have different sample counts, or an input batch holds NaN or infinity.</exception>
    public IReadOnlyDictionary<string, double> Evaluate(Tensor x, Tensor y, int? batchSize = null, int verbose = 1, int? steps = null,
        IEnumerable<Callback>? callbacks = null)
    {
        AssertCompiled(nameof(Evaluate));
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArrayBatcher.CheckLengths(nameof(Evaluate), x, y);
        if (batchSize is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Evaluate: batchSize must be positive.");
        }

        CheckTargets(nameof(Evaluate), y);
        var iterator = new EpochIterator(new ArrayBatcher(x, y, batchSize ?? 32, null), steps);
        var list = new CallbackList(callbacks, addHistory: true, addProgbar: verbose != 0, this, new CallbackParams(1, iterator.NumBatches, verbose));
        return RunEvaluate(nameof(Evaluate), iterator, list);
    }

    /// <summary>The evaluation loop shared by <c>Evaluate</c> and <c>Fit</c>'s validation.</summary>
    private Dictionary<string, double> RunEvaluate(string operation, EpochIterator iterator, CallbackList list)
    {
        var batchLogs = new Dictionary<string, double>(StringComparer.Ordinal);
        list.TestBegin(new Dictionary<string, double>());
        ResetMetrics();
        IReadOnlyDictionary<string, double>? stepLogs = null;
        foreach ((int step, Tensor xb, Tensor? yb) in iterator.NextEpoch())
        {
            CheckFinite(operation, xb, step);
            _noLogs.Clear();
            list.TestBatchBegin(step, _noLogs);
            using (StepContext.Current.BeginInferenceBatch())
            {
                stepLogs = TestStep(xb, yb!);
            }

            CopyStepLogs(nameof(TestStep), stepLogs, batchLogs);
            list.TestBatchEnd(step, batchLogs);
        }

        // The result is the last step's logs (the running means over all batches), as Keras's evaluate returns.
        Dictionary<string, double> logs = LogsAfter(nameof(TestStep), stepLogs);
        list.TestEnd(logs);
        return logs;
    }

    /// <summary>
    /// One training step on one batch (Keras's <c>train_on_batch</c>). Metrics accumulate across calls until
    /// <see cref="ResetMetrics"/>, as in Keras 3.
    /// </summary>
    /// <param name="x">The batch's inputs.</param>
    /// <param name="y">The batch's targets.</param>
    /// <returns>A copy of the logs the step returned: by default the running loss and metrics, plus any entries an override adds.</returns>
    /// <exception cref="InvalidOperationException">The model is not compiled.</exception>
    public IReadOnlyDictionary<string, double> TrainOnBatch(Tensor x, Tensor y)
    {
        AssertCompiled(nameof(TrainOnBatch));
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArrayBatcher.CheckLengths(nameof(TrainOnBatch), x, y);
        CheckFinite(nameof(TrainOnBatch), x, 0);
        var logs = new Dictionary<string, double>(StringComparer.Ordinal);
        CopyStepLogs(nameof(TrainStep), TrainStep(x, y), logs);
        return logs;
    }

    /// <summary>One evaluation step on one batch (Keras's <c>test_on_batch</c>); metrics accumulate across calls.</summary>
    /// <param name="x">The batch's inputs.</param>
    /// <param name="y">The batch's targets.</param>
    /// <returns>A copy of the logs the step returned: by default the running loss and metrics, plus any entries an override adds.</returns>
    /// <exception cref="InvalidOperationException">The model is not compiled.</exception>
    public IReadOnlyDictionary<string, double> TestOnBatch(Tensor x, Tensor y)
    {
        AssertCompiled(nameof(TestOnBatch));
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArrayBatcher.CheckLengths(nameof(TestOnBatch), x, y);
        CheckFinite(nameof(TestOnBatch), x, 0);
        var logs = new Dictionary<string, double>(StringComparer.Ordinal);
        using (StepContext.Current.BeginInferenceBatch())
        {
            CopyStepLogs(nameof(TestStep), TestStep(x, y), logs);
        }

        return logs;
    }
}
