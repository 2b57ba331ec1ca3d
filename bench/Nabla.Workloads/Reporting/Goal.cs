using System.Globalization;

namespace Nabla.Workloads.Reporting;

/// <summary>A target for one figure: at most or at least <see cref="Limit"/>, in the figure's unit.</summary>
/// <param name="Direction">Whether the figure must stay at or below the limit, or reach it.</param>
/// <param name="Limit">The limit, in the unit of the figure it belongs to.</param>
internal sealed record Goal(GoalDirection Direction, double Limit)
{
    /// <summary>A goal met by figures at or below <paramref name="limit"/>.</summary>
    public static Goal AtMost(double limit) => new(GoalDirection.AtMost, limit);

    /// <summary>A goal met by figures at or above <paramref name="limit"/>.</summary>
    public static Goal AtLeast(double limit) => new(GoalDirection.AtLeast, limit);

    /// <summary>Whether <paramref name="value"/> meets the goal (NaN never does).</summary>
    public bool IsMetBy(double value) => Direction == GoalDirection.AtMost ? value <= Limit : value >= Limit;

    /// <summary>The goal as the table shows it, e.g. <c>≤ 0.4 s</c>.</summary>
    public string Format(string unit) =>
        (Direction == GoalDirection.AtMost ? "≤ " : "≥ ") + Limit.ToString("G", CultureInfo.InvariantCulture) + ValueFormat.Suffix(unit);
}
