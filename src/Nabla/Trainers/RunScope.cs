namespace Nabla.Trainers;

/// <summary>
/// The Fit, Evaluate, Predict or on-batch call running on this thread, innermost first: its metric state and the
/// current batch's sample weights. The default steps, <c>UpdateMetrics</c> and <c>GetMetricsResult</c> read it, so
/// that each call's numbers stay its own even when calls nest (Evaluate from a batch callback) or run on several
/// threads at once.
/// </summary>
internal sealed class RunScope : IDisposable
{
    [ThreadStatic]
    private static RunScope? t_current;

    private readonly RunScope? _outer;
    private bool _disposed;

    private RunScope(Model model, MetricSet? metrics, TrainState? train, int outputs)
    {
        Model = model;
        Metrics = metrics;
        Train = train;
        Outputs = new Tensor[outputs];
        OutputLosses = new Tensor?[outputs];
        _outer = t_current;
    }

    /// <summary>The innermost call on this thread, or null outside any.</summary>
    public static RunScope? Current => t_current;

    /// <summary>The model the call runs.</summary>
    public Model Model { get; }

    /// <summary>The call's metric state (null when predicting).</summary>
    public MetricSet? Metrics { get; }

    /// <summary>The call's training caches (null unless training).</summary>
    public TrainState? Train { get; }

    /// <summary>The per-sample weights of the batch being stepped, or null.</summary>
    public Tensor? SampleWeight { get; set; }

    /// <summary>The default steps' slots for the model's outputs (one per output), reused by every step of the call.</summary>
    public Tensor[] Outputs { get; }

    /// <summary>The default steps' slots for each output's loss when the model has several, reused likewise.</summary>
    public Tensor?[] OutputLosses { get; }

    /// <summary>Makes a new call the innermost on this thread until disposed.</summary>
    public static RunScope Enter(Model model, MetricSet? metrics, TrainState? train) =>
        t_current = new RunScope(model, metrics, train, model.OutputCount);

    /// <summary>The metric state of the innermost call of <paramref name="model"/>, or an error naming <paramref name="caller"/>.</summary>
    public static MetricSet MetricsFor(Model model, string caller)
    {
        for (RunScope? s = t_current; s is not null; s = s._outer)
        {
            if (ReferenceEquals(s.Model, model) && s.Metrics is { } m)
            {
                return m;
            }
        }

        throw new InvalidOperationException(
            $"{caller}() can only be called from a step that Fit, Evaluate, TrainOnBatch or TestOnBatch is running on model '{model.Name}' " +
            "(TrainStep or TestStep); each such call owns its own metric state.");
    }

    /// <summary>Restores the outer call.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            t_current = _outer;
        }
    }
}
