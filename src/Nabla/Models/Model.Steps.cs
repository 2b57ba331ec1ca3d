using Nabla.Autodiff;
using Nabla.Losses;
using Nabla.Tensors;

namespace Nabla;

// The steps Fit, Evaluate and Predict loop over. Override TrainStep to customise training while keeping Fit's
// loop, callbacks and progress output (Keras's train_step).
public partial class Model
{
    private bool _trainCached;
    private Variable[] _trainVars = [];
    private Tensor[] _trainValues = [];
    private Tensor[] _grads = [];
    private readonly Dictionary<string, double> _stepLogs = new(StringComparer.Ordinal);

    /// <summary>
    /// One training step on a batch: forward pass under a <see cref="GradientTape"/>, loss, gradients, optimizer
    /// update, metric updates (Keras's <c>train_step</c>). Returns the logs Fit passes to the callbacks.
    /// </summary>
    /// <param name="x">The batch's inputs.</param>
    /// <param name="y">The batch's targets.</param>
    /// <returns>
    /// The logs of the step, by name: by default the running loss and metrics from <see cref="GetMetricsResult"/>
    /// (Keras's <c>compute_metrics</c>). Fit and TrainOnBatch copy them at once, so an override may return a
    /// dictionary it reuses; extra entries appear in the batch logs, the epoch logs and <c>History</c>.
    /// </returns>
    /// <example>
    /// <code>
    /// protected override IReadOnlyDictionary&lt;string, double&gt; TrainStep(Tensor x, Tensor y)
    /// {
    ///     IReadOnlyList&lt;Variable&gt; weights = TrainableWeights;
    ///     Tensor yPred, loss;
    ///     IReadOnlyList&lt;Tensor&gt; grads;
    ///     using (var tape = new GradientTape())
    ///     {
    ///         yPred = Apply(x, training: true);
    ///         loss = ComputeLoss(x, y, yPred);
    ///         grads = tape.Gradient(loss, weights);
    ///     }
    ///
    ///     Optimizer!.Apply(grads, weights);
    ///     UpdateMetrics(y, yPred, loss);
    ///     return GetMetricsResult();
    /// }
    /// </code>
    /// </example>
    protected virtual IReadOnlyDictionary<string, double> TrainStep(Tensor x, Tensor y)
    {
        Tensor yPred, loss;
        using (StepContext.TrainingStep step = StepContext.Current.BeginTrainingStep())
        {
            yPred = Apply(x, training: true);
            loss = ComputeLoss(x, y, yPred);
            if (!_trainCached)
            {
                CacheTrainableWeights();   // after the forward pass, which builds a model declared without an input shape
            }

            step.Tape.ComputeGradients(loss, null, _trainValues, _grads);
        }

        Optimizer!.Apply(_grads, _trainVars);
        UpdateMetrics(y, yPred, loss);
        return GetMetricsResult();
    }

    /// <summary>One evaluation step: forward pass in inference mode, loss and metric updates (Keras's <c>test_step</c>).</summary>
    /// <param name="x">The batch's inputs.</param>
    /// <param name="y">The batch's targets.</param>
    /// <returns>The logs of the step, by default <see cref="GetMetricsResult"/>; Evaluate copies them at once.</returns>
    protected virtual IReadOnlyDictionary<string, double> TestStep(Tensor x, Tensor y)
    {
        Tensor yPred = Apply(x, training: false);
        UpdateMetrics(y, yPred, ComputeLoss(x, y, yPred));
        return GetMetricsResult();
    }

    /// <summary>
    /// The running result of the loss tracker and of every compiled metric, by name (Keras's
    /// <c>get_metrics_result</c>), as <see cref="TrainStep"/> and <see cref="TestStep"/> return it.
    /// </summary>
    /// <returns>
    /// One dictionary per model, refilled on every call so that a training step allocates nothing: copy it to keep
    /// the values past the next step.
    /// </returns>
    protected IReadOnlyDictionary<string, double> GetMetricsResult()
    {
        _stepLogs.Clear();
        FillLogs(_stepLogs);
        return _stepLogs;
    }

    /// <summary>One prediction step: the forward pass in inference mode (Keras's <c>predict_step</c>).</summary>
    /// <param name="x">The batch's inputs.</param>
    protected virtual Tensor PredictStep(Tensor x) => Apply(x, training: false);

