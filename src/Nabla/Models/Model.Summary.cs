using System.Globalization;
using System.Text;
using Nabla.Layers;
using Nabla.Optimizers;

namespace Nabla;

// Summary: Keras 3's table of layers, output shapes and parameter counts.
public partial class Model
{
    /// <summary>
    /// Prints the model's layers, output shapes and parameter counts as Keras 3 does, then the totals
    /// (<c> Total params: 101,770 (397.54 KB)</c>); once the compiled optimizer has taken a step, also its variables
    /// (<c> Optimizer params: 203,542 (795.09 KB)</c> for Adam), counted in the total as Keras counts them.
    /// </summary>
    /// <param name="lineLength">Total width; default min(88, console width − 4), 76 when output is redirected (as Keras).</param>
    /// <param name="printFn">Receives the summary, line by line; default writes to the console.</param>
    public void Summary(int? lineLength = null, Action<string>? printFn = null)
    {
        // Keras's default width: 88 (108 with the "Connected to" column), at most the terminal's width − 4.
        foreach (string line in SummaryLines(lineLength ?? DefaultLineLength(Graph is { IsChain: false } ? 108 : 88)))
        {
            if (printFn is null)
            {
                Console.WriteLine(line);
            }
            else
            {
                printFn(line);
            }
        }
    }

    /// <summary>The summary's lines for a given total width.</summary>
    internal IEnumerable<string> SummaryLines(int lineLength)
    {
        // A functional model that is not a single chain gets Keras's fourth column, "Connected to", and its wider
        // default line (108 instead of 88) and positions.
        bool connected = Graph is { IsChain: false };
        double[] positions = connected ? [0.3, 0.56, 0.74, 1.0] : [0.45, 0.80, 1.0];
        string[] header = connected ? ["Layer (type)", "Output Shape", "Param #", "Connected to"] : ["Layer (type)", "Output Shape", "Param #"];
        int[] widths = ColumnWidths(positions, lineLength);

        yield return $"Model: \"{Name}\"";
        yield return Border('┏', '━', '┳', '┓', widths);
        foreach (string line in Row('┃', header, widths))
        {
            yield return line;
        }

        yield return Border('┡', '━', '╇', '┩', widths);
        IReadOnlyList<Layer> layers = this is Sequential ? Layers : AllLayers;
        for (int i = 0; i < layers.Count; i++)
        {
            Layer layer = layers[i];
            string parameters = layer.IsBuilt ? layer.CountParams().ToString("N0", CultureInfo.InvariantCulture) : "0 (unbuilt)";
            string[] cells = [$"{layer.Name} ({layer.GetType().Name})", OutputShapeOf(layer), parameters];
            if (connected)
            {
                cells = [.. cells, ConnectionsOf(layer)];
            }

            foreach (string line in Row('│', cells, widths))
            {
                yield return line;
            }

            yield return i < layers.Count - 1 ? Border('├', '─', '┼', '┤', widths) : Border('└', '─', '┴', '┘', widths);
        }

        if (layers.Count == 0)
        {
            yield return Border('└', '─', '┴', '┘', widths);
        }

        long trainable = IsBuilt ? TrainableWeights.Sum(w => (long)w.Value.Size) : 0;
        long frozen = IsBuilt ? NonTrainableWeights.Sum(w => (long)w.Value.Size) : 0;

        // As Keras: once the compiled optimizer has built its slots (after the first step), they count too, with the
        // step count (an int64) and the learning rate (a float32, absent under a schedule).
        (long Count, double Bytes)? optimizer = Trainer.Compiled?.Optimizer is { IsBuilt: true } o ? OptimizerParams(o) : null;
        long totalCount = trainable + frozen + (optimizer?.Count ?? 0);
        double totalBytes = ((trainable + frozen) * 4.0) + (optimizer?.Bytes ?? 0);
        yield return $" Total params: {Count(totalCount, totalBytes)}";
        yield return $" Trainable params: {Count(trainable, trainable * 4.0)}";
        yield return $" Non-trainable params: {Count(frozen, frozen * 4.0)}";
        if (optimizer is var (count, bytes))
        {
            yield return $" Optimizer params: {Count(count, bytes)}";
        }

        static string Count(long n, double bytes) => $"{n.ToString("N0", CultureInfo.InvariantCulture)} ({ReadableSize(bytes)})";
    }

    private static (long Count, double Bytes) OptimizerParams(Optimizer optimizer)
    {
        long slots = optimizer.Variables.Sum(v => (long)v.Value.Size);
        bool rate = optimizer.Schedule is null;
        return (1 + (rate ? 1 : 0) + slots, 8 + (rate ? 4 : 0) + (slots * 4.0));
    }

