using Nabla.Workloads.Reporting;

namespace Nabla.Workloads.Measurement;

/// <summary>The goals and reference figures a workload sets for its training figures (all optional).</summary>
internal sealed record TrainingTargets
{
    /// <summary>The goal for the time per epoch, in seconds.</summary>
    public Goal? EpochGoal { get; init; }

    /// <summary>The TorchSharp 0.107 time per epoch on the reference machine, in seconds.</summary>
    public double? EpochBaseline { get; init; }

    /// <summary>The goal for the time per step, in milliseconds (microseconds with <see cref="StepInMicroseconds"/>).</summary>
    public Goal? StepGoal { get; init; }

    /// <summary>The TorchSharp 0.107 time per step, in the same unit as <see cref="StepGoal"/>.</summary>
    public double? StepBaseline { get; init; }

    /// <summary>Whether the time per step is shown in microseconds rather than milliseconds.</summary>
    public bool StepInMicroseconds { get; init; }

    /// <summary>Whether a steady-state epoch must run without any gen-0 collection.</summary>
    public bool NoGen0Collections { get; init; }
}
