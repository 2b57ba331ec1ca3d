using Nabla.Workloads.Measurement;
using Nabla.Workloads.Reporting;

namespace Nabla.Workloads;

/// <summary>
/// One benchmark workload: a tutorial model trained through the public API exactly as a user writes it, or a kernel
/// measured on its own. A new workload is a subclass in a file of its own, listed in <see cref="WorkloadCatalog"/>.
/// </summary>
/// <param name="name">The name the command line and the report use, e.g. <c>fashion-mlp-b32</c>.</param>
/// <param name="id">The short id from the benchmark plan, e.g. <c>w4</c> (variants of one workload share it).</param>
/// <param name="description">What the workload trains or computes, and how.</param>
internal abstract class Workload(string name, string id, string description)
{
    /// <summary>The seed set before every workload (and again after its warm-up), so that runs repeat.</summary>
    protected const int Seed = 42;

    /// <summary>The name the command line and the report use.</summary>
    public string Name { get; } = name;

    /// <summary>The short id from the benchmark plan.</summary>
    public string Id { get; } = id;

    /// <summary>What the workload trains or computes, and how.</summary>
    public string Description { get; } = description;

    /// <summary>The figures the peers (../shared/peers) measure too, for the runner's <c>--peers</c> table; none by default.</summary>
    public virtual IReadOnlyList<PeerFigure> PeerFigures => [];

    /// <summary>
    /// Whether a command-line name selects this workload: its name, its id, or the name less a variant suffix
    /// (<c>fashion-mlp</c> selects <c>fashion-mlp-b32</c> and <c>fashion-mlp-b256</c>).
    /// </summary>
    public bool IsSelectedBy(string selector) =>
        string.Equals(selector, Name, StringComparison.OrdinalIgnoreCase)
        || string.Equals(selector, Id, StringComparison.OrdinalIgnoreCase)
        || Name.StartsWith(selector + "-", StringComparison.OrdinalIgnoreCase);

    /// <summary>Seeds Nabla's random numbers and runs the workload.</summary>
    public WorkloadResult Run(RunnerOptions options)
    {
        Nabla.Random.SetSeed(Seed);
        return Execute(options);
    }

    /// <summary>Runs the workload and returns its figures.</summary>
    protected abstract WorkloadResult Execute(RunnerOptions options);

    /// <summary>A result carrying this workload's name, id and description.</summary>
    protected WorkloadResult Result(string steadyState, IReadOnlyList<Figure> figures, IReadOnlyList<EpochStats>? epochs = null) =>
        new(Name, Id, Description, steadyState, figures, epochs ?? []);

    /// <summary>A training workload's result: <paramref name="figures"/> and the epochs of <paramref name="fit"/>.</summary>
    protected WorkloadResult Result(TimedFit fit, IReadOnlyList<Figure> figures) =>
        Result($"{fit.Summary.Window(fit.Epochs.Count)}, after a {fit.WarmUpSeconds:F1} s warm-up fit", figures, fit.Epochs);

    /// <summary>Trains <paramref name="createModel"/>'s model as <see cref="TimedFit.Run"/> does, seeded with <see cref="Seed"/>.</summary>
    protected static TimedFit Train(Func<Model> createModel, Tensor x, Tensor y, int batchSize, int epochs, int warmUpSamples) =>
        TimedFit.Run(createModel, x, y, batchSize, epochs, warmUpSamples, Seed);

    /// <summary>
    /// A classifier's result: the training figures of <paramref name="fit"/> held to <paramref name="targets"/>, and
    /// the accuracy on <paramref name="test"/> held to <paramref name="accuracyGoal"/> unless the run is shortened.
    /// </summary>
    protected WorkloadResult ClassifierResult(TimedFit fit, (Tensor X, Tensor Y) test, TrainingTargets targets,
        Goal? accuracyGoal, RunnerOptions options)
    {
        double accuracy = fit.Model.Evaluate(test.X, test.Y, verbose: 0)["accuracy"];
        List<Figure> figures = fit.Summary.ToFigures(targets);
        figures.Add(new Figure($"test accuracy after {fit.Epochs.Count} epochs", accuracy, Units.None, options.Quick ? null : accuracyGoal));
        return Result(fit, figures);
    }
}
