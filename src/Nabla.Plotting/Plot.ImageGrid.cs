using System.Globalization;
using ScottPlot;
using SP = ScottPlot;

namespace Nabla.Plotting;

public static partial class Plot
{
    /// <summary>
    /// Draws predictions as the TensorFlow classification tutorial does: for each image, the image with the caption
    /// "predicted NN% (true)" in blue when right and red when wrong, and beside it the bars of its class
    /// probabilities (predicted class red, true class blue).
    /// </summary>
    /// <param name="path">The image file to write; .png, .svg or .jpg.</param>
    /// <param name="images">Grey images, shape [n, h, w] or [n, h, w, 1], values 0..1 or 0..255.</param>
    /// <param name="labels">The true classes, shape [n], as integer-valued floats.</param>
    /// <param name="probabilities">The predicted probabilities, shape [n, classes] (<c>model.Predict</c> of a softmax model).</param>
    /// <param name="classNames">One name per class, in label order.</param>
    /// <param name="columns">How many (image, bars) pairs per row (default 3, as the tutorial's 5 × 3 grid of 15).</param>
    /// <param name="width">The image width in pixels (default null: 400 per pair).</param>
    /// <param name="height">The image height in pixels (default null: 200 per row).</param>
    /// <example>
    /// <code>
    /// Tensor probs = model.Predict(xTest);
    /// Plot.ImageGrid("predictions.png", xTest[..15], yTest[..15], probs[..15], FashionMnist.ClassNames);
    /// </code>
    /// </example>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">
    /// A label is not a class index, a probability is not in [0, 1], the class names do not match the
    /// probabilities, or the extension is not supported.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="columns"/> is less than 1, or the width or height is outside 16..16384.</exception>
    /// <exception cref="ShapeMismatchException">A tensor has the wrong rank, or the tensors disagree on the number of images.</exception>
    /// <exception cref="IOException">The file cannot be written; a missing folder gives a <see cref="DirectoryNotFoundException"/> naming the path and the folder.</exception>
    public static void ImageGrid(string path, Tensor images, Tensor labels, Tensor probabilities, string[] classNames,
        int columns = 3, int? width = null, int? height = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        var (n, h, w) = PlotInput.Images(nameof(ImageGrid), nameof(images), images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(probabilities);
        if (labels.Rank != 1 || probabilities.Rank != 2 || labels.Dim(0) != n || probabilities.Dim(0) != n || n == 0)
        {
            string shapes = $"images {images.Shape.ToString()}, labels {labels.Shape.ToString()}, " +
                $"probabilities {probabilities.Shape.ToString()}";
            throw new ShapeMismatchException("Plot.ImageGrid", "images [n, h, w], labels [n], probabilities [n, classes]", shapes,
                $"Plot.ImageGrid expects images [n, h, w], labels [n] and probabilities [n, classes] for the same n ≥ 1, but received {shapes}.");
        }

        int classes = probabilities.Dim(1);
        PlotInput.CheckClassNames(nameof(ImageGrid), classNames, classes);
        ReadOnlySpan<float> p = probabilities.AsReadOnlySpan(), y = labels.AsReadOnlySpan(), x = images.AsReadOnlySpan();
        PlotInput.CheckProbabilities(nameof(ImageGrid), nameof(probabilities), p, classes);
        var truth = new int[n];
        for (int i = 0; i < n; i++)
        {
            truth[i] = PlotInput.Label(nameof(ImageGrid), nameof(labels), y[i], classes, i);
        }

        int pairsPerRow = Math.Min(columns, n), rows = (n + pairsPerRow - 1) / pairsPerRow;
        int fileWidth = width ?? (400 * pairsPerRow), fileHeight = height ?? (200 * rows);
        Figure.CheckTarget(path, fileWidth, fileHeight);

        double top = PlotInput.PixelScale(x);
        using Figure figure = Figure.Grid(rows, 2 * pairsPerRow);
        for (int i = 0; i < rows * pairsPerRow; i++)
        {
            SP.Plot imagePlot = figure[2 * i], barPlot = figure[(2 * i) + 1];
            if (i >= n)
            {
                Blank(imagePlot);
                Blank(barPlot);
                continue;
            }

            ReadOnlySpan<float> row = p.Slice(i * classes, classes);
            int predicted = PlotInput.ArgMax(row);
            ScottPlot.Color verdict = predicted == truth[i] ? Blue : Red;

            // The tutorial's look: black ink on white (matplotlib's "binary" map), no ticks, the verdict underneath.
            AddImage(imagePlot, PlotInput.Grid(x.Slice(i * h * w, h * w), h, w), new SP.Colormaps.GrayscaleReversed(), new SP.Range(0, top));
            HideTicks(imagePlot);
            imagePlot.Axes.Bottom.Label.Text = string.Create(CultureInfo.InvariantCulture,
                $"{classNames[predicted]} {100 * row[predicted]:0}% ({classNames[truth[i]]})");
            imagePlot.Axes.Bottom.Label.ForeColor = verdict;
            imagePlot.Axes.Bottom.Label.FontSize = 13;
            imagePlot.Axes.Bottom.Label.Bold = false;

            AddProbabilityBars(barPlot, row, predicted, truth[i]);
            barPlot.Axes.Bottom.SetTicks(
                Enumerable.Range(0, classes).Select(c => (double)c).ToArray(),
                Enumerable.Range(0, classes).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray());
            barPlot.Axes.Left.SetTicks([], []);
        }

        figure.Save(path, fileWidth, fileHeight);
    }

    private static void HideTicks(SP.Plot plot)
    {
        plot.Axes.Bottom.SetTicks([], []);
        plot.Axes.Left.SetTicks([], []);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Left.MajorTickStyle.Length = 0;
    }

    private static void Blank(SP.Plot plot)
    {
        plot.Axes.Frameless();
        plot.HideGrid();
    }
}
