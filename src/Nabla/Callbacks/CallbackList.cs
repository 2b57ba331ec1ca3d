namespace Nabla.Callbacks;

/// <summary>
/// Dispatches events to a list of callbacks in order, adding <see cref="History"/> and a
/// <see cref="ProgbarLogger"/> after the user's callbacks as Keras 3 does.
/// </summary>
internal sealed class CallbackList
{
    private readonly Callback[] _callbacks;

    public CallbackList(IEnumerable<Callback>? callbacks, bool addHistory, bool addProgbar, Model model, CallbackParams parameters, TextWriter? output = null)
    {
        var list = callbacks?.ToList() ?? [];
        foreach (Callback c in list)
        {
            ArgumentNullException.ThrowIfNull(c, nameof(callbacks));
        }

        History = list.OfType<History>().FirstOrDefault();
        if (History is null && addHistory)
        {
            History = new History();
            list.Add(History);
        }

        if (!list.OfType<ProgbarLogger>().Any() && addProgbar)
        {
            list.Add(output is null ? new ProgbarLogger() : new ProgbarLogger(output, dynamicDisplay: false, colors: false));
        }

        _callbacks = [.. list];
        foreach (Callback c in _callbacks)
        {
            c.SetModel(model);
            c.SetParams(parameters);
        }
    }

    /// <summary>The history recorder, when one was added or given.</summary>
    public History? History { get; }

    public void TrainBegin(Dictionary<string, double> logs)
    {
        foreach (Callback c in _callbacks)
        {
            c.OnTrainBegin(logs);
        }
    }

    public void TrainEnd(Dictionary<string, double> logs)
    {
        foreach (Callback c in _callbacks)
        {
            c.OnTrainEnd(logs);
        }
    }

    public void EpochBegin(int epoch, Dictionary<string, double> logs)
    {
        foreach (Callback c in _callbacks)
        {
            c.OnEpochBegin(epoch, logs);
        }
    }

    public void EpochEnd(int epoch, Dictionary<string, double> logs)
    {
        foreach (Callback c in _callbacks)
        {
            c.OnEpochEnd(epoch, logs);
        }
    }

    public void TrainBatchBegin(int batch, Dictionary<string, double> logs)
    {
        foreach (Callback c in _callbacks)
        {
            c.OnTrainBatchBegin(batch, logs);
        }
    }

    public void TrainBatchEnd(int batch, Dictionary<string, double> logs)
    {
        foreach (Callback c in _callbacks)
        {
            c.OnTrainBatchEnd(batch, logs);
        }
    }

    public void TestBegin(Dictionary<string, double> logs)
    {
        foreach (Callback c in _callbacks)
        {
            c.OnTestBegin(logs);
        }
    }

    public void TestEnd(Dictionary<string, double> logs)
    {
        foreach (Callback c in _callbacks)
        {
            c.OnTestEnd(logs);
        }
    }

    public void TestBatchBegin(int batch, Dictionary<string, double> logs)
    {
        foreach (Callback c in _callbacks)
        {
            c.OnTestBatchBegin(batch, logs);
        }
    }

    public void TestBatchEnd(int batch, Dictionary<string, double> logs)
    {
        foreach (Callback c in _callbacks)
        {
            c.OnTestBatchEnd(batch, logs);
        }
    }

    public void PredictBegin(Dictionary<string, double> logs)
    {
        foreach (Callback c in _callbacks)
        {
            c.OnPredictBegin(logs);
        }
    }

    public void PredictEnd(Dictionary<string, double> logs)
    {
        foreach (Callback c in _callbacks)
        {
            c.OnPredictEnd(logs);
        }
    }

    public void PredictBatchBegin(int batch, Dictionary<string, double> logs)
    {
        foreach (Callback c in _callbacks)
        {
            c.OnPredictBatchBegin(batch, logs);
        }
    }

    public void PredictBatchEnd(int batch, Dictionary<string, double> logs)
    {
        foreach (Callback c in _callbacks)
        {
            c.OnPredictBatchEnd(batch, logs);
        }
    }
}
