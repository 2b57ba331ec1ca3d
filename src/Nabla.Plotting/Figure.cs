using SkiaSharp;
using SP = ScottPlot;

namespace Nabla.Plotting;

/// <summary>
/// A grid of ScottPlot plots drawn on one canvas and saved as PNG, SVG or JPEG, written atomically; also holds the
/// styling every Nabla chart shares.
/// </summary>
/// <remarks>
/// The grid is laid out here, on a white background, with every plot's canvas clearing turned off: a clear is
/// recorded by an SVG canvas as a full-size rectangle without fill, which SVG viewers draw black over the plots
/// drawn before it.
/// </remarks>
internal sealed class Figure : IDisposable
{
    /// <summary>The file extensions <see cref="Save"/> understands, as listed in error messages.</summary>
    public const string SupportedExtensions = ".png, .svg, .jpg (or .jpeg)";

    // A sans-serif family that exists on this machine: Skia falls back to an arbitrary font (DejaVu Serif on a bare
    // Debian) when the requested family is missing, and ScottPlot's default follows it.
    private static readonly Lazy<string> s_font = new(ChooseFont);

    private readonly SP.Plot[] _plots;

    private Figure(int rows, int columns)
    {
        Rows = rows;
        Columns = columns;
        _plots = new SP.Plot[rows * columns];
        for (int i = 0; i < _plots.Length; i++)
        {
            _plots[i] = new SP.Plot();
            _plots[i].RenderManager.ClearCanvasBeforeEachRender = false;
        }
    }

    /// <summary>The font family used for all text.</summary>
    public static string Font => s_font.Value;

    /// <summary>The number of rows of plots.</summary>
    public int Rows { get; }

    /// <summary>The number of plots per row.</summary>
    public int Columns { get; }

    /// <summary>Plot <paramref name="index"/>, in row-major order.</summary>
    public SP.Plot this[int index] => _plots[index];

    /// <summary>A figure of <paramref name="rows"/> × <paramref name="columns"/> plots of equal size.</summary>
    public static Figure Grid(int rows, int columns) => new(rows, columns);

    /// <summary>Releases the plots' drawing resources.</summary>
    public void Dispose()
    {
        foreach (SP.Plot plot in _plots)
        {
            plot.Dispose();
        }
    }

    /// <summary>Checks the path's extension and the size before any drawing work is done.</summary>
    public static void CheckTarget(string path, int width, int height)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _ = FormatOf(path);
        CheckSize(nameof(width), width);
        CheckSize(nameof(height), height);
    }

    /// <summary>Renders the figure at the given size in the format the extension names and writes it atomically.</summary>
    public void Save(string path, int width, int height)
    {
        foreach (SP.Plot plot in _plots)
        {
            // Set last, so that every label (titles, ticks, legends, colour bars) gets the font.
            plot.Font.Set(Font);
        }

        byte[] bytes = FormatOf(path) switch
        {
            SP.ImageFormat.Svg => RenderSvg(width, height),
            SP.ImageFormat.Jpeg => RenderRaster(width, height, SKEncodedImageFormat.Jpeg, 92),
            _ => RenderRaster(width, height, SKEncodedImageFormat.Png, 100),
        };
        AtomicFile.Write(path, bytes);
    }

    private void Render(SKCanvas canvas, int width, int height)
    {
        using (var white = new SKPaint { Color = SKColors.White })
        {
            canvas.DrawRect(0, 0, width, height, white);
        }

        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < Columns; c++)
            {
                var cell = new SP.PixelRect(
                    left: (float)c * width / Columns, right: (float)(c + 1) * width / Columns,
                    bottom: (float)(r + 1) * height / Rows, top: (float)r * height / Rows);
                _plots[(r * Columns) + c].Render(canvas, cell);
            }
        }
    }

    private byte[] RenderRaster(int width, int height, SKEncodedImageFormat format, int quality)
    {
        using SKSurface surface = SKSurface.Create(new SKImageInfo(width, height))
            ?? throw new InvalidOperationException($"Plot: could not create a {width}x{height} drawing surface (out of memory?).");
        Render(surface.Canvas, width, height);
        using SKImage image = surface.Snapshot();
        using SKData data = image.Encode(format, quality);
        return data.ToArray();
    }

    private byte[] RenderSvg(int width, int height)
    {
        using var stream = new MemoryStream();
        using (SKCanvas canvas = SKSvgCanvas.Create(new SKRect(0, 0, width, height), stream))
        {
            Render(canvas, width, height);
        }

        return stream.ToArray();
    }

    private static SP.ImageFormat FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => SP.ImageFormat.Png,
        ".svg" => SP.ImageFormat.Svg,
        ".jpg" or ".jpeg" => SP.ImageFormat.Jpeg,
        var other => throw new ArgumentException(
            $"Plot: cannot tell the image format from the file name '{path}' (extension '{other}'). " +
            $"Supported: {SupportedExtensions}.", nameof(path)),
    };

    private static void CheckSize(string name, int pixels)
    {
        if (pixels is < 16 or > 16384)
        {
            throw new ArgumentOutOfRangeException(name, pixels,
                $"Plot: {name} must be between 16 and 16384 pixels, but received {pixels}.");
        }
    }

    private static string ChooseFont()
    {
        foreach (string family in new[] { "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Noto Sans", "Open Sans", "Segoe UI" })
        {
            using SKTypeface? typeface = SKFontManager.Default.MatchFamily(family);
            if (typeface is not null && typeface.FamilyName == family)
            {
                return family;
            }
        }

        return SP.Fonts.Default;
    }
}
