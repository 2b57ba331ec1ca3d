using Nabla.Kernels;
using Nabla.Kernels.Parallel;
using Nabla.Tests.Support;

namespace Nabla.Tests.Kernels;

/// <summary>
/// The affine image transform against a naive double reference (the input extended over the integer grid by the fill
/// rule, then sampled), its adjoint against the transpose of the explicit sampling matrix, and the flip against a
/// naive mirror; each serial and split over the threads.
/// </summary>
[Collection(KernelSettingsCollection.Name)]
public class ImageTransformTests
{
    private static readonly string[] Modes = ["Reflect", "Wrap", "Constant", "Nearest"];
    private static readonly string[] Interpolations = ["Nearest", "Bilinear"];

    // batch, height, width, channels: odd sizes, one pixel, one row, one column, batch 1.
    private static readonly int[][] Sizes = [[1, 5, 7, 1], [2, 5, 7, 3], [3, 7, 5, 3], [1, 1, 1, 2], [2, 1, 9, 1], [1, 9, 1, 3], [4, 17, 13, 1], [2, 11, 33, 1]];

    public static TheoryData<string, string, int, int, int, int> Cases()
    {
        var data = new TheoryData<string, string, int, int, int, int>();
        foreach (string mode in Modes)
        {
            foreach (string interpolation in Interpolations)
            {
                foreach (int[] s in Sizes)
                {
                    data.Add(mode, interpolation, s[0], s[1], s[2], s[3]);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Affine_matches_the_naive_reference_on_every_path_serial_and_split(string mode, string interpolation, int n, int h, int w, int c)
    {
        ImageFillMode fill = Enum.Parse<ImageFillMode>(mode);
        ImageInterpolation sampling = Enum.Parse<ImageInterpolation>(interpolation);
        float[] x = TestData.UniformArray(n * h * w * c, seed: (n * 1000) + (h * 10) + w);

        // Wild transforms sample mostly far outside; gentle ones mostly inside, where the vector path works.
        foreach (float[] t in new[] { RandomTransforms(n, h, w, seed: c + (int)fill), GentleTransforms(n, h, w, seed: c + (int)fill) })
        {
            double[] expected = Reference(x, t, n, h, w, c, sampling, fill, fillValue: 0.5f);
            float[]? first = null;
            foreach (string path in ForcedSimd.All)
            {
                foreach (int minOutputs in new[] { int.MaxValue, 1 })
                {
                    float[] y = WithMinOutputs(minOutputs, () =>
                    {
                        var result = new float[x.Length];
                        using (new ForcedSimd(path))
                        {
                            ImageTransform.Affine(x, t, result, n, h, w, c, sampling, fill, 0.5f);
                        }

                        return result;
                    });
                    AssertEx.Close(expected.Select(v => (float)v).ToArray(), y, atol: 1e-5, rtol: 1e-5);
                    first ??= y;
                    Assert.Equal(first, y);   // every path and split gives the same bits
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AffineBackward_is_the_transpose_of_the_sampling(string mode, string interpolation, int n, int h, int w, int c)
    {
        if (n * h * w * c > 400)
        {
            return;   // the explicit matrix has (size)² entries; the small cases cover every path
        }

        ImageFillMode fill = Enum.Parse<ImageFillMode>(mode);
        ImageInterpolation sampling = Enum.Parse<ImageInterpolation>(interpolation);
        int size = n * h * w * c;
        float[] t = RandomTransforms(n, h, w, seed: 3 + c);

        // Column j of A is the (fill-free) output for the j-th unit image.
        var a = new double[size, size];
        var unit = new float[size];
        var column = new float[size];
        for (int j = 0; j < size; j++)
        {
            unit[j] = 1f;
            ImageTransform.Affine(unit, t, column, n, h, w, c, sampling, fill, 0f);
            unit[j] = 0f;
            for (int i = 0; i < size; i++)
            {
                a[i, j] = column[i];
            }
        }

        float[] g = TestData.UniformArray(size, seed: 11);
        var expected = new float[size];
        for (int j = 0; j < size; j++)
        {
            double s = 0;
            for (int i = 0; i < size; i++)
            {
                s += a[i, j] * g[i];
            }

            expected[j] = (float)s;
        }

        foreach (int minOutputs in new[] { int.MaxValue, 1 })
        {
            float[] dx = WithMinOutputs(minOutputs, () =>
            {
                float[] result = Enumerable.Repeat(float.NaN, size).ToArray();   // overwritten, never read
                ImageTransform.AffineBackward(g, t, result, n, h, w, c, sampling, fill);
                return result;
            });
            AssertEx.Close(expected, dx, atol: 1e-5, rtol: 1e-5);
        }
    }

    [Theory]
    [InlineData("Reflect", "abcddcbaabcddcbaabcd")]
    [InlineData("Wrap", "abcdabcdabcdabcdabcd")]
    [InlineData("Nearest", "aaaaaaaaabcddddddddd")]
    [InlineData("Constant", "kkkkkkkkabcdkkkkkkkk")]
    public void Fill_modes_extend_a_row_as_Keras_documents_them(string mode, string pattern)
    {
        // The row a b c d (1 2 3 4), read at column q − 8 for q = 0..19 (output column 0 of a 1 × 4 image shifted by
        // q − 8): the row extended from column −8 to 11, to be spelled as Keras documents it (k = the fill value −1).
        float[] row = [1, 2, 3, 4];
        var wide = new float[20];
        for (int q = 0; q < 20; q++)
        {
            var y = new float[4];
            float[] t = [1, 0, q - 8, 0, 1, 0];
            ImageTransform.Affine(row, t, y, 1, 1, 4, 1, ImageInterpolation.Nearest, Enum.Parse<ImageFillMode>(mode), -1f);
            wide[q] = y[0];
        }

        string spelled = new(wide.Select(v => v < 0 ? 'k' : (char)('a' + (int)v - 1)).ToArray());
        Assert.Equal(pattern, spelled);
    }

    [Fact]
    public void Bilinear_blends_the_edge_with_the_fill_value_half_a_pixel_outside()
    {
        float[] row = [2, 4, 6, 8];
        var y = new float[4];
        ImageTransform.Affine(row, [1, 0, -0.5f, 0, 1, 0], y, 1, 1, 4, 1, ImageInterpolation.Bilinear, ImageFillMode.Constant, 10f);
        Assert.Equal([6f, 3f, 5f, 7f], y);   // column −0.5: ½·10 + ½·2

        ImageTransform.Affine(row, [1, 0, -0.5f, 0, 1, 0], y, 1, 1, 4, 1, ImageInterpolation.Bilinear, ImageFillMode.Wrap, 0f);
        Assert.Equal([5f, 3f, 5f, 7f], y);   // ½·8 + ½·2: wrap blends the last pixel with the first
    }

    [Fact]
    public void Identity_returns_the_input_bit_for_bit_even_beside_infinities()
    {
        float[] x = [float.PositiveInfinity, 1.5f, -2.25f, 3f, float.NaN, 7f];
        float[] identity = [1, 0, 0, 0, 1, 0];
        foreach (ImageInterpolation sampling in new[] { ImageInterpolation.Nearest, ImageInterpolation.Bilinear })
        {
            var y = new float[6];
            ImageTransform.Affine(x, identity, y, 1, 2, 3, 1, sampling, ImageFillMode.Constant, float.NaN);
            Assert.Equal(x, y);
        }

        // The same on the vector path: a 2 × 16 one-channel image, infinities and NaN among the pixels.
        float[] wide = TestData.UniformArray(32, seed: 3);
        (wide[3], wide[9], wide[20]) = (float.PositiveInfinity, float.NaN, float.NegativeInfinity);
        foreach (string path in ForcedSimd.All)
        {
            foreach (ImageInterpolation sampling in new[] { ImageInterpolation.Nearest, ImageInterpolation.Bilinear })
            {
                var y = new float[32];
                using (new ForcedSimd(path))
                {
                    ImageTransform.Affine(wide, identity, y, 1, 2, 16, 1, sampling, ImageFillMode.Constant, float.NaN);
                }

                Assert.Equal(wide, y);
            }
        }
    }

    [Fact]
    public void RoundHalfAway_rounds_as_MathF_Round_away_from_zero()
    {
        float[] edges = [0f, -0f, 0.5f, -0.5f, 1.5f, -1.5f, 2.5f, -2.5f, 0.49999997f, -0.49999997f, 0.50000006f, 2.4999998f, 8388607.5f, 8388609f, -8388609f, 16777216f, 1e7f];
        float[] random = TestData.UniformArray(10_000, -300f, 300f, seed: 5);
        float[] halves = Enumerable.Range(-200, 400).Select(i => i + 0.5f).ToArray();
        foreach (float v in edges.Concat(random).Concat(halves))
        {
            Assert.Equal(MathF.Round(v, MidpointRounding.AwayFromZero), ImageTransform.RoundHalfAway(v));
        }
    }

    public static TheoryData<int, int, int, int> FlipSizes() => new()
    {
        { 4, 5, 7, 1 },
        { 4, 5, 7, 3 },
        { 4, 1, 1, 2 },
        { 4, 9, 1, 3 },
        { 8, 17, 13, 1 },
    };

    [Theory]
    [MemberData(nameof(FlipSizes))]
    public void Flip_matches_a_naive_mirror_for_every_code(int n, int h, int w, int c)
    {
        float[] x = TestData.UniformArray(n * h * w * c, seed: h + w);
        int[] codes = Enumerable.Range(0, n).Select(i => i % 4).ToArray();
        var expected = new float[x.Length];
        for (int b = 0; b < n; b++)
        {
            for (int r = 0; r < h; r++)
            {
                for (int q = 0; q < w; q++)
                {
                    int sr = (codes[b] & 2) != 0 ? h - 1 - r : r, sq = (codes[b] & 1) != 0 ? w - 1 - q : q;
                    for (int k = 0; k < c; k++)
                    {
                        expected[((((b * h) + r) * w) + q) * c + k] = x[((((b * h) + sr) * w) + sq) * c + k];
                    }
                }
            }
        }

        foreach (int minOutputs in new[] { int.MaxValue, 1 })
        {
            float[] y = WithMinOutputs(minOutputs, () =>
            {
                var result = new float[x.Length];
                ImageTransform.Flip(x, codes, result, n, h, w, c);
                return result;
            });
            Assert.Equal(expected, y);
        }
    }

    [Fact]
    public void Large_batches_split_over_the_threads()
    {
        float[] x = TestData.UniformArray(8 * 28 * 28, seed: 2);
        float[] t = RandomTransforms(8, 28, 28, seed: 4);
        var y = new float[x.Length];
        long before = ParallelRunner.BatchCount;
        WithMinOutputs(1024, () =>
        {
            ImageTransform.Affine(x, t, y, 8, 28, 28, 1, ImageInterpolation.Bilinear, ImageFillMode.Reflect, 0f);
            return y;
        });
        Assert.Equal(ParallelRunner.MaxParallelism > 1, ParallelRunner.BatchCount > before);
    }

    [Fact]
    public void Warm_calls_allocate_nothing_serial_or_split()
    {
        float[] x = TestData.UniformArray(32 * 28 * 28, seed: 2), dx = new float[x.Length], y = new float[x.Length];
        float[] t = RandomTransforms(32, 28, 28, seed: 4);
        int[] codes = Enumerable.Range(0, 32).Select(i => i % 4).ToArray();
        foreach (int minOutputs in new[] { int.MaxValue, 1024 })
        {
            WithMinOutputs(minOutputs, () =>
            {
                AllocationAssert.DoesNotAllocate(() => ImageTransform.Affine(x, t, y, 32, 28, 28, 1, ImageInterpolation.Bilinear, ImageFillMode.Reflect, 0f));
                AllocationAssert.DoesNotAllocate(() => ImageTransform.AffineBackward(y, t, dx, 32, 28, 28, 1, ImageInterpolation.Bilinear, ImageFillMode.Reflect));
                AllocationAssert.DoesNotAllocate(() => ImageTransform.Flip(x, codes, y, 32, 28, 28, 1));
                return y;
            });
        }
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        float[] t = [1, 0, 0, 0, 1, 0];
        AssertEx.Throws<ArgumentException>(() => ImageTransform.Affine(new float[5], t, new float[6], 1, 2, 3, 1, ImageInterpolation.Nearest, ImageFillMode.Reflect, 0f), "'x'", "6");
        AssertEx.Throws<ArgumentException>(() => ImageTransform.Affine(new float[6], t, new float[5], 1, 2, 3, 1, ImageInterpolation.Nearest, ImageFillMode.Reflect, 0f), "'y'", "6");
        AssertEx.Throws<ArgumentException>(() => ImageTransform.Affine(new float[12], t, new float[12], 2, 2, 3, 1, ImageInterpolation.Nearest, ImageFillMode.Reflect, 0f), "'transforms'", "12");
        float[] shared = new float[6];
        AssertEx.Throws<ArgumentException>(() => ImageTransform.Affine(shared, t, shared, 1, 2, 3, 1, ImageInterpolation.Nearest, ImageFillMode.Reflect, 0f), "overlaps");
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageTransform.Affine(new float[6], t, new float[6], 1, 2, 3, 1, (ImageInterpolation)7, ImageFillMode.Reflect, 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageTransform.AffineBackward(new float[6], t, new float[6], 1, 2, 3, 1, ImageInterpolation.Nearest, (ImageFillMode)9));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageTransform.Affine(new float[6], t, new float[6], 1, -2, 3, 1, ImageInterpolation.Nearest, ImageFillMode.Reflect, 0f));
        AssertEx.Throws<ArgumentOutOfRangeException>(() => ImageTransform.Flip(new float[12], [0, 4], new float[12], 2, 2, 3, 1), "image 1", "0..3");
        AssertEx.Throws<ArgumentException>(() => ImageTransform.Flip(new float[12], [0], new float[12], 2, 2, 3, 1), "'flips'");
    }

    /// <summary>Random rotations, scalings, shears and shifts of up to three image sizes, so samples land far outside.</summary>
    internal static float[] RandomTransforms(int n, int h, int w, int seed)
    {
        var rng = new System.Random(seed);
        var t = new float[n * 6];
        for (int i = 0; i < n; i++)
        {
            double angle = rng.NextDouble() * 2 * Math.PI, sx = 0.4 + (2 * rng.NextDouble()), sy = 0.4 + (2 * rng.NextDouble());
            double shear = rng.NextDouble() - 0.5;
            t[(i * 6) + 0] = (float)(sx * Math.Cos(angle));
            t[(i * 6) + 1] = (float)((-sy * Math.Sin(angle)) + shear);
            t[(i * 6) + 2] = (float)((rng.NextDouble() - 0.5) * 6 * w);
            t[(i * 6) + 3] = (float)(sx * Math.Sin(angle));
            t[(i * 6) + 4] = (float)(sy * Math.Cos(angle));
            t[(i * 6) + 5] = (float)((rng.NextDouble() - 0.5) * 6 * h);
        }

        return t;
    }

    /// <summary>Turns of up to ±20°, zooms of 0.8 to 1.2 and shifts of up to a tenth of the side: samples mostly inside.</summary>
    internal static float[] GentleTransforms(int n, int h, int w, int seed)
    {
        var rng = new System.Random(seed);
        var t = new float[n * 6];
        double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
        for (int i = 0; i < n; i++)
        {
            double angle = (rng.NextDouble() - 0.5) * (40 * Math.PI / 180), z = 0.8 + (0.4 * rng.NextDouble());
            double cos = z * Math.Cos(angle), sin = z * Math.Sin(angle);
            double dx = (rng.NextDouble() - 0.5) * 0.2 * w, dy = (rng.NextDouble() - 0.5) * 0.2 * h;
            float[] m = [(float)cos, (float)-sin, (float)(cx - (cx * cos) + (cy * sin) + dx), (float)sin, (float)cos, (float)(cy - (cx * sin) - (cy * cos) + dy)];
            m.CopyTo(t, i * 6);
        }

        return t;
    }

    /// <summary>
    /// The transform by definition, in double: the coordinates as the kernel computes them in float, the input
    /// extended over the integer grid by the fill rule (reflection by repeated mirroring, wrapping by repeated
    /// shifting), bilinear weights in double.
    /// </summary>
    internal static double[] Reference(float[] x, float[] t, int n, int h, int w, int c, ImageInterpolation sampling, ImageFillMode fill, float fillValue)
    {
        var y = new double[n * h * w * c];
        for (int b = 0; b < n; b++)
        {
            float a0 = t[(b * 6) + 0], a1 = t[(b * 6) + 1], a2 = t[(b * 6) + 2], b0 = t[(b * 6) + 3], b1 = t[(b * 6) + 4], b2 = t[(b * 6) + 5];
            for (int r = 0; r < h; r++)
            {
                float cx = (a1 * r) + a2, cy = (b1 * r) + b2;
                for (int q = 0; q < w; q++)
                {
                    float sx = (a0 * q) + cx, sy = (b0 * q) + cy;
                    for (int k = 0; k < c; k++)
                    {
                        double v;
                        if (sampling == ImageInterpolation.Nearest)
                        {
                            v = Pixel((int)Math.Round(sy, MidpointRounding.AwayFromZero), (int)Math.Round(sx, MidpointRounding.AwayFromZero), k);
                        }
                        else
                        {
                            double x0 = Math.Floor((double)sx), y0 = Math.Floor((double)sy), fx = sx - x0, fy = sy - y0;
                            v = ((1 - fx) * (1 - fy) * Pixel((int)y0, (int)x0, k)) + (fx * (1 - fy) * Pixel((int)y0, (int)x0 + 1, k))
                                + ((1 - fx) * fy * Pixel((int)y0 + 1, (int)x0, k)) + (fx * fy * Pixel((int)y0 + 1, (int)x0 + 1, k));
                        }

                        y[((((b * h) + r) * w) + q) * c + k] = v;
                    }
                }
            }

            double Pixel(int row, int col, int k)
            {
                int? rr = Extend(row, h), cc = Extend(col, w);
                return rr is int i && cc is int j ? x[((((b * h) + i) * w) + j) * c + k] : fillValue;
            }
        }

        return y;

        int? Extend(int i, int length)
        {
            switch (fill)
            {
                case ImageFillMode.Constant:
                    return i >= 0 && i < length ? i : null;
                case ImageFillMode.Nearest:
                    return Math.Clamp(i, 0, length - 1);
                case ImageFillMode.Wrap:
                    while (i < 0)
                    {
                        i += length;
                    }

                    while (i >= length)
                    {
                        i -= length;
                    }

                    return i;
                default:
                    // Mirror about the outer edge of the first or last pixel until inside: -1 -> 0, length -> length - 1.
                    while (i < 0 || i >= length)
                    {
                        i = i < 0 ? -i - 1 : (2 * length) - 1 - i;
                    }

                    return i;
            }
        }
    }

    private static T WithMinOutputs<T>(int minOutputs, Func<T> run)
    {
        int saved = ImageTransform.MinOutputsPerThread;
        ImageTransform.MinOutputsPerThread = minOutputs;
        try
        {
            return run();
        }
        finally
        {
            ImageTransform.MinOutputsPerThread = saved;
        }
    }
}
