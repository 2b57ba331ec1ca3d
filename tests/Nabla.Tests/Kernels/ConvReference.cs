namespace Nabla.Tests.Kernels;

/// <summary>One convolution case in plain numbers, independent of <c>Conv2DGeometry</c> (whose padding rule it checks).</summary>
/// <remarks>The column stride is <paramref name="StrideW"/> when given, else the row stride, plus one for odd kernel widths when above 1 (unequal strides catch swapped axes).</remarks>
internal sealed record ConvCase(int Batch, int H, int W, int C, int Filters, int KH, int KW, bool Same, int Stride, int Dilation, int Groups, int StrideW = 0)
{
    public int SH => Stride;

    public int SW => StrideW > 0 ? StrideW : Stride == 1 ? 1 : Stride + (KW % 2);

    public int DH => Dilation;

    public int DW => Dilation;

    public (int Out, int Before) RowsOut => ConvReference.Axis(H, KH, SH, DH, Same);

    public (int Out, int Before) ColsOut => ConvReference.Axis(W, KW, SW, DW, Same);

    public bool Fits => RowsOut.Out > 0 && ColsOut.Out > 0;

    public int InputLength => Batch * H * W * C;

    public int OutputLength => Batch * RowsOut.Out * ColsOut.Out * Filters;

    public int KernelLength => KH * KW * (C / Groups) * Filters;

    public override string ToString() =>
        $"[{Batch},{H},{W},{C}] k{KH}x{KW} f{Filters} {(Same ? "same" : "valid")} s{SH}x{SW} d{DH}x{DW} g{Groups}";
}

/// <summary>Naive convolution, its gradients and TensorFlow's padding rule, written plainly and accumulated in double.</summary>
internal static class ConvReference
{
    /// <summary>Output length and padding before, by TensorFlow's rule: valid ⌊(n − span)/s⌋ + 1; same ⌈n/s⌉, the odd pad at the end.</summary>
    public static (int Out, int Before) Axis(int n, int k, int s, int d, bool same)
    {
        int span = ((k - 1) * d) + 1;
        if (!same)
            return (n >= span ? ((n - span) / s) + 1 : 0, 0);
        int output = (n + s - 1) / s;
        int total = Math.Max(((output - 1) * s) + span - n, 0);
        return (output, total / 2);
    }

    /// <summary>y[n, oh, ow, oc] = bias[oc] + Σ x·w over the window, taps outside the input skipped.</summary>
    public static double[] Forward(ConvCase c, float[] x, float[] w, float[]? bias)
    {
        (int oh, int top) = c.RowsOut;
        (int ow, int left) = c.ColsOut;
        int cg = c.C / c.Groups, fg = c.Filters / c.Groups;
        var y = new double[c.OutputLength];
        for (int n = 0; n < c.Batch; n++)
        {
            for (int i = 0; i < oh; i++)
            {
                for (int j = 0; j < ow; j++)
                {
                    for (int f = 0; f < c.Filters; f++)
                    {
                        double sum = bias is null ? 0 : bias[f];
                        int g = f / fg;
                        for (int a = 0; a < c.KH; a++)
                        {
                            for (int b = 0; b < c.KW; b++)
                            {
                                int h = (i * c.SH) + (a * c.DH) - top, v = (j * c.SW) + (b * c.DW) - left;
                                if (h < 0 || h >= c.H || v < 0 || v >= c.W)
                                    continue;
                                for (int q = 0; q < cg; q++)
                                    sum += (double)x[(((n * c.H) + h) * c.W + v) * c.C + (g * cg) + q] * w[((((a * c.KW) + b) * cg) + q) * c.Filters + f];
                            }
                        }

                        y[(((n * oh) + i) * ow + j) * c.Filters + f] = sum;
                    }
                }
            }
        }

        return y;
    }

