using ScottPlot;
using SP = ScottPlot;

namespace Nabla.Plotting;

public static partial class Plot
{
    /// <summary>
    /// Draws the training curves that <c>Fit</c> recorded: one panel per quantity (loss first, then each metric),
    /// the training value and, when logged, the validation value (<c>val_</c> prefix) per epoch.
    /// </summary>
    /// <param name="path">The image file to write; .png, .svg or .jpg.</param>
    /// <param name="history">The history returned by <c>Fit</c>.</param>
    /// <param name="width">The image width in pixels (default null: 500 per panel, up to 3 panels a row).</param>
    /// <param name="height">The image height in pixels (default null: 400 per row of panels).</param>
    /// <example>
    /// <code>
    /// History history = model.Fit(xTrain, yTrain, epochs: 5, validationSplit: 0.1f);
    /// Plot.History("history.png", history);
    /// </code>
    /// </example>
    /// <exception cref="ArgumentNullException"><paramref name="history"/> or <paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException">The history is empty, or the extension is not supported.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The width or height is outside 16..16384.</exception>
    /// <exception cref="IOException">The file cannot be written; a missing folder gives a <see cref="DirectoryNotFoundException"/> naming the path and the folder.</exception>
    public static void History(string path, History history, int? width = null, int? height = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        List<string> quantities = Quantities(history);
        if (quantities.Count == 0 || history.Epoch.Count == 0)
        {
            throw new ArgumentException(
                "Plot.History expects a history with at least one epoch, but this one has no logged values. " +
                "Pass the History that model.Fit returns after training.", nameof(history));
        }

        int columns = Math.Min(quantities.Count, 3), rows = (quantities.Count + columns - 1) / columns;
        int w = width ?? (500 * columns), h = height ?? (400 * rows);
        Figure.CheckTarget(path, w, h);

        // Epochs shown 1-based, as Keras's progress output counts them (History.Epoch is 0-based like Keras's).
        double[] epochs = history.Epoch.Select(e => e + 1.0).ToArray();
        using Figure figure = Figure.Grid(rows, columns);
        for (int i = 0; i < quantities.Count; i++)
        {
            SP.Plot plot = figure[i];
            string name = quantities[i];
            AddCurve(plot, history, name, epochs, "training", Blue);
            AddCurve(plot, history, "val_" + name, epochs, "validation", ScottPlot.Color.FromHex("#FF7F0E"));
            plot.Title(name);
            plot.XLabel("epoch");
            plot.YLabel(name);
            plot.ShowLegend(name.Contains("acc", StringComparison.Ordinal) ? Alignment.LowerRight : Alignment.UpperRight);
            if (epochs.Length <= 20)
            {
                plot.Axes.Bottom.SetTicks(epochs, epochs.Select(e => e.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
            }
        }

        for (int i = quantities.Count; i < rows * columns; i++)
        {
            figure[i].Axes.Frameless();
            figure[i].HideGrid();
        }

        figure.Save(path, w, h);
    }

    // The panel names: "loss" first, then the others in the order they were logged; "val_x" joins the panel of "x"
    // (and makes its own panel when "x" itself was not logged).
    private static List<string> Quantities(History history)
    {
        var names = new List<string>();
        foreach (string key in history.Keys)
        {
            string name = key.StartsWith("val_", StringComparison.Ordinal) ? key[4..] : key;
            if (!names.Contains(name))
            {
                names.Add(name);
            }
        }

        if (names.Remove("loss"))
        {
            names.Insert(0, "loss");
        }

        return names;
    }

    private static void AddCurve(SP.Plot plot, History history, string key, double[] epochs, string label, ScottPlot.Color color)
    {
        if (!history.ContainsKey(key))
        {
            return;
        }

        double[] values = history[key].ToArray();
        int n = Math.Min(values.Length, epochs.Length);
        SP.Plottables.Scatter line = plot.Add.Scatter(epochs[..n], values[..n], color);
        line.LegendText = label;
        line.LineWidth = 2;
        line.MarkerSize = epochs.Length <= 50 ? 6 : 0;
    }
}
