namespace Nabla.Workloads.Reporting;

/// <summary>Prints a <see cref="RunReport"/> as a plain-text table: each figure beside its goal and TorchSharp's.</summary>
internal static class ResultTable
{
    private const string Indent = "  ";
    private static readonly string[] Header = ["figure", "measured", "goal", "TorchSharp", ""];

    /// <summary>Writes the table for <paramref name="report"/> to <paramref name="writer"/>.</summary>
    public static void Print(RunReport report, TextWriter writer)
    {
        writer.WriteLine($"Nabla workloads: {report.Machine.Summary()}");
        writer.WriteLine($"Nabla {report.NablaVersion}, {report.Timestamp:yyyy-MM-dd HH:mm:ss} UTC{(report.Quick ? ", --quick (shortened; accuracy goals not assessed)" : "")}");
        writer.WriteLine(report.Method);
        writer.WriteLine("TorchSharp: TorchSharp 0.107 on the reference machine (2-core AMD EPYC Zen 5, AVX-512), where measured.");

        var rows = new List<string[]>();
        foreach (WorkloadResult workload in report.Workloads)
        {
            foreach (Figure figure in workload.Figures)
            {
                rows.Add(Cells(figure));
            }
        }

        int[] widths = ColumnWidths(rows);
        int row = 0, met = 0, goals = 0;
        foreach (WorkloadResult workload in report.Workloads)
        {
            writer.WriteLine();
            writer.WriteLine($"{workload.Id} {workload.Name}: {workload.Description}");
            writer.WriteLine($"{Indent}[{workload.SteadyState}]");
            writer.WriteLine(Indent + Line(Header, widths));
            foreach (Figure figure in workload.Figures)
            {
                writer.WriteLine(Indent + Line(rows[row++], widths));
                if (figure.Passed is bool passed)
                {
                    goals++;
                    met += passed ? 1 : 0;
                }
            }
        }

        writer.WriteLine();
        writer.WriteLine($"Goals met: {met} of {goals}.");
    }

    private static string[] Cells(Figure figure) =>
    [
        figure.Name,
        ValueFormat.Format(figure.Value, figure.Unit),
        figure.Goal?.Format(figure.Unit) ?? "",
        figure.Baseline is double baseline ? ValueFormat.Format(baseline, figure.Unit) : "",
        figure.Passed switch { true => "pass", false => "MISS", null => "" },
    ];

    private static int[] ColumnWidths(List<string[]> rows)
    {
        int[] widths = new int[Header.Length];
        for (int c = 0; c < widths.Length; c++)
        {
            widths[c] = Header[c].Length;
        }

        foreach (string[] cells in rows)
        {
            for (int c = 0; c < widths.Length; c++)
            {
                widths[c] = Math.Max(widths[c], cells[c].Length);
            }
        }

        return widths;
    }

    // Names left-aligned, numbers right-aligned so that their units line up.
    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells[0].PadRight(widths[0]), cells[1].PadLeft(widths[1]), cells[2].PadLeft(widths[2]),
            cells[3].PadLeft(widths[3]), cells[4]).TrimEnd();
}
