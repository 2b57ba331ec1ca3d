using Nabla.Callbacks;
using Nabla.Distributed;

namespace Nabla.Trainers;

// The loops: Fit, Evaluate and Predict over an EpochIterator, whatever the batch source (arrays or a dataset).
internal sealed partial class Trainer
{
    /// <summary>The training loop shared by every <c>Fit</c> overload.</summary>
    /// <param name="iterator">The training batches.</param>
    /// <param name="epochs">Epochs to train up to.</param>
    /// <param name="verbose">The verbosity.</param>
    /// <param name="callbacks">The user's callbacks.</param>
    /// <param name="validation">Makes the validation batches on first use, or null.</param>
    /// <param name="initialEpoch">The first epoch's index.</param>
    /// <param name="validationFreq">Validate every this many epochs.</param>
    public History RunFit(EpochIterator iterator, int epochs, int verbose, IEnumerable<Callback>? callbacks,
        Func<EpochIterator>? validation, int initialEpoch, int validationFreq)
    {
        using TrainingClaim claim = EnterTraining("Fit");
        CompileState compiled = RequireCompiled("Fit");
        Kernels.Precompilation.TrainingBegins();
        StepOverrides overrides = StepOverrides.Of(_model.GetType());
        DistributionStrategy? distribution = compiled.Distribution;
        using var transfer = new BatchTransfer(ModelDevice());
        Device.AnnounceTraining(transfer.Device);
        if (distribution is not null)
        {
            if (overrides.Train)
            {
                throw new InvalidOperationException(
                    $"Fit: {_model.GetType().Name} overrides TrainStep, but data-parallel training runs the default step (it splits each batch " +
                    "across the ranks and sums the gradients). Remove the override or the distribution.");
            }

            StartDistributed(distribution, iterator.BatchSize, epochs);
        }

        var metrics = new MetricSet(compiled);
        MetricSet? globalMetrics = distribution is null ? null : new MetricSet(compiled);
        double[]? stateBuffer = null;
        MetricSet? validationMetrics = null;
        var train = new TrainState();
        CallbackList list = Callbacks(callbacks, distribution is { IsChief: false } ? 0 : verbose, epochs, iterator.NumBatches);
        _model.StopTraining = false;
        var batchLogs = new Dictionary<string, double>(StringComparer.Ordinal);
        var noLogs = new Dictionary<string, double>(StringComparer.Ordinal);
        Dictionary<string, double>? trainingLogs = null;
        EpochIterator? validationIterator = null;
        _resumeEpoch = null;
        _inTrainBegin = true;
        try
        {
            list.TrainBegin(new Dictionary<string, double>());
        }
        finally
        {
            _inTrainBegin = false;
        }

        // A callback restoring a backup moves the first epoch (Keras's model._initial_epoch), for this run only.
        int firstEpoch = _resumeEpoch ?? initialEpoch;
        _resumeEpoch = null;
        for (int epoch = firstEpoch; epoch < epochs; epoch++)
        {
            metrics.Reset();
            list.EpochBegin(epoch, new Dictionary<string, double>());
            IReadOnlyDictionary<string, double>? stepLogs = null;
            using (RunScope run = RunScope.Enter(_model, metrics, train))
            using (BatchFeed feed = transfer.Feed(iterator.NextEpoch(), "Fit", fresh: overrides.Train))
            {
                while (feed.Next(out int step, out StepBatch batch))
                {
                    noLogs.Clear();
                    list.TrainBatchBegin(step, noLogs);
                    run.SampleWeight = batch.SampleWeight;
                    if (distribution is not null)
                    {
                        DistributedTrainStep(distribution, run, batch);
                        stepLogs = GlobalResults(distribution, metrics, globalMetrics!, ref stateBuffer);
                    }
                    else
                    {
                        stepLogs = overrides.Train ? _model.InvokeTrainStep(batch) : TrainStep(run, batch);
                    }

                    CopyLogs("TrainStep", stepLogs, batchLogs);   // callbacks may edit their copy, not the step's
                    list.TrainBatchEnd(step, batchLogs);
                    if (_model.StopTraining)
                    {
                        break;
                    }
                }
            }

            if (stepLogs is null && !_model.StopTraining)
            {
                throw new ArgumentException("Fit: the training data yielded no batches in an epoch; there is nothing to train on.");
            }

            // As Keras, the epoch's logs are the last step's (the running means over the epoch), copied before
            // validation, whose steps refill the dictionary the default step returns.
            Dictionary<string, double> epochLogs = LogsAfter("TrainStep", stepLogs, metrics);
            if (validation is not null && (epoch + 1) % validationFreq == 0)
            {
                validationIterator ??= validation();
                validationMetrics ??= new MetricSet(compiled);
                foreach (KeyValuePair<string, double> entry in RunEvaluate("Fit (validation)", validationIterator, list, validationMetrics))
                {
                    epochLogs["val_" + entry.Key] = entry.Value;
                }
            }

            list.EpochEnd(epoch, epochLogs);
            trainingLogs = epochLogs;
            if (_model.StopTraining)
            {
                break;
            }
        }

        list.TrainEnd(trainingLogs ?? new Dictionary<string, double>());
        _lastMetrics = (globalMetrics ?? metrics).All;
        return list.History!;
    }

