using System.Buffers.Binary;
using SkiaSharp;

namespace Nabla.Tests.Plotting;

/// <summary>Reads back what the plots wrote: file signatures, PNG sizes and pixels.</summary>
internal static class ImageFiles
{
    /// <summary>Width and height from a PNG's IHDR chunk, after checking the signature.</summary>
    public static (int Width, int Height) PngSize(string path)
    {
        byte[] b = File.ReadAllBytes(path);
        Assert.True(b.Length > 1000, $"{path} has only {b.Length} bytes");
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, b[..8]);
        Assert.Equal("IHDR"u8.ToArray(), b[12..16]);
        return (BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(20)));
    }

    /// <summary>The SVG's text, after checking that it declares the size asked for.</summary>
    public static string Svg(string path, int width, int height)
    {
        string svg = File.ReadAllText(path);
        Assert.StartsWith("<?xml", svg, StringComparison.Ordinal);
        Assert.Contains($"<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"{width}\" height=\"{height}\">", svg, StringComparison.Ordinal);
        Assert.EndsWith("</svg>", svg.TrimEnd(), StringComparison.Ordinal);
        return svg;
    }

    /// <summary>Asserts the file is a JPEG (SOI marker) of some substance.</summary>
    public static void AssertJpeg(string path)
    {
        byte[] b = File.ReadAllBytes(path);
        Assert.True(b.Length > 1000);
        Assert.Equal(new byte[] { 0xFF, 0xD8, 0xFF }, b[..3]);
        using SKBitmap bitmap = SKBitmap.Decode(b);
        Assert.NotNull(bitmap);
    }

    /// <summary>The colour of pixel (x, y) of an image file.</summary>
    public static SKColor Pixel(string path, int x, int y)
    {
        using SKBitmap bitmap = SKBitmap.Decode(path);
        return bitmap.GetPixel(x, y);
    }

    /// <summary>The colours of row <paramref name="y"/> of an image file.</summary>
    public static SKColor[] Row(string path, int y)
    {
        using SKBitmap bitmap = SKBitmap.Decode(path);
        var row = new SKColor[bitmap.Width];
        for (int x = 0; x < row.Length; x++)
        {
            row[x] = bitmap.GetPixel(x, y);
        }

        return row;
    }

    /// <summary>How many pixels are close to <paramref name="color"/>.</summary>
    public static int Count(string path, SKColor color, int tolerance = 24)
    {
        using SKBitmap bitmap = SKBitmap.Decode(path);
        int n = 0;
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
            {
                SKColor c = bitmap.GetPixel(x, y);
                if (Math.Abs(c.Red - color.Red) <= tolerance && Math.Abs(c.Green - color.Green) <= tolerance && Math.Abs(c.Blue - color.Blue) <= tolerance)
                {
                    n++;
                }
            }
        }

        return n;
    }
}
