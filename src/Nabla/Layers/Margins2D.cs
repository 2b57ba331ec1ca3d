using System.Globalization;

namespace Nabla.Layers;

/// <summary>
/// Rows and columns added or removed at the four edges of an image, as Keras's <c>ZeroPadding2D(padding)</c> and
/// <c>Cropping2D(cropping)</c> take them: an int (the same on every edge), a pair <c>(rows, columns)</c> (symmetric on
/// each axis), or <c>((top, bottom), (left, right))</c>.
/// </summary>
/// <remarks>Configs hold it as Keras writes it, <c>[[top, bottom], [left, right]]</c>.</remarks>
/// <example>
/// <code>
/// new ZeroPadding2D(1);                  // one row or column on every edge
/// new ZeroPadding2D((2, 1));             // two rows above and below, one column left and right
/// new Cropping2D(((2, 2), (4, 4)));      // [n, 28, 28, c] → [n, 24, 20, c]
/// </code>
/// </example>
public readonly record struct Margins2D
{
    /// <summary>Creates margins from the four edges.</summary>
    /// <param name="top">Rows above.</param>
    /// <param name="bottom">Rows below.</param>
    /// <param name="left">Columns left.</param>
    /// <param name="right">Columns right.</param>
    public Margins2D(int top, int bottom, int left, int right) => (Top, Bottom, Left, Right) = (top, bottom, left, right);

    /// <summary>Rows above.</summary>
    public int Top { get; }

    /// <summary>Rows below.</summary>
    public int Bottom { get; }

    /// <summary>Columns left.</summary>
    public int Left { get; }

    /// <summary>Columns right.</summary>
    public int Right { get; }

    /// <summary>The same amount on every edge.</summary>
    /// <param name="value">Rows or columns per edge.</param>
    public static implicit operator Margins2D(int value) => new(value, value, value, value);

    /// <summary>Symmetric amounts: (rows above and below, columns left and right).</summary>
    /// <param name="value">The pair.</param>
    public static implicit operator Margins2D((int Rows, int Columns) value) => new(value.Rows, value.Rows, value.Columns, value.Columns);

    /// <summary>Each edge: ((top, bottom), (left, right)).</summary>
    /// <param name="value">The pairs.</param>
    public static implicit operator Margins2D(((int Top, int Bottom) Rows, (int Left, int Right) Columns) value) =>
        new(value.Rows.Top, value.Rows.Bottom, value.Columns.Left, value.Columns.Right);

    /// <summary>The same amount on every edge (the named form of the implicit conversion).</summary>
    /// <param name="value">Rows or columns per edge.</param>
    public static Margins2D FromInt32(int value) => new(value, value, value, value);

    /// <summary>As Keras prints the normalised tuple: <c>((1, 1), (2, 2))</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"(({Top}, {Bottom}), ({Left}, {Right}))");

    /// <summary>Rows removed or added in all.</summary>
    internal int Rows => Top + Bottom;

    /// <summary>Columns removed or added in all.</summary>
    internal int Columns => Left + Right;

    /// <summary>The config form, <c>[[top, bottom], [left, right]]</c>.</summary>
    internal int[][] ToConfig() => [[Top, Bottom], [Left, Right]];

    /// <summary>Throws unless every edge is 0 or more, naming the layer and the argument.</summary>
    internal void CheckNotNegative(string layer, string argument)
    {
        if (Top < 0 || Bottom < 0 || Left < 0 || Right < 0)
        {
            throw new ArgumentOutOfRangeException(argument, this, $"{layer}: {argument} cannot be negative, but received {argument}={this}.");
        }
    }

    /// <summary>Margins from a config: <c>[[top, bottom], [left, right]]</c>, <c>[rows, columns]</c> or one int.</summary>
    /// <exception cref="ArgumentException">The value has another form.</exception>
    internal static Margins2D FromConfig(IReadOnlyDictionary<string, object?> config, string key, Margins2D fallback)
    {
        if (!config.TryGetValue(key, out object? raw) || raw is null)
        {
            return fallback;
        }

        if (raw is int or long || raw is System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Number })
        {
            return ConfigValues.GetInt(config, key);
        }

        if (raw is not System.Collections.IEnumerable and not System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Array })
        {
            throw Invalid(key);
        }

        var axes = new List<int[]>();
        IEnumerable<object?> items = raw is System.Text.Json.JsonElement e
            ? e.EnumerateArray().Select(x => (object?)x)
            : ((System.Collections.IEnumerable)raw).Cast<object?>();
        foreach (object? item in items)
        {
            var one = new Dictionary<string, object?> { [key] = item };
            axes.Add(item is int or long || item is System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Number }
                ? [ConfigValues.GetInt(one, key), ConfigValues.GetInt(one, key)]
                : ConfigValues.GetIntArray(one, key) ?? []);
        }

        return axes.Count == 2 && axes[0].Length == 2 && axes[1].Length == 2
            ? new Margins2D(axes[0][0], axes[0][1], axes[1][0], axes[1][1])
            : throw Invalid(key);
    }

    private static ArgumentException Invalid(string key) =>
        new($"Config key '{key}' should hold an int, [rows, columns] or [[top, bottom], [left, right]].");
}
