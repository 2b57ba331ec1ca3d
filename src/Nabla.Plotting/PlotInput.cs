using Nabla.Tensors;

namespace Nabla.Plotting;

/// <summary>Checks and converts the tensors the plots receive, with messages that name the plot and the argument.</summary>
internal static class PlotInput
{
    /// <summary>A series of shape [n] or [n, 1] as doubles.</summary>
    public static double[] Series(string plot, string name, Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t, name);
        if (!(t.Rank == 1 || (t.Rank == 2 && t.Dim(1) == 1)))
        {
            throw new ShapeMismatchException($"Plot.{plot}", "[n] or [n, 1]", t.Shape.ToString(),
                $"Plot.{plot} expects {name} of shape [n] or [n, 1], but received shape {t.Shape.ToString()}.");
        }

        return ToDoubles(t.AsReadOnlySpan());
    }

    /// <summary>One grey image, [h, w] or [h, w, 1], as rows of doubles (row 0 at the top).</summary>
    public static double[,] Image(string plot, string name, Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t, name);
        if (!(t.Rank == 2 || (t.Rank == 3 && t.Dim(2) == 1)) || t.Size == 0)
        {
            throw new ShapeMismatchException($"Plot.{plot}", "[h, w] or [h, w, 1]", t.Shape.ToString(),
                $"Plot.{plot} expects {name} to be one grey image of shape [h, w] or [h, w, 1], but received shape {t.Shape.ToString()}.");
        }

        return Grid(t.AsReadOnlySpan(), t.Dim(0), t.Dim(1));
    }

    /// <summary>Images [n, h, w] or [n, h, w, 1]: their count and size.</summary>
    public static (int Count, int Height, int Width) Images(string plot, string name, Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t, name);
        if (!(t.Rank == 3 || (t.Rank == 4 && t.Dim(3) == 1)) || t.Dim(1) == 0 || t.Dim(2) == 0)
        {
            throw new ShapeMismatchException($"Plot.{plot}", "[n, h, w] or [n, h, w, 1]", t.Shape.ToString(),
                $"Plot.{plot} expects {name} of grey images, shape [n, h, w] or [n, h, w, 1], but received shape {t.Shape.ToString()}.");
        }

        return (t.Dim(0), t.Dim(1), t.Dim(2));
    }

    /// <summary>Rows of <c>[h, w]</c> values as a 2-D array.</summary>
    public static double[,] Grid(ReadOnlySpan<float> values, int height, int width)
    {
        var grid = new double[height, width];
        for (int r = 0; r < height; r++)
        {
            for (int c = 0; c < width; c++)
            {
                grid[r, c] = values[(r * width) + c];
            }
        }

        return grid;
    }

    /// <summary>The top of the pixel scale: 1 when every value lies in [0, 1], else 255 (images not yet divided by 255).</summary>
    public static double PixelScale(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
        {
            if (v > 1f)
            {
                return 255.0;
            }
        }

        return 1.0;
    }

    /// <summary>Checks that every value is a probability (softmax output), allowing float rounding.</summary>
    public static void CheckProbabilities(string plot, string name, ReadOnlySpan<float> p, int rowLength)
    {
        for (int i = 0; i < p.Length; i++)
        {
            if (!(p[i] >= -1e-4f && p[i] <= 1f + 1e-4f))
            {
                string where = rowLength > 0 && p.Length > rowLength ? $"row {i / rowLength}, class {i % rowLength}" : $"index {i}";
                throw new ArgumentException(
                    $"Plot.{plot} expects {name} in [0, 1] (softmax outputs), but received {p[i]} at {where}. " +
                    "If the model outputs logits, apply softmax first.", name);
            }
        }
    }

    /// <summary>Checks that a label is an integer class index in [0, classes).</summary>
    public static int Label(string plot, string name, float value, int classes, int index)
    {
        if (!(value >= 0f && value < classes && value == MathF.Floor(value)))
        {
            throw new ArgumentException(
                $"Plot.{plot} expects {name} to be integer class indices in [0, {classes}), but received {value} at index {index}.", name);
        }

        return (int)value;
    }

    /// <summary>Checks that there is one class name per probability column.</summary>
    public static void CheckClassNames(string plot, string[] classNames, int classes)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        if (classNames.Length != classes)
        {
            throw new ArgumentException(
                $"Plot.{plot} expects one class name per probability column ({classes}), but received {classNames.Length} class names.",
                nameof(classNames));
        }
    }

    /// <summary>The index of the largest value (the first of ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    private static double[] ToDoubles(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = values[i];
        }

        return result;
    }
}