    /// <summary>
    /// The compiled loss of <paramref name="yPred"/> against <paramref name="y"/> plus the layers' regularization
    /// penalties (Keras's <c>compute_loss</c>). Differentiable.
    /// </summary>
    /// <param name="x">The batch's inputs (unused by the default; available to overrides).</param>
    /// <param name="y">The targets.</param>
    /// <param name="yPred">The model's predictions.</param>
    /// <exception cref="InvalidOperationException">The model was compiled without a loss.</exception>
    public virtual Tensor ComputeLoss(Tensor x, Tensor y, Tensor yPred)
    {
        Loss loss = Loss ?? throw new InvalidOperationException(
            $"Model '{Name}' has no loss to compute. Pass a loss to Compile(), e.g. model.Compile(optimizer: \"adam\", loss: \"mse\").");
        Tensor value = loss.Call(y, yPred);
        return AddRegularization(value) ?? value;
    }

    /// <summary>Updates the loss tracker (weighted by batch size, as Keras) and every compiled metric.</summary>
    /// <param name="y">The targets.</param>
    /// <param name="yPred">The predictions.</param>
    /// <param name="loss">The batch's scalar loss.</param>
    protected void UpdateMetrics(Tensor y, Tensor yPred, Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(yPred);
        ArgumentNullException.ThrowIfNull(loss);
        _lossTracker.Update(loss.Item(), yPred.Rank > 0 ? yPred.Dim(0) : 1);
        foreach (Metrics.Metric m in _compiledMetrics)
        {
            m.UpdateState(y, yPred);
        }
    }

    /// <summary>Forgets cached training state (after Compile, when trainability may have changed, or when layers are added or removed).</summary>
    private protected void ResetTrainingState()
    {
        _trainCached = false;
        _trainVars = [];
        _trainValues = [];
        _grads = [];
    }

    private void CacheTrainableWeights()
    {
        _trainVars = [.. TrainableWeights];
        _trainValues = new Tensor[_trainVars.Length];
        for (int i = 0; i < _trainVars.Length; i++)
        {
            _trainValues[i] = _trainVars[i].Value;
        }

        _grads = new Tensor[_trainVars.Length];
        _trainCached = true;
    }

    /// <summary>
    /// Copies the logs a step returned into <paramref name="destination"/>, replacing its entries. Without
    /// allocating when the step returned a <see cref="Dictionary{TKey, TValue}"/> (its enumerator is a struct).
    /// </summary>
    private void CopyStepLogs(string step, IReadOnlyDictionary<string, double>? source, Dictionary<string, double> destination)
    {
        if (source is null)
        {
            throw new InvalidOperationException(
                $"{GetType().Name}.{step} returned null, but it must return the step's logs: return GetMetricsResult() after UpdateMetrics(...).");
        }

        destination.Clear();
        if (source is Dictionary<string, double> dictionary)
        {
            foreach (KeyValuePair<string, double> entry in dictionary)
            {
                destination[entry.Key] = entry.Value;
            }
        }
        else
        {
            foreach (KeyValuePair<string, double> entry in source)
            {
                destination[entry.Key] = entry.Value;
            }
        }
    }

    /// <summary>A new dictionary of the last step's logs, or of the metrics' results when no step ran.</summary>
    private Dictionary<string, double> LogsAfter(string step, IReadOnlyDictionary<string, double>? lastStepLogs)
    {
        var logs = new Dictionary<string, double>(StringComparer.Ordinal);
        if (lastStepLogs is null)
        {
            FillLogs(logs);
        }
        else
        {
            CopyStepLogs(step, lastStepLogs, logs);
        }

        return logs;
    }

    /// <summary>Throws a clear error when a batch holds NaN or infinity, naming where.</summary>
    private static void CheckFinite(string operation, Tensor batch, int batchIndex)
    {
        int bad = Kernels.Finite.IndexOfNonFinite(batch.Span);
        if (bad < 0)
        {
            return;
        }

        int rowSize = batch.Rank > 0 && batch.Dim(0) > 0 ? batch.Size / batch.Dim(0) : 1;
        float value = batch.Span[bad];
        string what = float.IsNaN(value) ? "NaN" : value > 0 ? "infinity" : "-infinity";
        throw new ArgumentException(
            $"{operation}: the input batch {batchIndex} of shape {ShapeUtil.Format(batch.Dims)} contains {what} (sample {bad / rowSize} of the batch, element {bad % rowSize}). " +
            "Training on NaN or infinite values turns every weight into NaN; clean or impute the data first.");
    }
}