    /// <summary>
    /// Column widths as Keras computes them (positions of the line) and as rich then fits them into the table: each gets
    /// one space of padding per side, and the excess over the line (minus the borders) is taken from the columns
    /// evenly, rounding half to even as Python does.
    /// </summary>
    private static int[] ColumnWidths(double[] positions, int lineLength)
    {
        int n = positions.Length;
        int[] widths = new int[n];
        int current = 0;
        for (int i = 0; i < n; i++)
        {
            widths[i] = (int)(positions[i] * lineLength) - current + 2;
            current += widths[i] - 2;
        }

        int excess = widths.Sum() - (lineLength - (n + 1));
        for (int i = 0, ratio = n; i < n && excess > 0; i++, ratio--)
        {
            int take = Math.Min(widths[i], (int)Math.Round((double)excess / ratio, MidpointRounding.ToEven));
            widths[i] -= take;
            excess -= take;
        }

        return widths;
    }

    /// <summary>The layer's output shape as Keras prints it: <c>(None, 128)</c>; the last call's in a functional graph.</summary>
    private string OutputShapeOf(Layer layer)
    {
        if (layer is InputLayer input)
        {
            return FormatShape(input.BatchShape);
        }

        if (Graph?.CallsOf(layer).LastOrDefault() is { } last)
        {
            return FormatShape(last.Shape);
        }

        return layer.OutputShape is int[] s ? FormatShape(s) : "?";
    }

    /// <summary>Keras's "Connected to": every input of every call of the layer in this graph, <c>name[node][tensor]</c>.</summary>
    private string ConnectionsOf(Layer layer)
    {
        IEnumerable<string> inputs = Graph!.CallsOf(layer).SelectMany(call => call.Inputs).Select(t => $"{t.Layer.Name}[{t.NodeIndex}][0]");
        string joined = string.Join(", ", inputs);
        return joined.Length == 0 ? "-" : joined;
    }

    internal static string ReadableSize(double bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB", "PB"];
        foreach (string unit in units)
        {
            if (bytes / 1024 < 1)
            {
                return bytes.ToString("F2", CultureInfo.InvariantCulture) + " " + unit;
            }

            bytes /= 1024;
        }

        return bytes.ToString("F2", CultureInfo.InvariantCulture) + " PB";
    }

    private static string FormatShape(int[] shape) =>
        "(" + string.Join(", ", shape.Select(d => d < 0 ? "None" : d.ToString(CultureInfo.InvariantCulture))) + ")";

    private static string Border(char left, char fill, char join, char right, int[] widths)
    {
        var sb = new StringBuilder().Append(left);
        for (int i = 0; i < widths.Length; i++)
        {
            sb.Append(fill, widths[i]).Append(i < widths.Length - 1 ? join : right);
        }

        return sb.ToString();
    }

    /// <summary>One table row, wrapped over several lines when a cell is wider than its column (as rich folds it).</summary>
    private static IEnumerable<string> Row(char edge, string[] cells, int[] widths)
    {
        // Keras right-aligns the third column (parameter counts) only.
        var wrapped = new List<string>[cells.Length];
        for (int i = 0; i < cells.Length; i++)
        {
            wrapped[i] = Wrap(cells[i], widths[i] - 2);
        }

        int lines = wrapped.Max(w => w.Count);
        for (int l = 0; l < lines; l++)
        {
            var sb = new StringBuilder().Append(edge);
            for (int i = 0; i < cells.Length; i++)
            {
                string text = l < wrapped[i].Count ? wrapped[i][l] : string.Empty;
                bool right = i == 2;
                sb.Append(' ').Append(right ? text.PadLeft(widths[i] - 2) : text.PadRight(widths[i] - 2)).Append(' ').Append(edge);
            }

            yield return sb.ToString();
        }
    }

    private static List<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        string rest = text;
        while (rest.Length > width)
        {
            int cut = rest.LastIndexOf(' ', width);
            if (cut <= 0)
            {
                lines.Add(rest[..width]);
                rest = rest[width..];
            }
            else
            {
                lines.Add(rest[..cut]);
                rest = rest[(cut + 1)..];
            }
        }

        lines.Add(rest);
        return lines;
    }

    private static int DefaultLineLength(int keras) => Math.Min(keras, TerminalColumns() - 4);

    private static int TerminalColumns()
    {
        int columns = 80;
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int env) && env > 0)
        {
            columns = env;
        }
        else if (!Console.IsOutputRedirected)
        {
            try
            {
                columns = Console.WindowWidth > 0 ? Console.WindowWidth : 80;
            }
            catch (IOException)
            {
                columns = 80;
            }
        }

        return columns;
    }
}
