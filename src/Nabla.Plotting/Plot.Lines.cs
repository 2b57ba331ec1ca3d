using ScottPlot;
using SP = ScottPlot;

namespace Nabla.Plotting;

public static partial class Plot
{
    /// <summary>Draws each series as a line against <paramref name="x"/>, with a legend, as <c>plt.plot(x, y, label=...)</c>.</summary>
    /// <param name="path">The image file to write; .png, .svg or .jpg.</param>
    /// <param name="x">The x values, shape [n] or [n, 1].</param>
    /// <param name="series">The lines: a legend name and y values of shape [n] or [n, 1] each.</param>
    /// <example>
    /// <code>
    /// Plot.Lines("sine.png", x, ("sin(x)", x.Sin()), ("model", model.Predict(x)));
    /// </code>
    /// </example>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">No series is given, a name is empty, or the extension is not supported.</exception>
    /// <exception cref="ShapeMismatchException">A tensor is not [n] or [n, 1], or a series' length differs from x's.</exception>
    /// <exception cref="IOException">The file cannot be written; a missing folder gives a <see cref="DirectoryNotFoundException"/> naming the path and the folder.</exception>
    public static void Lines(string path, Tensor x, params (string Name, Tensor Y)[] series) =>
        Lines(path, x, (IReadOnlyList<(string Name, Tensor Y)>)series);

    /// <summary>Draws each series as a line against <paramref name="x"/>, with a legend, title and axis labels.</summary>
    /// <param name="path">The image file to write; .png, .svg or .jpg.</param>
    /// <param name="x">The x values, shape [n] or [n, 1].</param>
    /// <param name="series">The lines: a legend name and y values of shape [n] or [n, 1] each.</param>
    /// <param name="title">A title above the chart (default null: none).</param>
    /// <param name="xLabel">The x-axis label (default "x").</param>
    /// <param name="yLabel">The y-axis label (default "y").</param>
    /// <param name="width">The image width in pixels (default 800).</param>
    /// <param name="height">The image height in pixels (default 500).</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">No series is given, a name is empty, or the extension is not supported.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The width or height is outside 16..16384.</exception>
    /// <exception cref="ShapeMismatchException">A tensor is not [n] or [n, 1], or a series' length differs from x's.</exception>
    /// <exception cref="IOException">The file cannot be written; a missing folder gives a <see cref="DirectoryNotFoundException"/> naming the path and the folder.</exception>
    public static void Lines(string path, Tensor x, IReadOnlyList<(string Name, Tensor Y)> series, string? title = null,
        string xLabel = "x", string yLabel = "y", int width = 800, int height = 500)
    {
        Figure.CheckTarget(path, width, height);
        ArgumentNullException.ThrowIfNull(series);
        double[] xs = PlotInput.Series(nameof(Lines), nameof(x), x);
        if (series.Count == 0)
        {
            throw new ArgumentException("Plot.Lines expects at least one series, such as (\"model\", predictions), but received none.", nameof(series));
        }

        var ys = new double[series.Count][];
        for (int i = 0; i < series.Count; i++)
        {
            (string name, Tensor y) = series[i];
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException($"Plot.Lines expects a name for every series (it labels the legend), but series {i} has none.", nameof(series));
            }

            ys[i] = PlotInput.Series(nameof(Lines), $"series '{name}'", y);
            if (ys[i].Length != xs.Length)
            {
                throw new ShapeMismatchException("Plot.Lines", $"[{xs.Length}]", $"[{ys[i].Length}]",
                    $"Plot.Lines expects series '{name}' to have one value per x ({xs.Length}), but received {ys[i].Length} values.");
            }
        }

        using Figure figure = Figure.Grid(1, 1);
        SP.Plot plot = figure[0];
        for (int i = 0; i < ys.Length; i++)
        {
            SP.Plottables.Scatter line = plot.Add.ScatterLine(xs, ys[i]);
            line.LegendText = series[i].Name;
            line.LineWidth = 2;
        }

        plot.ShowLegend(SP.Edge.Right);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        if (title is not null)
        {
            plot.Title(title);
        }

        figure.Save(path, width, height);
    }
}
