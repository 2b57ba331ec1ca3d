using Nabla.Losses;
using Nabla.Metrics;
using Nabla.Optimizers;

namespace Nabla.Trainers;

/// <summary>
/// What <c>Compile</c> configured, fixed until the next <c>Compile</c>: the optimizer, one loss and weight per
/// output, the metrics to track per output (as templates: each Fit or Evaluate call tracks its own copies, see
/// <see cref="MetricSet"/>), and the names they are logged under.
/// </summary>
/// <remarks>
/// Names follow Keras 3: a single-output model logs <c>loss</c> and each metric by its name (<c>accuracy</c>); a model
/// with several outputs logs <c>loss</c> (the weighted total), <c>{output}_loss</c> per output and
/// <c>{output}_{metric}</c> per metric (<c>dense_loss</c>, <c>dense_1_accuracy</c>). Logs list their keys in sorted
/// order, as Keras's progress bar shows them; <see cref="ResultNames"/> is Keras's order for <c>evaluate</c>'s list:
/// the loss, the per-output losses, then the metrics in the order they were given.
/// </remarks>
internal sealed class CompileState
{
    public CompileState(Optimizer optimizer, Loss?[] losses, double[] lossWeights, Metric[][] metrics, string[] outputNames,
        Distributed.DistributionStrategy? distribution = null)
    {
        Distribution = distribution;
        Optimizer = optimizer;
        Losses = losses;
        LossWeights = lossWeights;
        Metrics = metrics;
        OutputNames = outputNames;
        bool multi = outputNames.Length > 1;
        var names = new List<string> { "loss" };
        if (multi)
        {
            names.AddRange(outputNames.Select(o => o + "_loss"));
        }

        MetricNames = new string[metrics.Length][];
        for (int o = 0; o < metrics.Length; o++)
        {
            MetricNames[o] = metrics[o].Select(m => multi ? $"{outputNames[o]}_{m.Name}" : m.Name).ToArray();
            foreach (string name in MetricNames[o])
            {
                if (names.Contains(name))
                {
                    throw new ArgumentException(
                        $"Compile: two metrics are named '{name}'; metric names must be unique (the loss is logged as 'loss'" +
                        (multi ? " and each output's loss as '<output>_loss')." : ")."), nameof(metrics));
                }

                names.Add(name);
            }
        }

        ResultNames = [.. names];
        LogNames = [.. names.Order(StringComparer.Ordinal)];
    }

    /// <summary>The distribution strategy, or null to train in this process alone.</summary>
    public Distributed.DistributionStrategy? Distribution { get; }

    /// <summary>The optimizer.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>One loss per output (null: that output is not trained).</summary>
    public Loss?[] Losses { get; }

    /// <summary>One weight per output for the total loss.</summary>
    public double[] LossWeights { get; }

    /// <summary>The metric templates, per output.</summary>
    public Metric[][] Metrics { get; }

    /// <summary>The names the metrics are logged under, per output.</summary>
    public string[][] MetricNames { get; }

    /// <summary>The model's output names (the producing layers' names).</summary>
    public string[] OutputNames { get; }

    /// <summary>True for a model with more than one output.</summary>
    public bool MultiOutput => OutputNames.Length > 1;

    /// <summary>Every logged name in Keras's result order: loss, per-output losses, metrics.</summary>
    public string[] ResultNames { get; }

    /// <summary>Every logged name, sorted.</summary>
    public string[] LogNames { get; }
}
