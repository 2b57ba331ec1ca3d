using Nabla.Losses;
using Nabla.Metrics;
using Nabla.Optimizers;
using LossTracker = Nabla.Metrics.Mean;

namespace Nabla;

// Compile: the optimizer, loss and metrics a model trains with (Keras's model.compile).
public partial class Model
{
    private LossTracker _lossTracker = new("loss");
    private Metric[] _compiledMetrics = [];
    private string[] _logNames = [];

    /// <summary>The optimizer given to <see cref="Compile"/>, or null before compiling.</summary>
    public Optimizer? Optimizer { get; private set; }

    /// <summary>The loss given to <see cref="Compile"/>, or null.</summary>
    public Loss? Loss { get; private set; }

    /// <summary>True once <see cref="Compile"/> has been called.</summary>
    public bool IsCompiled { get; private set; }

    /// <summary>The metrics tracked during training and evaluation: the loss tracker first, then the compiled metrics.</summary>
    public IReadOnlyList<Metric> Metrics => [_lossTracker, .. _compiledMetrics];

    /// <summary>
    /// Configures the model for training (Keras's <c>compile</c>).
    /// </summary>
    /// <param name="optimizer">The optimizer, by name (<c>"adam"</c>) or object; default <c>rmsprop</c>, as Keras.</param>
    /// <param name="loss">The loss, by name (<c>"sparse_categorical_crossentropy"</c>) or object.</param>
    /// <param name="metrics">Metrics to track, by name (<c>"accuracy"</c>, resolved from the targets' and outputs' shapes as Keras does) or object.</param>
    /// <exception cref="ArgumentException">A name is unknown, or two metrics share a name.</exception>
    public void Compile(Optimizer? optimizer = null, Loss? loss = null, IEnumerable<Metric>? metrics = null)
    {
        Optimizer = optimizer ?? Optimizer.Get("rmsprop");
        Loss = loss;
        _compiledMetrics = metrics?.ToArray() ?? [];
        foreach (Metric m in _compiledMetrics)
        {
            ArgumentNullException.ThrowIfNull(m, nameof(metrics));
        }

        _lossTracker = new LossTracker("loss");
        var names = new HashSet<string>(StringComparer.Ordinal) { "loss" };
        foreach (Metric m in _compiledMetrics)
        {
            if (!names.Add(m.Name))
            {
                throw new ArgumentException($"Compile: two metrics are named '{m.Name}'; metric names must be unique (the loss is logged as 'loss').", nameof(metrics));
            }
        }

        _logNames = [.. names.Order(StringComparer.Ordinal)];
        IsCompiled = true;
        ResetTrainingState();
    }

    /// <summary>Resets every metric's state (Keras's <c>reset_metrics</c>).</summary>
    public void ResetMetrics()
    {
        _lossTracker.ResetState();
        foreach (Metric m in _compiledMetrics)
        {
            m.ResetState();
        }
    }

    /// <summary>Throws unless the model is compiled; <paramref name="operation"/> names the caller.</summary>
    private void AssertCompiled(string operation)
    {
        if (!IsCompiled)
        {
            throw new InvalidOperationException(
                $"{operation}() was called before Compile(). Call model.Compile(optimizer: ..., loss: ...) first.");
        }
    }

    /// <summary>Writes the current metric results into <paramref name="logs"/>, keys in sorted order.</summary>
    private void FillLogs(Dictionary<string, double> logs)
    {
        foreach (string name in _logNames)
        {
            logs[name] = name == "loss" ? _lossTracker.Result() : Find(name).Result();
        }

        Metric Find(string name)
        {
            foreach (Metric m in _compiledMetrics)
            {
                if (m.Name == name)
                {
                    return m;
                }
            }

            throw new InvalidOperationException($"No metric named '{name}'.");
        }
    }
}