    /// <summary>dx = Σ over outputs and taps of dy·w, scattered to the tap's input position.</summary>
    public static double[] InputGradient(ConvCase c, float[] dy, float[] w)
    {
        (int oh, int top) = c.RowsOut;
        (int ow, int left) = c.ColsOut;
        int cg = c.C / c.Groups, fg = c.Filters / c.Groups;
        var dx = new double[c.InputLength];
        ForEachTap(c, oh, ow, top, left, (n, i, j, a, b, h, v) =>
        {
            for (int f = 0; f < c.Filters; f++)
            {
                int g = f / fg;
                double d = dy[(((n * oh) + i) * ow + j) * c.Filters + f];
                for (int q = 0; q < cg; q++)
                    dx[(((n * c.H) + h) * c.W + v) * c.C + (g * cg) + q] += d * w[((((a * c.KW) + b) * cg) + q) * c.Filters + f];
            }
        });
        return dx;
    }

    /// <summary>dw = Σ over outputs and taps of x·dy.</summary>
    public static double[] WeightGradient(ConvCase c, float[] x, float[] dy)
    {
        (int oh, int top) = c.RowsOut;
        (int ow, int left) = c.ColsOut;
        int cg = c.C / c.Groups, fg = c.Filters / c.Groups;
        var dw = new double[c.KernelLength];
        ForEachTap(c, oh, ow, top, left, (n, i, j, a, b, h, v) =>
        {
            for (int f = 0; f < c.Filters; f++)
            {
                int g = f / fg;
                double d = dy[(((n * oh) + i) * ow + j) * c.Filters + f];
                for (int q = 0; q < cg; q++)
                    dw[((((a * c.KW) + b) * cg) + q) * c.Filters + f] += d * x[(((n * c.H) + h) * c.W + v) * c.C + (g * cg) + q];
            }
        });
        return dw;
    }

    /// <summary>Uniform floats in [-1, 1), seeded.</summary>
    public static float[] Random(int length, int seed)
    {
        var random = new System.Random(seed);
        var data = new float[length];
        for (int i = 0; i < length; i++)
            data[i] = (random.NextSingle() * 2) - 1;
        return data;
    }

    /// <summary>The absolute tolerance of a float sum of <paramref name="terms"/> products of values in [-1, 1) against the double reference.</summary>
    public static double Atol(int terms) => (1e-5 * terms) + 1e-6;

    /// <summary>The relative tolerance against the double reference.</summary>
    public const double Rtol = 1e-4;

    /// <summary>An array of <paramref name="length"/> copies of <paramref name="value"/> (NaN, to see that a kernel writes every element, or past none).</summary>
    public static float[] Filled(int length, float value)
    {
        var data = new float[length];
        Array.Fill(data, value);
        return data;
    }

    /// <summary>Σ a·b in double.</summary>
    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
            sum += (double)a[i] * b[i];
        return sum;
    }

    /// <summary>Asserts |actual − expected| ≤ atol + rtol·|expected| element by element, naming the case and index.</summary>
    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double atol, double rtol, string what)
    {
        Assert.True(actual.Length >= expected.Length, $"{what}: {actual.Length} values, expected {expected.Length}.");
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i], tolerance = atol + (rtol * Math.Abs(e));
            if (!(Math.Abs(a - e) <= tolerance))
                Assert.Fail($"{what}: element {i} is {a:R}, expected {e:R} (tolerance {tolerance:G3}).");
        }
    }

    private delegate void TapAction(int n, int i, int j, int a, int b, int h, int v);

    private static void ForEachTap(ConvCase c, int oh, int ow, int top, int left, TapAction action)
    {
        for (int n = 0; n < c.Batch; n++)
        {
            for (int i = 0; i < oh; i++)
            {
                for (int j = 0; j < ow; j++)
                {
                    for (int a = 0; a < c.KH; a++)
                    {
                        for (int b = 0; b < c.KW; b++)
                        {
                            int h = (i * c.SH) + (a * c.DH) - top, v = (j * c.SW) + (b * c.DW) - left;
                            if (h >= 0 && h < c.H && v >= 0 && v < c.W)
                                action(n, i, j, a, b, h, v);
                        }
                    }
                }
            }
        }
    }
}
