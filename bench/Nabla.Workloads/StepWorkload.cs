using Nabla.Workloads.Measurement;
using Nabla.Workloads.Reporting;

namespace Nabla.Workloads;

/// <summary>W7: the cost of one training step with almost no arithmetic: W4's model at batch 1.</summary>
/// <remarks>
/// A 1×784×128 product is about 0.2 MFLOP, a few microseconds of arithmetic; the rest of a step is the framework:
/// Fit's loop, the tape, the optimizer over four variables, the metrics. The timed fit is a single epoch, so the
/// warm-up fit (the same images, on a throwaway model) is what keeps JIT time out of it.
/// </remarks>
internal sealed class StepWorkload() : Workload("step", "w7",
    $"W4's model (784-128-10, Adam, accuracy) at batch 1: one epoch of {Steps:N0} steps on the first {Steps:N0} Fashion-MNIST images")
{
    private const int Steps = 2000;

    /// <inheritdoc/>
    public override IReadOnlyList<PeerFigure> PeerFigures { get; } = [new("time per step", "W7.us_per_step", HigherIsBetter: false)];

    protected override WorkloadResult Execute(RunnerOptions options)
    {
        var (train, _) = TutorialData.FashionMnistScaled;
        TimedFit fit = Train(FashionMlpWorkload.CreateModel, train.X[..Steps], train.Y[..Steps], batchSize: 1, epochs: 1, warmUpSamples: Steps);
        var targets = new TrainingTargets { StepGoal = Goal.AtMost(20), StepBaseline = 399, StepInMicroseconds = true };
        return Result(fit, fit.Summary.ToFigures(targets));
    }
}
