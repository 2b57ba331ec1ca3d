using ScottPlot;
using SP = ScottPlot;

namespace Nabla.Plotting;

public static partial class Plot
{
    /// <summary>
    /// Draws one prediction's class probabilities as bars named by class, the predicted class in red and the true
    /// class (when given) in blue, as the TensorFlow classification tutorial's <c>plot_value_array</c>.
    /// </summary>
    /// <param name="path">The image file to write; .png, .svg or .jpg.</param>
    /// <param name="probabilities">The probabilities, shape [classes] or [1, classes] (one row of <c>model.Predict</c>).</param>
    /// <param name="classNames">One name per class, in label order.</param>
    /// <param name="trueLabel">The correct class, drawn in blue (default null: not shown).</param>
    /// <param name="width">The image width in pixels (default 800).</param>
    /// <param name="height">The image height in pixels (default 500).</param>
    /// <example>
    /// <code>
    /// Plot.Bars("prediction.png", probs[0], FashionMnist.ClassNames, trueLabel: (int)yTest[0].Item());
    /// </code>
    /// </example>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The class names do not match the probabilities, a value is not in [0, 1], or the extension is not supported.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="trueLabel"/> is not a class index, or the width or height is outside 16..16384.</exception>
    /// <exception cref="ShapeMismatchException"><paramref name="probabilities"/> is not [classes] or [1, classes].</exception>
    /// <exception cref="IOException">The file cannot be written; a missing folder gives a <see cref="DirectoryNotFoundException"/> naming the path and the folder.</exception>
    public static void Bars(string path, Tensor probabilities, string[] classNames, int? trueLabel = null, int width = 800, int height = 500)
    {
        Figure.CheckTarget(path, width, height);
        ArgumentNullException.ThrowIfNull(probabilities);
        if (!(probabilities.Rank == 1 || (probabilities.Rank == 2 && probabilities.Dim(0) == 1)) || probabilities.Size == 0)
        {
            string shape = probabilities.Shape.ToString();
            throw new ShapeMismatchException("Plot.Bars", "[classes] or [1, classes]", shape,
                $"Plot.Bars expects the probabilities of one prediction, shape [classes] or [1, classes], but received shape {shape}. " +
                "Pass one row, e.g. probs[0], or use Plot.ImageGrid for several.");
        }

        ReadOnlySpan<float> p = probabilities.AsReadOnlySpan();
        PlotInput.CheckClassNames(nameof(Bars), classNames, p.Length);
        PlotInput.CheckProbabilities(nameof(Bars), nameof(probabilities), p, p.Length);
        if (trueLabel is int t && (t < 0 || t >= p.Length))
        {
            throw new ArgumentOutOfRangeException(nameof(trueLabel), t,
                $"Plot.Bars expects trueLabel to be a class index in [0, {p.Length}), but received {t}.");
        }

        int predicted = PlotInput.ArgMax(p);
        using Figure figure = Figure.Grid(1, 1);
        SP.Plot plot = figure[0];
        AddProbabilityBars(plot, p, predicted, trueLabel);
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, p.Length).Select(i => (double)i).ToArray(), classNames);
        plot.Axes.Bottom.TickLabelStyle.Rotation = -40;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        plot.Axes.Bottom.TickLabelStyle.OffsetY = 6;   // clear of the tick marks
        plot.Axes.Bottom.MinimumSize = 90;
        plot.YLabel("probability");
        string verdict = trueLabel is int truth
            ? $" (true: {classNames[truth]})"
            : string.Empty;
        plot.Title($"Predicted: {classNames[predicted]} {100 * p[predicted]:0}%{verdict}");
        figure.Save(path, width, height);
    }

    /// <summary>Grey bars with the predicted class red and the true class blue (blue wins when they agree), y from 0 to 1.</summary>
    internal static void AddProbabilityBars(SP.Plot plot, ReadOnlySpan<float> p, int predicted, int? trueLabel)
    {
        var bars = new List<SP.Bar>(p.Length);
        for (int i = 0; i < p.Length; i++)
        {
            bars.Add(new SP.Bar
            {
                Position = i,
                Value = p[i],
                FillColor = i == trueLabel ? Blue : i == predicted ? Red : Grey,
                LineWidth = 0,
                Size = 0.8,
            });
        }

        plot.Add.Bars(bars);
        plot.Axes.SetLimits(-0.6, p.Length - 0.4, 0, 1.02);
        plot.HideGrid();
    }
}
