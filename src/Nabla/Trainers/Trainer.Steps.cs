using Nabla.Autodiff;

namespace Nabla.Trainers;

// The library's own steps: arena-backed (a warm step allocates nothing), for any number of inputs and outputs. The
// model's TrainStep/TestStep/PredictStep hooks run these unless a subclass replaces them.
internal sealed partial class Trainer
{
    /// <summary>
    /// One training step (Keras's <c>train_step</c>): the forward pass and the loss under the trainer's tape, the
    /// gradients, the optimizer's update, then the metrics. The step's tensors are recycled by the next step.
    /// </summary>
    public IReadOnlyDictionary<string, double> TrainStep(RunScope run, in StepBatch batch)
    {
        CompileState compiled = _compiled!;
        TrainState train = run.Train ?? throw new InvalidOperationException("TrainStep runs only inside Fit or TrainOnBatch.");
        MetricSet metrics = run.Metrics!;
        Tensor loss;
        using (StepContext.TrainingStep step = StepContext.Current.BeginTrainingStep())
        {
            _model.Forward(batch.X, run.Outputs, training: true);
            loss = TotalLoss(compiled, batch, run);
            train.EnsureCached(_model);   // after the forward pass, which builds a model declared without an input shape
            step.Tape.ComputeGradients(loss, null, train.Values, train.Grads);
        }

        compiled.Optimizer.Apply(train.Grads, train.Variables);
        metrics.Update(batch.Y, run.Outputs, loss, run.OutputLosses);
        return metrics.Results();
    }

    /// <summary>One evaluation step (Keras's <c>test_step</c>): the forward pass in inference mode, the loss and the metrics.</summary>
    public IReadOnlyDictionary<string, double> TestStep(RunScope run, in StepBatch batch)
    {
        CompileState compiled = _compiled!;
        MetricSet metrics = run.Metrics!;
        using (StepContext.Current.BeginInferenceBatch())
        {
            _model.Forward(batch.X, run.Outputs, training: false);
            Tensor loss = TotalLoss(compiled, batch, run);
            metrics.Update(batch.Y, run.Outputs, loss, run.OutputLosses);
        }

        return metrics.Results();
    }

    /// <summary>
    /// One prediction step (Keras's <c>predict_step</c>): the forward pass in inference mode, copied out at once, or
    /// through <paramref name="downloads"/> (a device's asynchronous copies, which land when the next batch is queued).
    /// </summary>
    public void PredictStep(RunScope run, in StepBatch batch, PredictionCollector[] results, OutputDownloads? downloads = null)
    {
        using (StepContext.Current.BeginInferenceBatch())
        {
            _model.Forward(batch.X, run.Outputs, training: false);
            if (downloads is not null)
            {
                downloads.Issue(run.Outputs, results);
                return;
            }

            for (int o = 0; o < results.Length; o++)
            {
                results[o].Add(run.Outputs[o]);
            }
        }
    }

    /// <summary>
    /// Predict's serving path for one batch of a model with one input and one output: the forward pass in inference
    /// mode, its result copied out; nothing else is allocated once warm (no callbacks, iterator or batch buffer).
    /// </summary>
    public Tensor PredictOneBatch(Tensor x)
    {
        CheckFinite("Predict", "input", x, 0);
        Device device = ModelDevice();
        if (device.Backend is not null)
        {
            x = x.To(device);
        }

        using (StepContext.Current.BeginInferenceBatch())
        {
            Tensor y = null!;
            _model.Forward(new ReadOnlySpan<Tensor>(in x), new Span<Tensor>(ref y), training: false);
            return y.Memory is null ? y.Clone() : y.To(Device.Cpu);
        }
    }

    /// <summary>
    /// The loss a single-output model minimises (the default of <c>Model.ComputeLoss</c>): the compiled loss of
    /// <paramref name="yPred"/> against <paramref name="y"/>, weighted per sample when weights are given, plus the
    /// layers' regularization penalties.
    /// </summary>
    public Tensor SingleOutputLoss(Tensor y, Tensor yPred, Tensor? sampleWeight)
    {
        CompileState compiled = RequireCompiled("ComputeLoss");
        Tensor value = (compiled.Losses[0] ?? throw NoLoss()).Call(y, yPred, sampleWeight);
        if (compiled.LossWeights[0] != 1.0)
        {
            value = Ops.Multiply(value, (float)compiled.LossWeights[0]);
        }

        return _model.AddRegularization(value) ?? value;
    }

    /// <summary>
    /// The total loss of a step: for one output, <c>Model.ComputeLoss</c> (which a subclass may override); for several,
    /// Σ weightₒ·lossₒ over the outputs that have a loss (each unweighted lossₒ kept for its tracker, as Keras records
    /// them) plus the regularization penalties.
    /// </summary>
    private Tensor TotalLoss(CompileState compiled, in StepBatch batch, RunScope run)
    {
        if (!compiled.MultiOutput)
        {
            return _model.ComputeLoss(batch.X[0], batch.Y[0], run.Outputs[0], batch.SampleWeight);
        }

        Tensor? total = null;
        for (int o = 0; o < compiled.Losses.Length; o++)
        {
            run.OutputLosses[o] = null;
            if (compiled.Losses[o] is not { } loss)
            {
                continue;
            }

            Tensor value = loss.Call(batch.Y[o], run.Outputs[o], batch.SampleWeight);
            run.OutputLosses[o] = value;
            Tensor weighted = compiled.LossWeights[o] == 1.0 ? value : Ops.Multiply(value, (float)compiled.LossWeights[o]);
            total = total is null ? weighted : Ops.Add(total, weighted);
        }

        if (total is null)
        {
            throw NoLoss();
        }

        return _model.AddRegularization(total) ?? total;
    }

    private InvalidOperationException NoLoss() => new(
        $"Model '{_model.Name}' has no loss to compute. Pass a loss to Compile(), e.g. model.Compile(optimizer: \"adam\", loss: \"mse\").");
}
