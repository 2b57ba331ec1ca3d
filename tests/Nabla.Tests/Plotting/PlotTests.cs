using Nabla.Plotting;
using Nabla.Tests.Support;
using SkiaSharp;

namespace Nabla.Tests.Plotting;

public sealed class PlotTests : IDisposable
{
    private static readonly string[] s_classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
    private static readonly SKColor s_red = new(0xD6, 0x27, 0x28), s_blue = new(0x1F, 0x5F, 0xD6);
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Lines_writes_png_svg_and_jpeg_of_the_requested_size()
    {
        Tensor x = Tensor.Arange(0f, 20f, 0.1f).Reshape(-1, 1), y = Tensor.Linspace(-1f, 1f, 200);
        string png = File("lines.png"), svg = File("lines.svg"), jpg = File("lines.jpg");
        Plot.Lines(png, x, ("sin(x)", y), ("model", y.Reshape(200, 1) * 0.5f));
        Assert.Equal((800, 500), ImageFiles.PngSize(png));

        Plot.Lines(svg, x, [("sin(x)", y)], title: "Sine", xLabel: "t", width: 640, height: 400);
        string text = ImageFiles.Svg(svg, 640, 400);
        Assert.Contains("sin(x)", text, StringComparison.Ordinal);
        Assert.Contains("Sine", text, StringComparison.Ordinal);

        Plot.Lines(jpg, x, ("sin(x)", y));
        ImageFiles.AssertJpeg(jpg);
    }

    [Theory]
    [InlineData(613, 347)]    // odd sizes, neither default nor a multiple of a panel
    [InlineData(240, 180)]    // small
    [InlineData(1500, 97)]    // wide and flat
    public void Every_plot_writes_a_png_of_exactly_the_width_and_height_asked_for(int width, int height)
    {
        Tensor x = Tensor.Linspace(0f, 1f, 20);
        Plot.Lines(File("lines.png"), x, [("y", x * 2f)], width: width, height: height);
        Assert.Equal((width, height), ImageFiles.PngSize(File("lines.png")));

        var history = new History();
        history.Record(0, [new("loss", 1.0), new("accuracy", 0.5), new("val_loss", 1.1)]);
        history.Record(1, [new("loss", 0.5), new("accuracy", 0.7), new("val_loss", 0.6)]);
        Plot.History(File("history.png"), history, width: width, height: height);
        Assert.Equal((width, height), ImageFiles.PngSize(File("history.png")));

        Tensor images = Tensor.RandomUniform([4, 28, 28], 0f, 255f, seed: 2), labels = Tensor.FromArray(new[] { 0, 1, 2, 3 });
        Plot.ImageGrid(File("grid.png"), images, labels, Probabilities(4, i => i), s_classes, columns: 2, width: width, height: height);
        Assert.Equal((width, height), ImageFiles.PngSize(File("grid.png")));

        Plot.Bars(File("bars.png"), Probabilities(1, _ => 4)[0], s_classes, trueLabel: 4, width: width, height: height);
        Assert.Equal((width, height), ImageFiles.PngSize(File("bars.png")));

        Plot.Image(File("image.png"), images[0], title: "first", width: width, height: height);
        Assert.Equal((width, height), ImageFiles.PngSize(File("image.png")));
    }

    [Fact]
    public void Lines_rejects_mismatched_and_misshapen_series()
    {
        Tensor x = Tensor.Arange(10f);
        string png = File("bad.png");
        AssertEx.Throws<ShapeMismatchException>(() => Plot.Lines(png, x, ("model", Tensor.Zeros(9))),
            "Plot.Lines expects series 'model' to have one value per x (10), but received 9 values.");
        AssertEx.Throws<ShapeMismatchException>(() => Plot.Lines(png, Tensor.Zeros(10, 2), ("model", x)),
            "Plot.Lines expects x of shape [n] or [n, 1], but received shape [10, 2].");
        AssertEx.Throws<ArgumentException>(() => Plot.Lines(png, x), "at least one series");
        AssertEx.Throws<ArgumentException>(() => Plot.Lines(png, x, ("", x)), "a name for every series");
        Assert.False(System.IO.File.Exists(png));
    }

