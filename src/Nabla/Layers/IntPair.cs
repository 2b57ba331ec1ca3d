using System.Globalization;

namespace Nabla.Layers;

/// <summary>
/// Two lengths along the spatial axes (height, width): a kernel or pool size, strides, a dilation rate or an
/// upsampling factor. Keras takes an int or a tuple of two ints for these; an int converts to the same value on both
/// axes and a tuple <c>(rows, columns)</c> converts as written.
/// </summary>
/// <remarks>Written <c>(3, 3)</c>, as Keras prints the tuple; configs hold it as a list of two ints.</remarks>
/// <example>
/// <code>
/// new Conv2D(32, kernelSize: 3);          // 3×3
/// new Conv2D(32, kernelSize: (3, 5));     // 3 rows × 5 columns
/// new MaxPooling2D(poolSize: 2, strides: (2, 1));
/// </code>
/// </example>
public readonly record struct IntPair
{
    /// <summary>Creates a pair.</summary>
    /// <param name="height">Along the rows (the first spatial axis).</param>
    /// <param name="width">Along the columns (the second spatial axis).</param>
    public IntPair(int height, int width) => (Height, Width) = (height, width);

    /// <summary>The length along the rows.</summary>
    public int Height { get; }

    /// <summary>The length along the columns.</summary>
    public int Width { get; }

    /// <summary>The same length on both axes.</summary>
    /// <param name="value">The length.</param>
    public static implicit operator IntPair(int value) => new(value, value);

    /// <summary>A (rows, columns) tuple.</summary>
    /// <param name="value">The tuple.</param>
    public static implicit operator IntPair((int Height, int Width) value) => new(value.Height, value.Width);

    /// <summary>The same length on both axes (the named form of the implicit conversion).</summary>
    /// <param name="value">The length.</param>
    public static IntPair FromInt32(int value) => new(value, value);

    /// <summary>The pair as Keras prints its tuple: <c>(3, 3)</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"({Height}, {Width})");

    /// <summary>The pair as a config value, <c>[height, width]</c>.</summary>
    internal int[] ToArray() => [Height, Width];

    /// <summary>True when either length is above one.</summary>
    internal bool AnyAboveOne => Height > 1 || Width > 1;

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> unless both lengths are positive (or, with
    /// <paramref name="allowZero"/>, not negative), naming the layer and the argument as Keras's
    /// <c>standardize_tuple</c> does.
    /// </summary>
    internal void CheckPositive(string layer, string argument, bool allowZero = false)
    {
        if ((Height > 0 && Width > 0) || (allowZero && Height >= 0 && Width >= 0))
        {
            return;
        }

        throw new ArgumentOutOfRangeException(argument, this,
            $"{layer}: {argument} must be a pair of integers {(allowZero ? ">= 0" : "> 0")}, but received {argument}={this}.");
    }

    /// <summary>
    /// A pair from a config: a list of two ints (as Keras writes 2-D tuples), a list of one or one int (the same on both
    /// axes; 1-D layers read the width); <paramref name="fallback"/> when absent.
    /// </summary>
    /// <exception cref="ArgumentException">The value is a list of another length.</exception>
    internal static IntPair FromConfig(IReadOnlyDictionary<string, object?> config, string key, IntPair fallback)
    {
        if (!config.TryGetValue(key, out object? raw) || raw is null)
        {
            return fallback;
        }

        if (raw is int or long || raw is System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Number })
        {
            return ConfigValues.GetInt(config, key);
        }

        int[] values = ConfigValues.GetIntArray(config, key) ?? [];
        return values.Length switch
        {
            1 => new IntPair(values[0], values[0]),
            2 => new IntPair(values[0], values[1]),
            _ => throw new ArgumentException($"Config key '{key}' should hold one or two integers, but holds {values.Length}."),
        };
    }
}
