using Nabla.Autodiff;
using Nabla.Callbacks;
using Nabla.Models;
using Nabla.Tensors;

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
    public Tensor Predict(Tensor x, int? batchSize = null, int verbose = 1, int? steps = null, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArrayBatcher.CheckLengths(nameof(Predict), x, null);
        if (x.Dim(0) == 0)
        {
            throw new ArgumentException($"Predict: x has no samples (shape {ShapeUtil.Format(x.Dims)}).", nameof(x));
        }

        if (batchSize is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Predict: batchSize must be positive.");
        }

        var iterator = new EpochIterator(new ArrayBatcher(x, null, batchSize ?? 32, null), steps);
        var list = new CallbackList(callbacks, addHistory: true, addProgbar: verbose != 0, this, new CallbackParams(1, iterator.NumBatches, verbose));
        var logs = new Dictionary<string, double>();
        list.PredictBegin(logs);
        Tensor? result = null;
        int rows = 0;
        foreach ((int step, Tensor xb, _) in iterator.NextEpoch())
        {
            CheckFinite(nameof(Predict), xb, step);
            list.PredictBatchBegin(step, logs);
            using (StepContext.Current.BeginInferenceBatch())
            {
                Tensor yb = PredictStep(xb);
                result ??= Tensor.Zeros([x.Dim(0), .. yb.Dims[1..]]);
                yb.Span.CopyTo(result.Span.Slice(rows * (yb.Size / Math.Max(yb.Dim(0), 1))));
                rows += yb.Dim(0);
            }

            list.PredictBatchEnd(step, logs);
        }

        list.PredictEnd(logs);
        return rows == x.Dim(0) ? result! : result![..rows].Clone();
    }

    /// <summary>The model's outputs for one batch (Keras's <c>predict_on_batch</c>).</summary>
    /// <param name="x">The batch's inputs.</param>
    public Tensor PredictOnBatch(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckFinite(nameof(PredictOnBatch), x, 0);
        using (StepContext.Current.BeginInferenceBatch())
        {
            return PredictStep(x).Clone();
        }
    }
}
