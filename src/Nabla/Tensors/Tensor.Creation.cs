using Nabla.Tensors;

namespace Nabla;

// Creation: NumPy's constructors. Created tensors always own fresh managed memory (never the step arena).
public sealed partial class Tensor
{
    /// <summary>A tensor of the given shape filled with zeros.</summary>
    /// <param name="shape">The length of each axis, e.g. <c>[2, 3]</c>; empty for a scalar.</param>
    public static Tensor Zeros(params ReadOnlySpan<int> shape) => Full(shape, 0f);

    /// <summary>A tensor of the given shape filled with ones.</summary>
    /// <param name="shape">The length of each axis.</param>
    public static Tensor Ones(params ReadOnlySpan<int> shape) => Full(shape, 1f);

    /// <summary>A tensor of the given shape with every element equal to <paramref name="value"/>.</summary>
    /// <param name="shape">The length of each axis.</param>
    /// <param name="value">The fill value.</param>
    public static Tensor Full(ReadOnlySpan<int> shape, float value)
    {
        ShapeUtil.Validate(nameof(Full), shape);
        var t = new Tensor(new float[ShapeUtil.Product(shape)], 0, shape.ToArray());
        if (value != 0f)
        {
            t.Span.Fill(value);
        }

        return t;
    }

    /// <summary>A rank-0 tensor holding <paramref name="value"/>.</summary>
    public static Tensor Scalar(float value) => new([value], 0, []);

    /// <summary>A tensor with a copy of <paramref name="data"/> in row-major order and the given shape (1-D when no shape is given).</summary>
    /// <param name="data">The elements; copied.</param>
    /// <param name="shape">The length of each axis; its product must equal <c>data.Length</c>.</param>
    /// <exception cref="ShapeMismatchException">The shape does not hold exactly <c>data.Length</c> elements.</exception>
    public static Tensor FromArray(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        int[] dims = CheckedDims(nameof(FromArray), data.Length, shape);
        return new Tensor((float[])data.Clone(), 0, dims);
    }

    /// <summary>A tensor with the values of <paramref name="data"/> converted to float (for example integer labels).</summary>
    /// <param name="data">The elements; converted and copied.</param>
    /// <param name="shape">The length of each axis; its product must equal <c>data.Length</c>.</param>
    /// <exception cref="ShapeMismatchException">The shape does not hold exactly <c>data.Length</c> elements.</exception>
    public static Tensor FromArray(int[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        int[] dims = CheckedDims(nameof(FromArray), data.Length, shape);
        var values = new float[data.Length];
        for (int i = 0; i < data.Length; i++)
        {
            values[i] = data[i];
        }

        return new Tensor(values, 0, dims);
    }

    /// <summary>A 2-D tensor with a copy of a rectangular array.</summary>
    /// <param name="data">The elements, [rows, columns].</param>
    public static Tensor FromArray(float[,] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        int rows = data.GetLength(0), cols = data.GetLength(1);
        var values = new float[rows * cols];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                values[(i * cols) + j] = data[i, j];
            }
        }

        return new Tensor(values, 0, [rows, cols]);
    }

    /// <summary>
    /// Evenly spaced values in [<paramref name="start"/>, <paramref name="stop"/>) with spacing
    /// <paramref name="step"/>, as NumPy's <c>arange</c>: ceil((stop - start) / step) values.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="step"/> is zero or not finite.</exception>
    public static Tensor Arange(float start, float stop, float step = 1f)
    {
        if (step == 0f || !float.IsFinite(step) || !float.IsFinite(start) || !float.IsFinite(stop))
        {
            throw new ArgumentException($"Arange: start, stop and step must be finite and step non-zero, but received start={start}, stop={stop}, step={step}.", nameof(step));
        }

        // In double, as NumPy, so that Arange(0, 20, 0.1f) has 200 values and not 201.
        double count = Math.Ceiling(((double)stop - start) / step);
        int n = count > 0 ? checked((int)count) : 0;
        var values = new float[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = (float)(start + ((double)i * step));
        }

        return new Tensor(values, 0, [n]);
    }

    /// <summary>The integers 0, 1, …, <paramref name="stop"/> - 1 as floats.</summary>
    public static Tensor Arange(float stop) => Arange(0f, stop, 1f);

    /// <summary><paramref name="num"/> evenly spaced values from <paramref name="start"/> to <paramref name="stop"/>, as NumPy's <c>linspace</c>.</summary>
    /// <param name="start">The first value.</param>
    /// <param name="stop">The last value (included when <paramref name="endpoint"/> is true).</param>
    /// <param name="num">How many values (default 50).</param>
    /// <param name="endpoint">Whether <paramref name="stop"/> is the last value (default true).</param>
    public static Tensor Linspace(float start, float stop, int num = 50, bool endpoint = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(num);
        var values = new float[num];
        int div = endpoint ? num - 1 : num;
        double step = div > 0 ? ((double)stop - start) / div : 0;
        for (int i = 0; i < num; i++)
        {
            values[i] = (float)(start + (i * step));
        }

        if (endpoint && num > 1)
        {
            values[^1] = stop;
        }

        return new Tensor(values, 0, [num]);
    }

    /// <summary>Samples from a normal distribution.</summary>
    /// <param name="shape">The length of each axis.</param>
    /// <param name="mean">The distribution's mean (default 0).</param>
    /// <param name="stddev">Its standard deviation (default 1).</param>
    /// <param name="seed">A seed for a reproducible draw; without one the global sequence of <see cref="Random"/> is used.</param>
    public static Tensor RandomNormal(ReadOnlySpan<int> shape, float mean = 0f, float stddev = 1f, int? seed = null)
    {
        ShapeUtil.Validate(nameof(RandomNormal), shape);
        Tensor t = Zeros(shape);
        RandomSource rng = Random.Source(seed);
        Span<float> s = t.Span;
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = mean + (stddev * rng.NextNormal());
        }

        return t;
    }

    /// <summary>Samples from a uniform distribution on [<paramref name="minval"/>, <paramref name="maxval"/>).</summary>
    /// <param name="shape">The length of each axis.</param>
    /// <param name="minval">The lower bound (default 0).</param>
    /// <param name="maxval">The upper bound (default 1).</param>
    /// <param name="seed">A seed for a reproducible draw; without one the global sequence of <see cref="Random"/> is used.</param>
    public static Tensor RandomUniform(ReadOnlySpan<int> shape, float minval = 0f, float maxval = 1f, int? seed = null)
    {
        ShapeUtil.Validate(nameof(RandomUniform), shape);
        Tensor t = Zeros(shape);
        RandomSource rng = Random.Source(seed);
        Span<float> s = t.Span;
        float range = maxval - minval;
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = minval + (range * rng.NextFloat());
        }

        return t;
    }

    private static int[] CheckedDims(string operation, int length, int[] shape)
    {
        if (shape.Length == 0)
        {
            return [length];
        }

        ShapeUtil.Validate(operation, shape);
        long product = 1;
        foreach (int d in shape)
        {
            product *= d;
        }

        if (product != length)
        {
            string s = ShapeUtil.Format(shape);
            throw new ShapeMismatchException(operation, $"a shape with {length} elements", s,
                $"{operation}: the data has {length} elements but shape {s} holds {product}.");
        }

        return (int[])shape.Clone();
    }
}
