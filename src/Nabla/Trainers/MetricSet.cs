using Nabla.Metrics;

namespace Nabla.Trainers;

/// <summary>
/// The metric state of one Fit, Evaluate or TrainOnBatch/TestOnBatch series: a loss tracker, one per output for
/// models with several, and a fresh copy of every compiled metric. Owned by that call alone, so concurrent or nested
/// calls on one model (Evaluate during Fit, Evaluate from a batch callback, serving threads) never mix their numbers.
/// </summary>
internal sealed partial class MetricSet
{
    private readonly CompileState _compiled;
    private readonly Mean[] _outputLosses;
    private readonly Metric[][] _metrics;
    private readonly Dictionary<string, double> _logs = new(StringComparer.Ordinal);
    private readonly Metric[] _all;

    public MetricSet(CompileState compiled)
    {
        _compiled = compiled;
        _outputLosses = compiled.MultiOutput ? [.. compiled.OutputNames.Select(o => new Mean(o + "_loss"))] : [];
        _metrics = new Metric[compiled.Metrics.Length][];
        for (int o = 0; o < _metrics.Length; o++)
        {
            _metrics[o] = [.. compiled.Metrics[o].Select(m => m.CloneEmpty())];
        }

        _all = [Loss, .. _outputLosses, .. _metrics.SelectMany(m => m)];
    }

    /// <summary>The loss tracker: the mean of the batches' losses weighted by their sizes, as Keras tracks it.</summary>
    public Mean Loss { get; } = new("loss");

    /// <summary>Every metric in Keras's order: the loss tracker, the per-output loss trackers, then the compiled metrics.</summary>
    public IReadOnlyList<Metric> All => _all;

    /// <summary>The number of values in the states of every metric, for combining them across ranks.</summary>
    /// <exception cref="InvalidOperationException">A metric does not expose its state.</exception>
    public int StateLength => All.Sum(m => m.StateLength >= 0 ? m.StateLength
        : throw new InvalidOperationException($"Metric {m.Describe} does not expose its state, so distributed training cannot combine it across ranks."));

    /// <summary>Writes every metric's state, in <see cref="All"/> order.</summary>
    public void ExportState(Span<double> state)
    {
        int offset = 0;
        foreach (Metric m in _all)
        {
            m.ExportState(state.Slice(offset, m.StateLength));
            offset += m.StateLength;
        }
    }

    /// <summary>Replaces every metric's state, in <see cref="All"/> order.</summary>
    public void ImportState(ReadOnlySpan<double> state)
    {
        int offset = 0;
        foreach (Metric m in _all)
        {
            m.ImportState(state.Slice(offset, m.StateLength));
            offset += m.StateLength;
        }
    }

    /// <summary>Forgets every update.</summary>
    public void Reset()
    {
        Loss.ResetState();
        foreach (Mean m in _outputLosses)
        {
            m.ResetState();
        }

        foreach (Metric[] perOutput in _metrics)
        {
            foreach (Metric m in perOutput)
            {
                m.ResetState();
            }
        }
    }

    /// <summary>
    /// Folds in one batch: the total loss (weighted by the batch size), each output's loss when there are several,
    /// and every metric on its output's targets and predictions. On a device see <see cref="UpdateOnDevice"/>.
    /// </summary>
    public void Update(ReadOnlySpan<Tensor> y, ReadOnlySpan<Tensor> yPred, Tensor loss, ReadOnlySpan<Tensor?> outputLosses)
    {
        int rows = yPred[0].Rank > 0 ? yPred[0].Dim(0) : 1;
        if (loss.Memory is not null)
        {
            UpdateOnDevice(y, yPred, loss, outputLosses, rows);   // its own method: the host path stays as it was
            return;
        }

        Loss.Update(loss.Item(), rows);
        for (int o = 0; o < _outputLosses.Length; o++)
        {
            if (outputLosses[o] is { } l)
            {
                _outputLosses[o].Update(l.Item(), rows);
            }
        }

        for (int o = 0; o < _metrics.Length; o++)
        {
            if (_metrics[o].Length == 0)
            {
                continue;
            }

            foreach (Metric m in _metrics[o])
            {
                m.UpdateState(y[o], yPred[o]);
            }
        }
    }

    /// <summary>The current results by logged name, keys in sorted order: one dictionary, refilled on every call.</summary>
    public Dictionary<string, double> Results()
    {
        _logs.Clear();
        Fill(_logs);
        return _logs;
    }

    /// <summary>Writes the current results into <paramref name="logs"/>.</summary>
    public void Fill(Dictionary<string, double> logs)
    {
        foreach (string name in _compiled.LogNames)
        {
            logs[name] = Find(name);
        }
    }

    private double Find(string name)
    {
        if (name == "loss")
        {
            return Loss.Result();
        }

        foreach (Mean m in _outputLosses)
        {
            if (m.Name == name)
            {
                return m.Result();
            }
        }

        for (int o = 0; o < _metrics.Length; o++)
        {
            int i = Array.IndexOf(_compiled.MetricNames[o], name);
            if (i >= 0)
            {
                return _metrics[o][i].Result();
            }
        }

        throw new InvalidOperationException($"No metric is logged as '{name}'.");
    }
}