    /// <summary>
    /// Makes the running <c>Fit</c> start at <paramref name="epoch"/> instead of its <c>initialEpoch</c> (Keras's
    /// <c>model._initial_epoch</c>, set by <c>BackupAndRestore</c> when it restores a backup). Only a callback's
    /// <c>OnTrainBegin</c>, on the training thread, may call it; the choice applies to that run alone.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called outside a Fit's <c>OnTrainBegin</c>.</exception>
    public void ResumeAt(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        if (!_inTrainBegin || Volatile.Read(ref _trainingThread) != Environment.CurrentManagedThreadId)
        {
            throw new InvalidOperationException(
                $"The first epoch of model '{_model.Name}' can only be moved from a callback's OnTrainBegin during Fit, on the training thread.");
        }

        _resumeEpoch = epoch;
    }

    /// <summary>The evaluation loop of <c>Evaluate</c> and of Fit's validation, tracking into <paramref name="metrics"/>.</summary>
    public Dictionary<string, double> RunEvaluate(string operation, EpochIterator iterator, CallbackList list, MetricSet metrics)
    {
        StepOverrides overrides = StepOverrides.Of(_model.GetType());
        DistributionStrategy? distribution = _compiled?.Distribution;
        using var transfer = new BatchTransfer(ModelDevice());
        if (distribution is not null && overrides.Test)
        {
            throw new InvalidOperationException(
                $"{operation}: {_model.GetType().Name} overrides TestStep, but data-parallel evaluation runs the default step (it splits each batch " +
                "across the ranks and combines the metrics). Remove the override or the distribution.");
        }

        MetricSet? global = distribution is null ? null : new MetricSet(_compiled!);
        double[]? stateBuffer = null;
        var batchLogs = new Dictionary<string, double>(StringComparer.Ordinal);
        var noLogs = new Dictionary<string, double>(StringComparer.Ordinal);
        list.TestBegin(new Dictionary<string, double>());
        metrics.Reset();
        IReadOnlyDictionary<string, double>? stepLogs = null;
        using (RunScope run = RunScope.Enter(_model, metrics, null))
        using (BatchFeed feed = transfer.Feed(iterator.NextEpoch(), operation, fresh: overrides.Test))
        {
            while (feed.Next(out int step, out StepBatch batch))
            {
                noLogs.Clear();
                list.TestBatchBegin(step, noLogs);
                run.SampleWeight = batch.SampleWeight;
                if (distribution is not null)
                {
                    StepBatch local = Shard(distribution, batch);
                    if (local.Rows > 0)
                    {
                        TestStep(run, local);
                    }

                    stepLogs = GlobalResults(distribution, metrics, global!, ref stateBuffer);
                }
                else
                {
                    stepLogs = overrides.Test ? _model.InvokeTestStep(batch) : TestStep(run, batch);
                }

                CopyLogs("TestStep", stepLogs, batchLogs);
                list.TestBatchEnd(step, batchLogs);
            }
        }

        if (stepLogs is null)
        {
            throw new ArgumentException($"{operation}: the data yielded no batches; there is nothing to evaluate.");
        }

        // The result is the last step's logs (the running means over all batches), as Keras's evaluate returns.
        Dictionary<string, double> logs = LogsAfter("TestStep", stepLogs, global ?? metrics);
        list.TestEnd(logs);
        return logs;
    }

