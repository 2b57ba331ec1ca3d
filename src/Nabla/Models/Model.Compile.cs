using Nabla.Distributed;
using Nabla.Losses;
using Nabla.Metrics;
using Nabla.Optimizers;
using Nabla.Trainers;

namespace Nabla;

// Compile: the optimizer, loss and metrics a model trains with (Keras's model.compile). The state lives in the
// model's trainer.
public partial class Model
{
    private Trainer? _trainerInstance;

    /// <summary>The optimizer given to <c>Compile</c>, or null before compiling.</summary>
    public Optimizer? Optimizer => Trainer.Compiled?.Optimizer;

    /// <summary>The loss given to <c>Compile</c> (the first output's, for a model with several), or null.</summary>
    public Loss? Loss => Trainer.Compiled?.Losses[0];

    /// <summary>True once <c>Compile</c> has been called.</summary>
    public bool IsCompiled => Trainer.Compiled is not null;

    /// <summary>
    /// The metrics of the last finished <c>Fit</c> or <c>Evaluate</c> (or of the TrainOnBatch/TestOnBatch series):
    /// the loss tracker first, then the per-output loss trackers and the compiled metrics (Keras's <c>model.metrics</c>).
    /// Each call tracks its own copies, so these are a snapshot that later calls do not change.
    /// </summary>
    public IReadOnlyList<Metric> Metrics => Trainer.LastMetrics;

    /// <summary>The model's trainer, created on first use.</summary>
    internal Trainer Trainer
    {
        get
        {
            Trainer? t = Volatile.Read(ref _trainerInstance);
            return t ?? Interlocked.CompareExchange(ref _trainerInstance, new Trainer(this), null) ?? _trainerInstance!;
        }
    }

    /// <summary>
    /// Configures the model for training (Keras's <c>compile</c>). For a model with several outputs, the loss applies to
    /// every output and <paramref name="metrics"/> must list one metric per output (or use the list overload).
    /// </summary>
    /// <param name="optimizer">The optimizer, by name (<c>"adam"</c>) or object; default <c>rmsprop</c>, as Keras.</param>
    /// <param name="loss">The loss, by name (<c>"sparse_categorical_crossentropy"</c>), object or function variable.</param>
    /// <param name="metrics">Metrics to track, by name (<c>"accuracy"</c>, resolved from the targets' and outputs' shapes as Keras does), object or function variable.</param>
    /// <param name="distribution">
    /// How to spread Fit, Evaluate and Predict over several processes, e.g. <c>new DataParallel(world)</c> from the
    /// Nabla.Distributed package; null (default) trains in this process alone.
    /// </param>
    /// <exception cref="ArgumentException">A name is unknown, two metrics share a name, or the metrics do not match the outputs.</exception>
    public void Compile(Optimizer? optimizer = null, Loss? loss = null, IEnumerable<Metric>? metrics = null, DistributionStrategy? distribution = null)
    {
        Metric[] list = CheckedMetrics(metrics, nameof(metrics));
        int outputs = OutputCount;
        Metric[][] perOutput;
        if (outputs == 1)
        {
            perOutput = [list];
        }
        else if (list.Length == 0 || list.Length == outputs)
        {
            perOutput = [.. Enumerable.Range(0, outputs).Select(o => list.Length == 0 ? Array.Empty<Metric>() : [list[o]])];
        }
        else
        {
            throw new ArgumentException(
                $"Compile: model '{Name}' has {outputs} outputs ({string.Join(", ", OutputNames)}), so a flat metrics list must hold one metric per output, " +
                $"but it holds {list.Length}. Give one list per output: metrics: [[\"accuracy\"], [\"mae\"]].", nameof(metrics));
        }

        Install(optimizer, [.. Enumerable.Repeat(loss, outputs)], null, perOutput, distribution);
    }

