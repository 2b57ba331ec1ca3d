using ScottPlot;
using SP = ScottPlot;

namespace Nabla.Plotting;

public static partial class Plot
{
    /// <summary>
    /// Draws one grey image with a colour bar (the viridis colour map, scaled to the image's values), as
    /// <c>plt.imshow(image); plt.colorbar()</c>.
    /// </summary>
    /// <param name="path">The image file to write; .png, .svg or .jpg.</param>
    /// <param name="image">The image, shape [height, width] or [height, width, 1]; row 0 is drawn at the top.</param>
    /// <param name="title">A title above the image (default null: none).</param>
    /// <param name="width">The file's width in pixels (default 560).</param>
    /// <param name="height">The file's height in pixels (default 480).</param>
    /// <example>
    /// <code>
    /// Plot.Image("first.png", xTrain[0]);
    /// </code>
    /// </example>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The extension is not supported.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The width or height is outside 16..16384.</exception>
    /// <exception cref="ShapeMismatchException"><paramref name="image"/> is not [h, w] or [h, w, 1].</exception>
    /// <exception cref="IOException">The file cannot be written; a missing folder gives a <see cref="DirectoryNotFoundException"/> naming the path and the folder.</exception>
    public static void Image(string path, Tensor image, string? title = null, int width = 560, int height = 480)
    {
        Figure.CheckTarget(path, width, height);
        double[,] pixels = PlotInput.Image(nameof(Image), nameof(image), image);
        using Figure figure = Figure.Grid(1, 1);
        SP.Plot plot = figure[0];
        SP.Plottables.Heatmap map = AddImage(plot, pixels, new SP.Colormaps.Viridis(), range: null);
        plot.Add.ColorBar(map);
        if (title is not null)
        {
            plot.Title(title);
        }

        figure.Save(path, width, height);
    }

    /// <summary>
    /// Adds an image as a heatmap whose cell (r, c) is centred on (c, r) with row 0 at the top, as imshow draws
    /// it, on square pixels.
    /// </summary>
    internal static SP.Plottables.Heatmap AddImage(SP.Plot plot, double[,] pixels, IColormap colormap, SP.Range? range)
    {
        int h = pixels.GetLength(0), w = pixels.GetLength(1);
        SP.Plottables.Heatmap map = plot.Add.Heatmap(pixels);
        map.Colormap = colormap;
        map.ManualRange = range;

        // Rectangle gives the outer edges of the cells (Extent would give the centres of the corner cells and make
        // the border cells half-visible). The y axis runs downwards, as image row indices do, and ScottPlot then
        // needs the rows flipped to keep row 0 on top.
        map.Rectangle = new CoordinateRect(-0.5, w - 0.5, h - 0.5, -0.5);
        map.FlipVertically = true;
        plot.Axes.SetLimits(-0.5, w - 0.5, h - 0.5, -0.5);
        plot.Axes.SquareUnits();
        plot.HideGrid();
        return map;
    }
}
