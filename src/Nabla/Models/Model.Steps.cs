using Nabla.Trainers;

namespace Nabla;

// The steps Fit, Evaluate and Predict loop over (Keras's train_step, test_step, predict_step). Override them to
// customise a step while keeping the loops, callbacks and progress output; by default the trainer runs its own.
public partial class Model
{
    /// <summary>
    /// One training step on a batch: forward pass under a <see cref="Autodiff.GradientTape"/>, loss, gradients, optimizer
    /// update, metric updates (Keras's <c>train_step</c>). Returns the logs Fit passes to the callbacks.
    /// </summary>
    /// <param name="x">The batch's inputs.</param>
    /// <param name="y">The batch's targets.</param>
    /// <returns>
    /// The logs of the step, by name: by default the running loss and metrics from <see cref="GetMetricsResult"/>
    /// (Keras's <c>compute_metrics</c>). Fit and TrainOnBatch copy them at once, so an override may return a
    /// dictionary it reuses; extra entries appear in the batch logs, the epoch logs and <c>History</c>.
    /// </returns>
    /// <remarks>
    /// An override receives ordinary tensors and may keep them; the default step (used when the method is not
    /// overridden) recycles its own, which is what makes it allocation-free. An override is for models with one input and
    /// one output, trained without sample or class weights.
    /// </remarks>
    /// <example>
    /// <code>
    /// protected override IReadOnlyDictionary&lt;string, double&gt; TrainStep(Tensor x, Tensor y)
    /// {
    ///     IReadOnlyList&lt;Variable&gt; weights = TrainableWeights;
    ///     using var tape = new GradientTape();
    ///     Tensor yPred = Apply(x, training: true);
    ///     Tensor loss = ComputeLoss(x, y, yPred);
    ///     IReadOnlyList&lt;Tensor&gt; grads = tape.Gradient(loss, weights);
    ///     Optimizer!.Apply(grads, weights);
    ///     UpdateMetrics(y, yPred, loss);
    ///     return GetMetricsResult();
    /// }
    /// </code>
    /// </example>
    protected virtual IReadOnlyDictionary<string, double> TrainStep(Tensor x, Tensor y) =>
        Trainer.TrainStep(CurrentRun(nameof(TrainStep)), SingleBatch(x, y));

    /// <summary>One evaluation step: forward pass in inference mode, loss and metric updates (Keras's <c>test_step</c>).</summary>
    /// <param name="x">The batch's inputs.</param>
    /// <param name="y">The batch's targets.</param>
    /// <returns>The logs of the step, by default <see cref="GetMetricsResult"/>; Evaluate copies them at once.</returns>
    protected virtual IReadOnlyDictionary<string, double> TestStep(Tensor x, Tensor y) =>
        Trainer.TestStep(CurrentRun(nameof(TestStep)), SingleBatch(x, y));

    /// <summary>One prediction step: the forward pass in inference mode (Keras's <c>predict_step</c>).</summary>
    /// <param name="x">The batch's inputs.</param>
    /// <returns>The batch's outputs; Predict copies them at once.</returns>
    protected virtual Tensor PredictStep(Tensor x) => Apply(x, training: false);

    /// <summary>
    /// The running result of the loss tracker and of every compiled metric of the call in progress, by name (Keras's
    /// <c>get_metrics_result</c>), as <see cref="TrainStep"/> and <see cref="TestStep"/> return it.
    /// </summary>
    /// <returns>
    /// One dictionary per call, refilled on every request so that a training step allocates nothing: copy it to keep
    /// the values past the next step.
    /// </returns>
    /// <exception cref="InvalidOperationException">No Fit, Evaluate, TrainOnBatch or TestOnBatch of this model is running on this thread.</exception>
    protected IReadOnlyDictionary<string, double> GetMetricsResult() => RunScope.MetricsFor(this, nameof(GetMetricsResult)).Results();

    /// <summary>
    /// The compiled loss of <paramref name="yPred"/> against <paramref name="y"/>, weighted per sample when
    /// <paramref name="sampleWeight"/> is given, plus the layers' regularization penalties (Keras's <c>compute_loss</c>).
    /// Differentiable.
    /// </summary>
    /// <param name="x">The batch's inputs (unused by the default; available to overrides).</param>
    /// <param name="y">The targets.</param>
    /// <param name="yPred">The model's predictions.</param>
    /// <param name="sampleWeight">One weight per sample ([batch]), or null (default).</param>
    /// <exception cref="InvalidOperationException">The model is not compiled, or was compiled without a loss.</exception>
    public virtual Tensor ComputeLoss(Tensor x, Tensor y, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(yPred);
        return Trainer.SingleOutputLoss(y, yPred, sampleWeight);
    }

    /// <summary>
    /// Updates the loss tracker (weighted by batch size, as Keras) and every compiled metric of the call in progress.
    /// </summary>
    /// <param name="y">The targets.</param>
    /// <param name="yPred">The predictions.</param>
    /// <param name="loss">The batch's scalar loss.</param>
    /// <exception cref="InvalidOperationException">No Fit, Evaluate, TrainOnBatch or TestOnBatch of this model is running on this thread.</exception>
    protected void UpdateMetrics(Tensor y, Tensor yPred, Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(yPred);
        ArgumentNullException.ThrowIfNull(loss);
        RunScope.MetricsFor(this, nameof(UpdateMetrics)).Update(new ReadOnlySpan<Tensor>(in y), new ReadOnlySpan<Tensor>(in yPred), loss, []);
    }

    /// <summary>Runs an overridden <see cref="TrainStep"/> on a batch of one input and one target.</summary>
    internal IReadOnlyDictionary<string, double> InvokeTrainStep(in StepBatch batch)
    {
        CheckOverridable(nameof(TrainStep), batch);
        return TrainStep(batch.X[0], batch.Y[0]);
    }

    /// <summary>Runs an overridden <see cref="TestStep"/> on a batch of one input and one target.</summary>
    internal IReadOnlyDictionary<string, double> InvokeTestStep(in StepBatch batch)
    {
        CheckOverridable(nameof(TestStep), batch);
        return TestStep(batch.X[0], batch.Y[0]);
    }

    /// <summary>Runs an overridden <see cref="PredictStep"/> on a batch of one input.</summary>
    internal Tensor InvokePredictStep(in StepBatch batch)
    {
        CheckOverridable(nameof(PredictStep), batch);
        return PredictStep(batch.X[0]);
    }

    private void CheckOverridable(string step, in StepBatch batch)
    {
        if (batch.X.Length != 1 || batch.Y.Length > 1 || OutputCount != 1)
        {
            throw new InvalidOperationException(
                $"{GetType().Name} overrides {step}(x, y), which takes one input and one target, but the model has {batch.X.Length} inputs " +
                $"and {OutputCount} outputs. Train a model with several inputs or outputs with the default step.");
        }

        if (batch.SampleWeight is not null)
        {
            throw new InvalidOperationException(
                $"{GetType().Name} overrides {step}(x, y), which receives no sample weights, so sampleWeight and classWeight cannot be honoured. " +
                "Weigh the loss inside your step, or use the default step.");
        }
    }

    private RunScope CurrentRun(string step)
    {
        if (RunScope.Current is { } run && ReferenceEquals(run.Model, this))
        {
            return run;
        }

        throw new InvalidOperationException(
            $"{step}() runs only inside Fit, Evaluate, TrainOnBatch or TestOnBatch of model '{Name}'.");
    }

    private static StepBatch SingleBatch(Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return new StepBatch([x], [y], RunScope.Current?.SampleWeight);
    }
}