    [Fact]
    public void History_draws_one_panel_per_quantity()
    {
        var history = new History();
        for (int epoch = 0; epoch < 4; epoch++)
        {
            history.Record(epoch, [new("loss", 1.0 / (epoch + 1)), new("accuracy", 0.5 + (0.1 * epoch)), new("val_loss", 1.2 / (epoch + 1)), new("val_accuracy", 0.45 + (0.1 * epoch))]);
        }

        string png = File("history.png"), svg = File("history.svg");
        Plot.History(png, history);
        Assert.Equal((1000, 400), ImageFiles.PngSize(png));   // two panels of 500 x 400
        Plot.History(svg, history, width: 900, height: 300);
        string text = ImageFiles.Svg(svg, 900, 300);
        foreach (string label in new[] { "loss", "accuracy", "training", "validation", "epoch" })
        {
            Assert.Contains($">{label}<", text.Replace("\n", string.Empty, StringComparison.Ordinal).Replace("\t", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        }

        AssertEx.Throws<ArgumentException>(() => Plot.History(png, new History()), "Plot.History expects a history with at least one epoch");
    }

    [Fact]
    public void ImageGrid_draws_15_predictions_in_5_rows_of_3()
    {
        Tensor images = Tensor.RandomUniform([15, 28, 28], 0f, 255f, seed: 1);
        Tensor labels = Tensor.FromArray(Enumerable.Range(0, 15).Select(i => i % 10).ToArray());
        Tensor probs = Probabilities(15, i => i % 4 == 0 ? (i + 3) % 10 : i % 10);
        string png = File("grid.png"), svg = File("grid.svg");
        Plot.ImageGrid(png, images, labels, probs, s_classes);
        Assert.Equal((1200, 1000), ImageFiles.PngSize(png));
        Assert.True(ImageFiles.Count(png, s_red) > 200, "no red: wrong predictions must be drawn in red");
        Assert.True(ImageFiles.Count(png, s_blue) > 200, "no blue: true classes must be drawn in blue");

        Plot.ImageGrid(svg, images[..4] * (1f / 255f), labels[..4], probs[..4], s_classes, columns: 2, width: 800, height: 400);
        string text = ImageFiles.Svg(svg, 800, 400);
        Assert.Contains("Dress 90% (T-shirt/top)", text, StringComparison.Ordinal);   // wrong: predicted 3 for label 0
        Assert.Contains("Trouser 90% (Trouser)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ImageGrid_draws_images_the_right_way_up_in_black_on_white()
    {
        // Ink (255) in the top half only: matplotlib's "binary" map draws it black, the rest white, row 0 on top.
        var pixels = new float[28 * 28];
        Array.Fill(pixels, 255f, 0, 14 * 28);
        string png = File("updown.png");
        Plot.ImageGrid(png, Tensor.FromArray(pixels, 1, 28, 28), Tensor.FromArray(new[] { 1 }), Probabilities(1, _ => 1), s_classes);
        Assert.Equal((400, 200), ImageFiles.PngSize(png));
        SKColor top = ImageFiles.Pixel(png, 100, 55), bottom = ImageFiles.Pixel(png, 100, 140);
        Assert.True(top.Red < 40, $"top half should be black, was {top}");
        Assert.True(bottom.Red > 215, $"bottom half should be white, was {bottom}");
    }

    [Fact]
    public void ImageGrid_validates_its_inputs()
    {
        Tensor images = Tensor.Zeros(3, 28, 28), labels = Tensor.Zeros(3), probs = Probabilities(3, _ => 0);
        string png = File("bad.png");
        AssertEx.Throws<ShapeMismatchException>(() => Plot.ImageGrid(png, images, Tensor.Zeros(2), probs, s_classes),
            "Plot.ImageGrid expects images [n, h, w], labels [n] and probabilities [n, classes] for the same n ≥ 1", "labels [2]");
        AssertEx.Throws<ShapeMismatchException>(() => Plot.ImageGrid(png, Tensor.Zeros(3, 784), labels, probs, s_classes),
            "expects images of grey images, shape [n, h, w] or [n, h, w, 1], but received shape [3, 784]");
        AssertEx.Throws<ArgumentException>(() => Plot.ImageGrid(png, images, labels, probs, s_classes[..9]),
            "Plot.ImageGrid expects one class name per probability column (10), but received 9 class names.");
        AssertEx.Throws<ArgumentException>(() => Plot.ImageGrid(png, images, labels, probs * 5f, s_classes),
            "expects probabilities in [0, 1] (softmax outputs), but received 4.5 at row 0, class 0", "apply softmax first");
        AssertEx.Throws<ArgumentException>(() => Plot.ImageGrid(png, images, Tensor.FromArray(new float[] { 0, 10, 1 }), probs, s_classes),
            "expects labels to be integer class indices in [0, 10), but received 10 at index 1");
        Assert.Throws<ArgumentOutOfRangeException>(() => Plot.ImageGrid(png, images, labels, probs, s_classes, columns: 0));
        Assert.False(System.IO.File.Exists(png));
    }

    [Fact]
    public void Bars_colours_the_predicted_class_red_and_the_true_class_blue()
    {
        Tensor p = Probabilities(1, _ => 5)[0];
        string png = File("bars.png"), svg = File("bars.svg");
        Plot.Bars(png, p, s_classes, trueLabel: 3);
        Assert.Equal((800, 500), ImageFiles.PngSize(png));
        Assert.True(ImageFiles.Count(png, s_red) > 2000);
        Assert.True(ImageFiles.Count(png, s_blue) > 10);

        Plot.Bars(svg, p.Reshape(1, 10), s_classes, width: 600, height: 300);
        string text = ImageFiles.Svg(svg, 600, 300);
        Assert.Contains("Ankle boot", text, StringComparison.Ordinal);
        Assert.Contains("Predicted: Sandal 90%", text, StringComparison.Ordinal);

        AssertEx.Throws<ArgumentOutOfRangeException>(() => Plot.Bars(png, p, s_classes, trueLabel: 10), "trueLabel to be a class index in [0, 10), but received 10");
        AssertEx.Throws<ShapeMismatchException>(() => Plot.Bars(png, Tensor.Zeros(2, 10), s_classes), "shape [classes] or [1, classes], but received shape [2, 10]");
        AssertEx.Throws<ArgumentException>(() => Plot.Bars(png, p, ["a", "b"]), "one class name per probability column (10), but received 2");
    }

    [Fact]
    public void Image_draws_row_zero_at_the_top_with_a_colour_bar()
    {
        var pixels = new float[28 * 28];
        Array.Fill(pixels, 255f, 14 * 28, 14 * 28);   // bottom half bright
        string png = File("image.png"), svg = File("image.svg");
        Plot.Image(png, Tensor.FromArray(pixels, 28, 28, 1));
        Assert.Equal((560, 480), ImageFiles.PngSize(png));
        SKColor top = ImageFiles.Pixel(png, 200, 100), bottom = ImageFiles.Pixel(png, 200, 380);
        Assert.True(top.Green < 40 && top.Blue > 60, $"top should be viridis' dark purple, was {top}");
        Assert.True(bottom.Red > 200 && bottom.Green > 200 && bottom.Blue < 90, $"bottom should be viridis' yellow, was {bottom}");

        Plot.Image(svg, Tensor.FromArray(pixels, 28, 28), title: "first image", width: 300, height: 260);
        Assert.Contains("first image", ImageFiles.Svg(svg, 300, 260), StringComparison.Ordinal);
        AssertEx.Throws<ShapeMismatchException>(() => Plot.Image(png, Tensor.Zeros(2, 28, 28)),
            "Plot.Image expects image to be one grey image of shape [h, w] or [h, w, 1], but received shape [2, 28, 28].");
    }

    [Fact]
    public void Image_pixels_are_cells_of_equal_size()
    {
        // Three columns, the middle one bright: along a row through the image it must cover a third of the
        // drawn width (a heatmap placed by cell centres instead of edges gives it half).
        string png = File("columns.png");
        Plot.Image(png, Tensor.FromArray(new float[] { 0, 255, 0, 0, 255, 0, 0, 255, 0 }, 3, 3));
        int purple = 0, yellow = 0;
        foreach (SKColor c in ImageFiles.Row(png, 240))
        {
            purple += c.Red < 90 && c.Green < 40 && c.Blue > 60 ? 1 : 0;
            yellow += c.Red > 200 && c.Green > 200 && c.Blue < 90 ? 1 : 0;
        }

        Assert.InRange(yellow / (double)(yellow + purple), 0.30, 0.37);
    }

    [Fact]
    public void Unsupported_extensions_and_sizes_are_rejected_before_drawing()
    {
        Tensor img = Tensor.Zeros(4, 4);
        AssertEx.Throws<ArgumentException>(() => Plot.Image(File("image.gif"), img),
            "cannot tell the image format from the file name", "extension '.gif'", "Supported: .png, .svg, .jpg (or .jpeg).");
        AssertEx.Throws<ArgumentException>(() => Plot.Image(File("image"), img), "extension ''");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => Plot.Image(File("image.png"), img, width: 0), "width must be between 16 and 16384 pixels, but received 0");
        Assert.Empty(Directory.GetFiles(_temp.Path));
    }

    [Fact]
    public void Files_are_replaced_atomically_and_leave_no_temporary_files()
    {
        string png = File("replace.png");
        System.IO.File.WriteAllText(png, "old");
        Plot.Image(png, Tensor.Zeros(4, 4));
        Assert.Equal((560, 480), ImageFiles.PngSize(png));
        Assert.Single(Directory.GetFiles(_temp.Path));

        byte[] before = System.IO.File.ReadAllBytes(png);
        Assert.Throws<ShapeMismatchException>(() => Plot.Image(png, Tensor.Zeros(4)));
        Assert.Equal(before, System.IO.File.ReadAllBytes(png));   // a failed plot keeps the previous file

        string missingFolder = Path.Combine(_temp.Path, "no-such-folder", "x.png");
        AssertEx.Throws<DirectoryNotFoundException>(() => Plot.Image(missingFolder, Tensor.Zeros(4, 4)), $"cannot write '{missingFolder}'");
        Assert.Single(Directory.GetFiles(_temp.Path));
    }

    // Probability rows that put 0.9 on predicted(i) and spread 0.1 over the other nine classes.
    private static Tensor Probabilities(int n, Func<int, int> predicted)
    {
        var p = new float[n * 10];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < 10; c++)
            {
                p[(i * 10) + c] = c == predicted(i) ? 0.9f : 0.1f / 9f;
            }
        }

        return Tensor.FromArray(p, n, 10);
    }

    private string File(string name) => Path.Combine(_temp.Path, name);
}
