using Nabla.Kernels;
using Nabla.Tests.Support;

namespace Nabla.Tests.Kernels;

[Collection(KernelSettingsCollection.Name)]
public sealed class PoolingTests : IDisposable
{
    public PoolingTests() => KernelPaths.Reset();

    public static TheoryData<string, int> PathsAndThreads() => ConvolutionTests.PathsAndThreads();

    public void Dispose() => KernelPaths.Reset();

    /// <summary>Windows 2×2, 3×3, 3×2 and 1×3 with strides 1, 2, 3 and the pool size, valid and same, on odd images; channels 1, 3, 16, 17, 33 (16: the 2 × 2 vector paths); batch 1 and 3.</summary>
    private static IEnumerable<(int Batch, int H, int W, int C, int PH, int PW, int SH, int SW, bool Same)> Cases()
    {
        int index = 0;
        foreach (bool same in new[] { false, true })
        {
            foreach ((int ph, int pw) in new[] { (2, 2), (3, 3), (3, 2), (1, 3) })
            {
                foreach (int stride in new[] { 1, 2, 3, 0 })
                {
                    foreach (int c in new[] { 1, 3, 16, 17, 33 })
                    {
                        int sh = stride == 0 ? ph : stride, sw = stride == 0 ? pw : stride;
                        (int h, int w) = index % 3 == 0 ? (28, 28) : (7, 5);
                        if (same || (h >= ph && w >= pw))
                            yield return (index % 2 == 0 ? 1 : 3, h, w, c, ph, pw, sh, sw, same);
                        index++;
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndThreads))]
    public void Max_and_average_pooling_match_the_naive_reference(string path, int threads)
    {
        KernelPaths.Use(path, threads);
        int seed = 0;
        foreach (var k in Cases())
        {
            Pool2DGeometry g = Pool2DGeometry.Create(k.Batch, k.H, k.W, k.C, k.PH, k.PW, k.SH, k.SW, k.Same ? PaddingMode.Same : PaddingMode.Valid);
            (int oh, int top) = ConvReference.Axis(k.H, k.PH, k.SH, 1, k.Same);
            (int ow, int left) = ConvReference.Axis(k.W, k.PW, k.SW, 1, k.Same);
            Assert.Equal((oh, ow, top, left), (g.OutputHeight, g.OutputWidth, g.PadTop, g.PadLeft));
            string what = $"{g} ({path}, {threads} threads)";
            float[] x = ConvReference.Random(g.InputLength, ++seed), dy = ConvReference.Random(g.OutputLength, ++seed);
            (double[] max, int[] argmax, double[] mean, int[] count) = Naive(g, x);

            float[] y = ConvReference.Filled(g.OutputLength + 2, float.NaN);
            int[] indices = new int[g.OutputLength + 2];
            indices[^1] = indices[^2] = -7;
            Pooling.MaxForward(g, x, y, indices);
            ConvReference.AssertClose(max, y, 0, 0, "max " + what);
            Assert.Equal(argmax, indices[..g.OutputLength]);
            Assert.True(float.IsNaN(y[^1]) && indices[^1] == -7, what);

            float[] withoutIndices = new float[g.OutputLength];
            Pooling.MaxForward(g, x, withoutIndices, default);
            Assert.Equal(y[..g.OutputLength], withoutIndices);

            var expectedDx = new double[g.InputLength];
            for (int i = 0; i < argmax.Length; i++)
                expectedDx[argmax[i]] += dy[i];
            float[] dx = ConvReference.Filled(g.InputLength, float.NaN);
            Pooling.MaxBackward(g, dy, indices, dx);
            ConvReference.AssertClose(expectedDx, dx, 1e-6, 1e-6, "max backward " + what);
            float[] before = ConvReference.Random(g.InputLength, ++seed);
            dx = (float[])before.Clone();
            Pooling.MaxBackward(g, dy, indices, dx, accumulate: true);
            ConvReference.AssertClose([.. expectedDx.Select((v, i) => v + before[i])], dx, 1e-6, 1e-6, "accumulated max backward " + what);

            Pooling.AverageForward(g, x, y);
            ConvReference.AssertClose(mean, y, 1e-6, 1e-5, "average " + what);
            Assert.True(float.IsNaN(y[^1]), what);

            Array.Fill(expectedDx, 0);
            ForEachWindow(g, (o, i) => expectedDx[i] += (double)dy[o] / count[o]);
            float[] start = ConvReference.Random(g.InputLength, ++seed);
            dx = (float[])start.Clone();
            Pooling.AverageBackward(g, dy, dx, accumulate: true);
            ConvReference.AssertClose([.. expectedDx.Select((v, i) => v + start[i])], dx, 1e-6, 1e-5, "average backward " + what);
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndThreads))]
    public void Global_pooling_matches_the_naive_reference(string path, int threads)
    {
        KernelPaths.Use(path, threads);
        foreach ((int batch, int h, int w, int c) in new[] { (1, 1, 1, 1), (3, 7, 5, 17), (2, 1, 9, 33), (4, 3, 3, 64) })
        {
            float[] x = ConvReference.Random(batch * h * w * c, h + w + c), dy = ConvReference.Random(batch * c, c);
            var mean = new double[batch * c];
            var max = new double[batch * c];
            var argmax = new int[batch * c];
            for (int n = 0; n < batch; n++)
            {
                for (int ch = 0; ch < c; ch++)
                {
                    int best = (n * h * w * c) + ch;
                    for (int p = 0; p < h * w; p++)
                    {
                        int at = (((n * h * w) + p) * c) + ch;
                        mean[(n * c) + ch] += x[at] / (double)(h * w);
                        if (x[at] > x[best])
                            best = at;
                    }

                    max[(n * c) + ch] = x[best];
                    argmax[(n * c) + ch] = best;
                }
            }

            var y = new float[batch * c];
            var indices = new int[batch * c];
            Pooling.GlobalMaxForward(x, batch, h, w, c, y, indices);
            ConvReference.AssertClose(max, y, 0, 0, "global max");
            Assert.Equal(argmax, indices);
            var dx = new float[x.Length];
            Pooling.GlobalMaxBackward(dy, indices, batch, h, w, c, dx);
            var expected = new double[x.Length];
            for (int i = 0; i < argmax.Length; i++)
                expected[argmax[i]] += dy[i];
            ConvReference.AssertClose(expected, dx, 0, 0, "global max backward");

            Pooling.GlobalAverageForward(x, batch, h, w, c, y);
            ConvReference.AssertClose(mean, y, 1e-6, 1e-5, "global average");
            Pooling.GlobalAverageBackward(dy, batch, h, w, c, dx);
            for (int i = 0; i < x.Length; i++)
                expected[i] = dy[(i / (h * w * c) * c) + (i % c)] / (double)(h * w);
            ConvReference.AssertClose(expected, dx, 1e-7, 1e-6, "global average backward");
        }
    }

    // 1-D pooling is height 1: [batch, steps, channels] pooled along the steps.
    [Fact]
    public void One_dimensional_pooling_is_height_one()
    {
        Pool2DGeometry g = Pool2DGeometry.Create(1, 1, 5, 2, 1, 2, 1, 2, PaddingMode.Same);
        float[] x = [1, -1, 5, -2, 3, 4, 0, 9, -5, 2];
        var y = new float[g.OutputLength];
        Pooling.MaxForward(g, x, y, default);
        Assert.Equal([5f, -1, 3, 9, -5, 2], y);
        Pooling.AverageForward(g, x, y);
        Assert.Equal([3f, -1.5f, 1.5f, 6.5f, -5, 2], y);   // the last window has one real step: count 1
    }

    // Ties keep the first position in window order (+0 before −0 stays +0); a NaN wins over numbers and the first NaN
    // is taken (its payload with it). With and without the argmax (training and inference) the values are the same bits.
    [Theory]
    [InlineData("Avx512")]
    [InlineData("Avx2")]
    [InlineData("Scalar")]
    public void Max_pooling_keeps_the_first_tie_and_propagates_nan(string path)
    {
        if (!KernelPaths.Supported.Contains(path))
            return;
        KernelPaths.Use(path, 1);
        const int c = 19;
        float nan1 = BitConverter.Int32BitsToSingle(0x7FC00001), nan2 = BitConverter.Int32BitsToSingle(0x7FC00002);
        Pool2DGeometry g = Pool2DGeometry.Create(1, 2, 2, c, 2, 2, 2, 2, PaddingMode.Valid);
        var x = new float[4 * c];
        for (int ch = 0; ch < c; ch++)
        {
            bool zeros = ch % 5 == 0;
            x[ch] = zeros ? 0f : 1;
            x[c + ch] = ch % 2 == 0 ? nan1 : zeros ? -0f : 1;
            x[(2 * c) + ch] = ch % 3 == 0 ? nan2 : zeros ? -0f : 0;
            x[(3 * c) + ch] = zeros ? -0f : 1;
        }

        var y = new float[c];
        var values = new float[c];
        var argmax = new int[c];
        Pooling.MaxForward(g, x, y, argmax);
        Pooling.MaxForward(g, x, values, default);
        for (int ch = 0; ch < c; ch++)
        {
            int expected = ch % 2 == 0 ? c + ch : ch % 3 == 0 ? (2 * c) + ch : ch;
            Assert.Equal(expected, argmax[ch]);
            Assert.Equal(BitConverter.SingleToInt32Bits(x[expected]), BitConverter.SingleToInt32Bits(y[ch]));
            Assert.Equal(BitConverter.SingleToInt32Bits(x[expected]), BitConverter.SingleToInt32Bits(values[ch]));
        }
    }

    // 2 × 2 windows of whole 8-float vectors take their own folds (MaxForward with and without indices, and the sink
    // that pools a convolution's blocks, with indices in training and without in inference): on ties, −0 against +0,
    // infinities and NaN payloads each gives the first NaN of a window, else its first maximum, and its index, bit for
    // bit, on every path; the sink for blocks anywhere in the output.
    [Theory]
    [InlineData("Avx512")]
    [InlineData("Avx2")]
    [InlineData("Scalar")]
    public unsafe void Two_by_two_folds_keep_the_first_tie_and_propagate_nan(string path)
    {
        if (!KernelPaths.Supported.Contains(path))
            return;
        KernelPaths.Use(path, 1);
        float nan1 = BitConverter.Int32BitsToSingle(0x7FC00001), nan2 = BitConverter.Int32BitsToSingle(unchecked((int)0xFFC00002));
        float[] palette = [0f, -0f, 1f, 1f, -1f, float.PositiveInfinity, float.NegativeInfinity, nan1, nan2, 2f];
        var random = new System.Random(5);
        foreach (int c in new[] { 8, 16, 12 })
        {
            Pool2DGeometry g = Pool2DGeometry.Create(2, 4, 6, c, 2, 2, 2, 2, PaddingMode.Valid);
            float[] x = [.. Enumerable.Range(0, g.InputLength).Select(_ => palette[random.Next(palette.Length)])];
            var expectedIndices = new int[g.OutputLength];
            var seen = new bool[g.OutputLength];
            ForEachWindow(g, (o, i) =>
            {
                float v = x[i], best = x[expectedIndices[o]];
                if (!seen[o] || v > best || (float.IsNaN(v) && !float.IsNaN(best)))
                    expectedIndices[o] = i;
                seen[o] = true;
            });
            int[] expected = [.. expectedIndices.Select(i => BitConverter.SingleToInt32Bits(x[i]))];

            float[] y = ConvReference.Filled(g.OutputLength, float.NaN), values = ConvReference.Filled(g.OutputLength, float.NaN);
            int[] indices = new int[g.OutputLength];
            Pooling.MaxForward(g, x, y, indices);
            Pooling.MaxForward(g, x, values, default);
            Assert.Equal(expected, y.Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(expected, values.Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(expectedIndices, indices);

            Array.Fill(y, float.NaN);
            Array.Fill(values, float.NaN);
            Array.Fill(indices, -1);
            int rowFloats = g.InputWidth * c;
            fixed (float* py = y, pv = values)
            fixed (int* pa = indices)
            {
                for (int row = 0; row < g.Batch * g.InputHeight; row += 2)
                {
                    float[] block = x[(row * rowFloats)..((row + 2) * rowFloats)];
                    fixed (float* pb = block)
                    {
                        Pooling.MaxPoolSink.Start(g, py, pa).Consume(pb, row, 2);
                        Pooling.MaxPoolSink.Start(g, pv).Consume(pb, row, 2);
                    }
                }
            }

            Assert.Equal(expected, y.Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(expected, values.Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(expectedIndices, indices);
        }
    }

    [Fact]
    public void Gradients_match_finite_differences()
    {
        Pool2DGeometry g = Pool2DGeometry.Create(2, 5, 4, 3, 3, 2, 2, 1, PaddingMode.Same);
        float[] x = ConvReference.Random(g.InputLength, 1), r = ConvReference.Random(g.OutputLength, 2);
        var indices = new int[g.OutputLength];
        var y = new float[g.OutputLength];
        Pooling.MaxForward(g, x, y, indices);
        var dx = new float[g.InputLength];
        Pooling.MaxBackward(g, r, indices, dx);
        ConvolutionTests.CheckFiniteDifferences(x, dx, () =>
        {
            Pooling.MaxForward(g, x, y, default);
            return ConvReference.Dot(y, r);
        }, "max pooling");

        Pooling.AverageBackward(g, r, dx);
        ConvolutionTests.CheckFiniteDifferences(x, dx, () =>
        {
            Pooling.AverageForward(g, x, y);
            return ConvReference.Dot(y, r);
        }, "average pooling");
    }

    [Fact]
    public void Bad_arguments_throw()
    {
        Pool2DGeometry g = Pool2DGeometry.Create(2, 4, 4, 3, 2, 2, 2, 2, PaddingMode.Valid);
        float[] x = new float[g.InputLength], y = new float[g.OutputLength];
        AssertEx.Throws<ArgumentOutOfRangeException>(() => Pooling.MaxBackward(g, y, Enumerable.Repeat(47, g.OutputLength).ToArray(), x),
            "an argmax index of image 0, output (0, 0) does not point into its 2×2 window");
        Pool2DGeometry vectors = Pool2DGeometry.Create(1, 4, 4, 8, 2, 2, 2, 2, PaddingMode.Valid);
        int[] stray = Enumerable.Range(0, vectors.OutputLength).Select(i => i == 3 ? 0 : -1).ToArray();
        AssertEx.Throws<ArgumentOutOfRangeException>(() => Pooling.MaxBackward(vectors, new float[32], stray, new float[128]),
            "an argmax index of image 0, output (0, 0) does not point into its 2×2 window");
        Pool2DGeometry overlapping = Pool2DGeometry.Create(2, 4, 4, 3, 2, 2, 1, 1, PaddingMode.Valid);
        AssertEx.Throws<ArgumentOutOfRangeException>(() => Pooling.MaxBackward(overlapping, new float[54], Enumerable.Repeat(48, 54).ToArray(), x),
            "argmax index 48 of image 0 lies outside that image's elements [0, 48) of x");
        Assert.Contains("'y' is too short", Assert.Throws<ArgumentException>(() => Pooling.MaxForward(g, x, y.AsSpan(1), default)).Message, StringComparison.Ordinal);
        Assert.Contains("'argmax' is too short", Assert.Throws<ArgumentException>(() => Pooling.MaxForward(g, x, y, new int[3])).Message, StringComparison.Ordinal);
        Assert.Contains("'x' is too short", Assert.Throws<ArgumentException>(() => Pooling.AverageForward(g, x.AsSpan(1), y)).Message, StringComparison.Ordinal);
        Assert.Contains("'dx' overlaps", Assert.Throws<ArgumentException>(() => Pooling.AverageBackward(g, x.AsSpan(0, 24), x)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Pooling.AverageForward(default, x, y));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    public void Warm_calls_do_not_allocate(int threads)
    {
        int t = threads == 0 ? Environment.ProcessorCount : threads;
        SpatialThreads.MaxThreads = t;
        Pool2DGeometry g = Pool2DGeometry.Create(32, 28, 28, 32, 2, 2, 2, 2, PaddingMode.Valid);
        float[] x = ConvReference.Random(g.InputLength, 1), y = new float[g.OutputLength], dx = new float[g.InputLength];
        var argmax = new int[g.OutputLength];
        AllocationAssert.DoesNotAllocate(() =>
        {
            Pooling.MaxForward(g, x, y, argmax);
            Pooling.MaxBackward(g, y, argmax, dx);
            Pooling.AverageForward(g, x, y);
            Pooling.AverageBackward(g, y, dx);
            Pooling.GlobalAverageForward(x, 32, 28, 28, 32, y);
            Pooling.GlobalMaxForward(x, 32, 28, 28, 32, y, argmax);
        });
    }

    // Naive max (first largest, no NaN in these inputs), its index, the mean over real positions and their count.
    private static (double[] Max, int[] Argmax, double[] Mean, int[] Count) Naive(Pool2DGeometry g, float[] x)
    {
        var max = new double[g.OutputLength];
        var argmax = new int[g.OutputLength];
        var mean = new double[g.OutputLength];
        var count = new int[g.OutputLength];
        Array.Fill(max, double.NegativeInfinity);
        ForEachWindow(g, (o, i) =>
        {
            if (x[i] > max[o])
            {
                max[o] = x[i];
                argmax[o] = i;
            }

            mean[o] += x[i];
            count[o]++;
        });
        for (int o = 0; o < mean.Length; o++)
            mean[o] /= count[o];
        return (max, argmax, mean, count);
    }

    // Calls action(output index, input index) for every real position of every window, in window order.
    private static void ForEachWindow(Pool2DGeometry g, Action<int, int> action)
    {
        for (int n = 0; n < g.Batch; n++)
        {
            for (int i = 0; i < g.OutputHeight; i++)
            {
                for (int j = 0; j < g.OutputWidth; j++)
                {
                    for (int c = 0; c < g.Channels; c++)
                    {
                        int o = (((n * g.OutputHeight) + i) * g.OutputWidth + j) * g.Channels + c;
                        for (int a = 0; a < g.PoolHeight; a++)
                        {
                            for (int b = 0; b < g.PoolWidth; b++)
                            {
                                int h = (i * g.StrideHeight) + a - g.PadTop, w = (j * g.StrideWidth) + b - g.PadLeft;
                                if (h >= 0 && h < g.InputHeight && w >= 0 && w < g.InputWidth)
                                    action(o, (((n * g.InputHeight) + h) * g.InputWidth + w) * g.Channels + c);
                            }
                        }
                    }
                }
            }
        }
    }
}