    /// <summary>Configures the model with a loss written as a function of (yTrue, yPred), e.g. a lambda (Keras accepts functions).</summary>
    /// <param name="loss">The per-sample loss, made of differentiable ops.</param>
    /// <param name="optimizer">The optimizer (default <c>rmsprop</c>).</param>
    /// <param name="metrics">Metrics to track.</param>
    /// <example>
    /// <code>
    /// model.Compile(optimizer: "adam", loss: (yTrue, yPred) =&gt; ((yPred - yTrue) * (yPred - yTrue)).Mean(axis: -1));
    /// </code>
    /// </example>
    /// <param name="distribution">How to spread training over several processes, or null (default).</param>
    public void Compile(Func<Tensor, Tensor, Tensor> loss, Optimizer? optimizer = null, IEnumerable<Metric>? metrics = null, DistributionStrategy? distribution = null) =>
        Compile(optimizer, (Loss)loss, metrics, distribution);

    /// <summary>Configures the model with metrics written as functions of (yTrue, yPred), e.g. lambdas (see <see cref="FunctionMetric"/>).</summary>
    /// <param name="metrics">The metric functions, each giving per-sample values.</param>
    /// <param name="optimizer">The optimizer (default <c>rmsprop</c>).</param>
    /// <param name="loss">The loss.</param>
    /// <param name="distribution">How to spread training over several processes, or null (default).</param>
    public void Compile(IEnumerable<Func<Tensor, Tensor, Tensor>> metrics, Optimizer? optimizer = null, Loss? loss = null, DistributionStrategy? distribution = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        Compile(optimizer, loss, metrics.Select(f => (Metric)f), distribution);
    }

    /// <summary>Configures the model with a loss and metrics both written as functions of (yTrue, yPred).</summary>
    /// <param name="loss">The per-sample loss.</param>
    /// <param name="metrics">The metric functions.</param>
    /// <param name="optimizer">The optimizer (default <c>rmsprop</c>).</param>
    /// <param name="distribution">How to spread training over several processes, or null (default).</param>
    public void Compile(Func<Tensor, Tensor, Tensor> loss, IEnumerable<Func<Tensor, Tensor, Tensor>> metrics, Optimizer? optimizer = null,
        DistributionStrategy? distribution = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        Compile(optimizer, (Loss)loss, metrics.Select(f => (Metric)f), distribution);
    }

    /// <summary>
    /// Configures a model with several outputs: one loss per output (null leaves an output untrained), weights for the
    /// total loss, and one list of metrics per output, in the model's output order (Keras's list form of <c>compile</c>).
    /// </summary>
    /// <param name="loss">One loss per output.</param>
    /// <param name="optimizer">The optimizer (default <c>rmsprop</c>).</param>
    /// <param name="lossWeights">One weight per output for the total loss Σ weight·loss (default all 1).</param>
    /// <param name="metrics">One list of metrics per output (null or empty for none); logged as <c>{output}_{metric}</c>.</param>
    /// <param name="distribution">How to spread training over several processes, or null (default).</param>
    /// <exception cref="ArgumentException">A list's length differs from the number of outputs, or no output has a loss.</exception>
    /// <example>
    /// <code>
    /// model.Compile(optimizer: "adam", loss: ["sparse_categorical_crossentropy", "mse"], lossWeights: [1.0, 0.5],
    ///               metrics: [["accuracy"], []]);
    /// </code>
    /// </example>
    public void Compile(IReadOnlyList<Loss?> loss, Optimizer? optimizer = null, IReadOnlyList<double>? lossWeights = null,
        IReadOnlyList<IEnumerable<Metric>?>? metrics = null, DistributionStrategy? distribution = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        CheckPerOutput(nameof(loss), loss.Count);
        if (lossWeights is not null)
        {
            CheckPerOutput(nameof(lossWeights), lossWeights.Count);
        }

        if (metrics is not null)
        {
            CheckPerOutput(nameof(metrics), metrics.Count);
        }

        Metric[][] perOutput = [.. Enumerable.Range(0, loss.Count).Select(o => CheckedMetrics(metrics?[o], nameof(metrics)))];
        Install(optimizer, [.. loss], lossWeights?.ToArray(), perOutput, distribution);
    }