    /// <summary>The evaluation loop of <c>Evaluate</c>: its own metric state and callbacks.</summary>
    public Dictionary<string, double> Evaluate(string operation, EpochIterator iterator, int verbose, IEnumerable<Callback>? callbacks)
    {
        CompileState compiled = RequireCompiled(operation);
        var metrics = new MetricSet(compiled);
        int shown = compiled.Distribution is { IsChief: false } ? 0 : verbose;
        Dictionary<string, double> logs = RunEvaluate(operation, iterator, Callbacks(callbacks, shown, 1, iterator.NumBatches), metrics);
        _lastMetrics = metrics.All;
        return logs;
    }

    /// <summary>
    /// The prediction loop of every <c>Predict</c> overload: each batch's outputs are copied into
    /// <paramref name="results"/>, one collector per model output.
    /// </summary>
    public void RunPredict(EpochIterator iterator, int verbose, IEnumerable<Callback>? callbacks, PredictionCollector[] results)
    {
        StepOverrides overrides = StepOverrides.Of(_model.GetType());
        DistributionStrategy? distribution = _compiled?.Distribution;
        using var transfer = new BatchTransfer(ModelDevice());
        CallbackList list = Callbacks(callbacks, distribution is { IsChief: false } ? 0 : verbose, 1, iterator.NumBatches);
        var logs = new Dictionary<string, double>();
        list.PredictBegin(logs);
        int batches = 0;
        OutputDownloads? downloads = transfer.Downloads;   // a device's outputs come back without a wait per batch
        using (RunScope run = RunScope.Enter(_model, null, null))
        using (BatchFeed feed = transfer.Feed(iterator.NextEpoch(), "Predict", fresh: overrides.Predict))
        {
            while (feed.Next(out int step, out StepBatch batch))
            {
                list.PredictBatchBegin(step, logs);
                if (distribution is not null && !overrides.Predict)
                {
                    DistributedPredictStep(distribution, run, batch, results);
                }
                else if (overrides.Predict)
                {
                    results[0].Add(_model.InvokePredictStep(batch));
                }
                else
                {
                    PredictStep(run, batch, results, downloads);
                }

                batches++;
                list.PredictBatchEnd(step, logs);
            }
        }

        downloads?.Flush();

        if (batches == 0)
        {
            throw new ArgumentException("Predict: the data yielded no batches; there is nothing to predict.");
        }

        list.PredictEnd(logs);
    }

    /// <summary>
    /// Copies the logs a step returned into <paramref name="destination"/>, replacing its entries; without allocating
    /// when the step returned a <see cref="Dictionary{TKey, TValue}"/> (its enumerator is a struct).
    /// </summary>
    private void CopyLogs(string step, IReadOnlyDictionary<string, double>? source, Dictionary<string, double> destination)
    {
        if (source is null)
        {
            throw new InvalidOperationException(
                $"{_model.GetType().Name}.{step} returned null, but it must return the step's logs: return GetMetricsResult() after UpdateMetrics(...).");
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
    private Dictionary<string, double> LogsAfter(string step, IReadOnlyDictionary<string, double>? lastStepLogs, MetricSet metrics)
    {
        var logs = new Dictionary<string, double>(StringComparer.Ordinal);
        if (lastStepLogs is null)
        {
            metrics.Fill(logs);
        }
        else
        {
            CopyLogs(step, lastStepLogs, logs);
        }

        return logs;
    }
}
