namespace Nabla.Trainers;

// TrainOnBatch and TestOnBatch: single steps outside Fit and Evaluate, whose metrics accumulate across calls until
// ResetMetrics (Keras 3). The trainer keeps that metric set and its training caches; a lock keeps concurrent
// TestOnBatch calls from interleaving their updates.
internal sealed partial class Trainer
{
    /// <summary>One training step on one batch, claiming the model's weights for its duration.</summary>
    public IReadOnlyDictionary<string, double> TrainOnBatch(string operation, StepBatch batch)
    {
        CompileState compiled = RequireCompiled(operation);
        DataChecks.Arrays(operation, batch.X, batch.Y, batch.SampleWeight);
        CheckBatch(operation, batch, 0);
        using TrainingClaim claim = EnterTraining(operation);
        lock (_onBatchLock)
        {
            MetricSet metrics = OnBatchMetrics(compiled);
            TrainState train = _onBatchTrain ??= new TrainState();
            using RunScope run = RunScope.Enter(_model, metrics, train);
            run.SampleWeight = batch.SampleWeight;
            var logs = new Dictionary<string, double>(StringComparer.Ordinal);
            StepBatch onDevice = new BatchTransfer(ModelDevice()).ToDevice(batch, fresh: true);
            CopyLogs("TrainStep", StepOverrides.Of(_model.GetType()).Train ? _model.InvokeTrainStep(onDevice) : TrainStep(run, onDevice), logs);
            return logs;
        }
    }

    /// <summary>One evaluation step on one batch.</summary>
    public IReadOnlyDictionary<string, double> TestOnBatch(string operation, StepBatch batch)
    {
        CompileState compiled = RequireCompiled(operation);
        DataChecks.Arrays(operation, batch.X, batch.Y, batch.SampleWeight);
        CheckBatch(operation, batch, 0);
        lock (_onBatchLock)
        {
            MetricSet metrics = OnBatchMetrics(compiled);
            using RunScope run = RunScope.Enter(_model, metrics, null);
            run.SampleWeight = batch.SampleWeight;
            var logs = new Dictionary<string, double>(StringComparer.Ordinal);
            StepBatch onDevice = new BatchTransfer(ModelDevice()).ToDevice(batch, fresh: true);
            CopyLogs("TestStep", StepOverrides.Of(_model.GetType()).Test ? _model.InvokeTestStep(onDevice) : TestStep(run, onDevice), logs);
            return logs;
        }
    }

    private MetricSet OnBatchMetrics(CompileState compiled)
    {
        if (_onBatchMetrics is null)
        {
            _onBatchMetrics = new MetricSet(compiled);
            _lastMetrics = _onBatchMetrics.All;
        }

        return _onBatchMetrics;
    }
}
