namespace Nabla.Workloads.Reporting;

/// <summary>Which side of its limit a goal wants a figure on.</summary>
internal enum GoalDirection
{
    /// <summary>The figure must not exceed the limit (times, collections, errors).</summary>
    AtMost,

    /// <summary>The figure must reach the limit (accuracy, throughput).</summary>
    AtLeast,
}
