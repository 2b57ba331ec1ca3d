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
    private GradientTape? _stepTape;

    /// <summary>
    /// One training step on a batch: forward pass under a <see cref="GradientTape"/>, loss, gradients, optimizer
    /// update, metric updates (Keras's <c>train_step</c>). Fit reads the logs from <see cref="Metrics"/> afterwards.
    /// </summary>
    /// <param name="x">The batch's inputs.</param>
    /// <param name="y">The batch's targets.</param>
    /// <example>
    /// <code>
    /// protected override void TrainStep(Tensor x, Tensor y)
    /// {
    ///     using var tape = new GradientTape();
    ///     Tensor yPred = Apply(x, training: true);
    ///     Tensor loss = ComputeLoss(x, y, yPred);
    ///     Optimizer!.Apply(tape.Gradient(loss, TrainableWeights), TrainableWeights);
    ///     UpdateMetrics(y, yPred, loss);
    /// }
    /// </code>
    /// </example>
    protected virtual void TrainStep(Tensor x, Tensor y)
    {
        Tensor yPred, loss;
        using (GradientTape tape = GradientTape.Reuse(ref _stepTape))
        {
            yPred = Apply(x, training: true);
            loss = ComputeLoss(x, y, yPred);
            if (!_trainCached)
            {
                CacheTrainableWeights();
            }

            tape.Gradient(loss, _trainValues, _grads);
        }

        Optimizer!.Apply(_grads, _trainVars);
        UpdateMetrics(y, yPred, loss);
    }

    /// <summary>One evaluation step: forward pass in inference mode, loss and metric updates (Keras's <c>test_step</c>).</summary>
    /// <param name="x">The batch's inputs.</param>
    /// <param name="y">The batch's targets.</param>
    protected virtual void TestStep(Tensor x, Tensor y)
    {
        Tensor yPred = Apply(x, training: false);
        UpdateMetrics(y, yPred, ComputeLoss(x, y, yPred));
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

    /// <summary>Forgets cached training state (after Compile, or when trainability may have changed).</summary>
    private void ResetTrainingState()
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