    /// <summary>
    /// Configures a model with several outputs by output name (the names of the layers that produce them): losses,
    /// loss weights and metrics for the outputs named; outputs without a loss are not trained.
    /// </summary>
    /// <param name="loss">Losses by output name.</param>
    /// <param name="optimizer">The optimizer (default <c>rmsprop</c>).</param>
    /// <param name="lossWeights">Weights by output name (default 1).</param>
    /// <param name="metrics">Metrics by output name.</param>
    /// <param name="distribution">How to spread training over several processes, or null (default).</param>
    /// <exception cref="ArgumentException">A name is not one of the model's outputs.</exception>
    public void Compile(IReadOnlyDictionary<string, Loss?> loss, Optimizer? optimizer = null, IReadOnlyDictionary<string, double>? lossWeights = null,
        IReadOnlyDictionary<string, IEnumerable<Metric>>? metrics = null, DistributionStrategy? distribution = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        string[] names = OutputNames;
        CheckOutputNames(nameof(loss), loss.Keys, names);
        CheckOutputNames(nameof(lossWeights), lossWeights?.Keys ?? [], names);
        CheckOutputNames(nameof(metrics), metrics?.Keys ?? [], names);
        Install(optimizer,
            [.. names.Select(n => loss.TryGetValue(n, out Loss? l) ? l : null)],
            [.. names.Select(n => lossWeights is not null && lossWeights.TryGetValue(n, out double w) ? w : 1.0)],
            [.. names.Select(n => CheckedMetrics(metrics is not null && metrics.TryGetValue(n, out IEnumerable<Metric>? m) ? m : null, nameof(metrics)))],
            distribution);
    }

    /// <summary>Resets the metrics that TrainOnBatch and TestOnBatch accumulate (Keras's <c>reset_metrics</c>).</summary>
    public void ResetMetrics() => Trainer.ResetOnBatchMetrics();

    private void Install(Optimizer? optimizer, Loss?[] losses, double[]? lossWeights, Metric[][] metrics, DistributionStrategy? distribution)
    {
        if (losses.Length > 1 && losses.All(l => l is null))
        {
            throw new ArgumentException($"Compile: every output of model '{Name}' has a null loss, so there is nothing to train.", "loss");
        }

        foreach (double w in lossWeights ?? [])
        {
            if (!double.IsFinite(w))
            {
                throw new ArgumentException($"Compile: loss weights must be finite numbers, but received {w}.", "lossWeights");
            }
        }

        Trainer.Compile(new CompileState(optimizer ?? Optimizer.Get("rmsprop"), losses, lossWeights ?? [.. losses.Select(_ => 1.0)], metrics, OutputNames, distribution));
    }

    private void CheckPerOutput(string argument, int count)
    {
        if (count != OutputCount)
        {
            throw new ArgumentException(
                $"Compile: model '{Name}' has {OutputCount} output(s) ({string.Join(", ", OutputNames)}), so {argument} must hold one entry per output, " +
                $"but it holds {count}.", argument);
        }
    }

    private void CheckOutputNames(string argument, IEnumerable<string> keys, string[] names)
    {
        foreach (string key in keys)
        {
            if (Array.IndexOf(names, key) < 0)
            {
                throw new ArgumentException(
                    $"Compile: {argument} names an output '{key}', but model '{Name}' has the outputs {string.Join(", ", names)}.", argument);
            }
        }
    }

    private static Metric[] CheckedMetrics(IEnumerable<Metric>? metrics, string argument)
    {
        Metric[] list = metrics?.ToArray() ?? [];
        foreach (Metric m in list)
        {
            ArgumentNullException.ThrowIfNull(m, argument);
        }

        return list;
    }

    /// <summary>Forgets cached training state (when layers are added or removed, or trainability changes).</summary>
    private protected void ResetTrainingState() => _trainerInstance?.ForgetTrainingCaches();
}
