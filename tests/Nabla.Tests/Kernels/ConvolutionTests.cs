using System.Collections.Concurrent;
using Nabla.Kernels;
using Nabla.Kernels.Parallel;

namespace Nabla.Tests.Kernels;

[Collection(KernelSettingsCollection.Name)]
public sealed class ConvolutionTests : IDisposable
{
    // (channels, filters, groups): one group with 1, 3 and 17 channels (and 33 filters, one more than an AVX-512
    // panel), two groups, and depthwise with depth multiplier 1 and 2.
    private static readonly (int C, int F, int G)[] Channels =
        [(1, 5, 1), (3, 33, 1), (17, 7, 1), (2, 4, 2), (6, 10, 2), (3, 3, 3), (17, 34, 17)];

    // Larger cases: several im2col blocks and weight-gradient slots, rows wider than a micro-kernel tile, a deep
    // window (small blocks), the W5 layers' shapes at small batches, and one-channel inputs with rows several tiles
    // wide (channel counts that leave partial panels, stride, dilation, padding).
    private static readonly ConvCase[] Larger =
    [
        new(3, 20, 19, 5, 40, 3, 3, true, 1, 1, 1),
        new(2, 9, 11, 8, 40, 1, 1, true, 1, 1, 1),
        new(2, 9, 8, 300, 20, 3, 3, true, 1, 1, 1),
        new(2, 6, 29, 3, 40, 3, 3, true, 1, 1, 1),
        new(1, 5, 29, 1, 32, 3, 3, true, 1, 1, 1),
        new(2, 28, 28, 1, 32, 3, 3, true, 1, 1, 1),
        new(2, 14, 14, 32, 64, 3, 3, true, 1, 1, 1),
        new(1, 14, 14, 32, 64, 3, 3, true, 1, 1, 1),
        new(1, 9, 30, 1, 21, 3, 3, true, 1, 1, 1),
        new(2, 9, 37, 1, 20, 3, 3, false, 2, 2, 1),
        new(1, 6, 40, 1, 9, 2, 4, true, 2, 1, 1),
        new(2, 11, 13, 8, 16, 3, 3, false, 2, 1, 8),
        new(1, 12, 12, 64, 64, 2, 2, true, 2, 1, 4),
    ];

    private static readonly ConcurrentDictionary<ConvCase, Expected> References = new();

    public ConvolutionTests() => KernelPaths.Reset();

    /// <summary>Every padding, stride (1, 2, 3), dilation (1, 2), kernel (3×3, 2×4) and channel layout on 7×5 images, batch 1 and 3, plus the larger cases.</summary>
    internal static IEnumerable<ConvCase> Cases()
    {
        int index = 0;
        foreach (bool same in new[] { false, true })
        {
            foreach (int stride in new[] { 1, 2, 3 })
            {
                foreach (int dilation in new[] { 1, 2 })
                {
                    foreach ((int kh, int kw) in new[] { (3, 3), (2, 4) })
                    {
                        foreach ((int c, int f, int g) in Channels)
                        {
                            var conv = new ConvCase(index++ % 2 == 0 ? 1 : 3, 7, 5, c, f, kh, kw, same, stride, dilation, g);
                            if (conv.Fits)
                                yield return conv;
                        }
                    }
                }
            }
        }

        foreach (ConvCase conv in Larger)
            yield return conv;
    }

    public static TheoryData<string, int, string> PathsThreadsAlgorithms()
    {
        var data = new TheoryData<string, int, string>();
        foreach (string path in KernelPaths.Supported)
        {
            foreach (int threads in KernelPaths.Threads)
            {
                foreach (string algorithm in Enum.GetNames<ConvolutionAlgorithm>())
                    data.Add(path, threads, algorithm);
            }
        }

        return data;
    }

    public void Dispose() => KernelPaths.Reset();

    [Fact]
    public void The_cases_cover_every_stride_dilation_padding_and_group_kind()
    {
        ConvCase[] cases = [.. Cases()];
        Assert.True(cases.Length > 150, $"{cases.Length} cases");
        foreach (int stride in new[] { 1, 2, 3 })
            Assert.Contains(cases, c => c.SH == stride);
        Assert.Contains(cases, c => c.Dilation == 2 && !c.Same);
        Assert.Contains(cases, c => c.Dilation == 2 && c.Same && c.Stride > 1);
        Assert.Contains(cases, c => c.Groups == 2);
        Assert.Contains(cases, c => c.Groups == c.C && c.Filters == 2 * c.C);
        Assert.Contains(cases, c => c.Batch == 1);
        Assert.Contains(cases, c => c.Batch == 3);
    }

    [Theory]
    [MemberData(nameof(PathsThreadsAlgorithms))]
    public void Forward_and_gradients_match_the_naive_reference(string path, int threads, string algorithm)
    {
        KernelPaths.Use(path, threads);
        Convolution.ForcedAlgorithm = Enum.Parse<ConvolutionAlgorithm>(algorithm);
        int index = 0;
        foreach (ConvCase c in Cases())
        {
            Conv2DGeometry g = Geometry(c);
            Expected e = References.GetOrAdd(c, Compute);
            bool withBias = index % 2 == 0, accumulate = index % 3 == 0;
            index++;
            string what = $"{c} ({path}, {threads} threads, {algorithm})";

            // Outputs start as NaN (every element must be written) with a NaN tail that must stay untouched.
            float[] y = ConvReference.Filled(c.OutputLength + 3, float.NaN);
            Convolution.Forward(g, e.X, e.W, withBias ? e.Bias : default, y);
            ConvReference.AssertClose(withBias ? e.YBias : e.Y, y, ConvReference.Atol(c.KH * c.KW * c.C / c.Groups), ConvReference.Rtol, $"forward {what}");
            AssertTail(y, c.OutputLength, what);

            float[] dx = accumulate ? StartWithTail(e.Start, c.InputLength) : ConvReference.Filled(c.InputLength + 3, float.NaN);
            Convolution.InputGradient(g, e.Dy, e.W, dx, accumulate);
            ConvReference.AssertClose(accumulate ? Add(e.Dx, e.Start) : e.Dx, dx, ConvReference.Atol(c.KH * c.KW * c.Filters), ConvReference.Rtol, $"input gradient {what}");
            AssertTail(dx, c.InputLength, what);

            float[] dw = accumulate ? StartWithTail(e.Start, c.KernelLength) : ConvReference.Filled(c.KernelLength + 3, float.NaN);
            Convolution.WeightGradient(g, e.X, e.Dy, dw, accumulate);
            ConvReference.AssertClose(accumulate ? Add(e.Dw, e.Start) : e.Dw, dw, ConvReference.Atol(c.OutputLength / c.Filters), ConvReference.Rtol, $"weight gradient {what}");
            AssertTail(dw, c.KernelLength, what);
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndThreads))]
    public void Bias_gradient_sums_the_output_gradient_over_pixels(string path, int threads)
    {
        KernelPaths.Use(path, threads);
        foreach ((int pixels, int channels) in new[] { (0, 3), (1, 1), (7, 17), (513, 5), (3000, 33), (25088, 32) })
        {
            float[] dy = ConvReference.Random(pixels * channels, pixels + channels);
            var expected = new double[channels];
            for (int p = 0; p < pixels; p++)
            {
                for (int ch = 0; ch < channels; ch++)
                    expected[ch] += dy[(p * channels) + ch];
            }

            float[] db = ConvReference.Filled(channels + 1, float.NaN);
            Convolution.BiasGradient(dy, pixels, channels, db);
            ConvReference.AssertClose(expected, db, ConvReference.Atol(pixels), ConvReference.Rtol, $"bias gradient {pixels}×{channels}");
            Assert.True(float.IsNaN(db[channels]));

            float[] start = ConvReference.Random(channels, 5);
            float[] acc = (float[])start.Clone();
            Convolution.BiasGradient(dy, pixels, channels, acc, accumulate: true);
            ConvReference.AssertClose([.. expected.Select((v, i) => v + start[i])], acc, ConvReference.Atol(pixels), ConvReference.Rtol, $"accumulated bias gradient {pixels}×{channels}");
        }
    }

    public static TheoryData<string, int> PathsAndThreads()
    {
        var data = new TheoryData<string, int>();
        foreach (string path in KernelPaths.Supported)
        {
            foreach (int threads in KernelPaths.Threads)
                data.Add(path, threads);
        }

        return data;
    }

    // The dot-product test: for the bilinear map y = conv(x, w), ⟨y, g⟩ = ⟨x, dx(g)⟩ = ⟨w, dw(x, g)⟩, each side from
    // the kernels alone.
    [Theory]
    [InlineData("Im2Col")]
    [InlineData("Auto")]
    [InlineData("Depthwise")]
    public void Gradients_are_the_adjoints_of_the_forward_pass(string algorithm)
    {
        Convolution.ForcedAlgorithm = Enum.Parse<ConvolutionAlgorithm>(algorithm);
        int seed = 0;
        foreach (ConvCase c in Cases())
        {
            Conv2DGeometry g = Geometry(c);
            float[] x = ConvReference.Random(c.InputLength, ++seed), w = ConvReference.Random(c.KernelLength, ++seed);
            float[] gy = ConvReference.Random(c.OutputLength, ++seed);
            var y = new float[c.OutputLength];
            var dx = new float[c.InputLength];
            var dw = new float[c.KernelLength];
            Convolution.Forward(g, x, w, default, y);
            Convolution.InputGradient(g, gy, w, dx);
            Convolution.WeightGradient(g, x, gy, dw);
            double lhs = ConvReference.Dot(y, gy), byX = ConvReference.Dot(x, dx), byW = ConvReference.Dot(w, dw);
            double scale = Math.Sqrt(c.OutputLength * c.KH * c.KW * c.C) * 1e-5;
            Assert.True(Math.Abs(lhs - byX) <= scale + (1e-5 * Math.Abs(lhs)), $"{c}: ⟨conv(x), g⟩ = {lhs}, ⟨x, dx⟩ = {byX}");
            Assert.True(Math.Abs(lhs - byW) <= scale + (1e-5 * Math.Abs(lhs)), $"{c}: ⟨conv(x), g⟩ = {lhs}, ⟨w, dw⟩ = {byW}");
        }
    }

    // Central differences of L = Σ conv(x, w)·R through the forward kernel, against the gradient kernels.
    [Theory]
    [InlineData(false, 1, 1, 1)]
    [InlineData(true, 2, 1, 1)]
    [InlineData(true, 1, 2, 2)]
    [InlineData(false, 2, 1, 3)]
    public void Gradients_match_finite_differences(bool same, int stride, int dilation, int groups)
    {
        var c = new ConvCase(2, 5, 4, groups == 2 ? 6 : 3, 2 * groups, 3, 2, same, stride, dilation, groups);
        Conv2DGeometry g = Geometry(c);
        float[] x = ConvReference.Random(c.InputLength, 1), w = ConvReference.Random(c.KernelLength, 2), r = ConvReference.Random(c.OutputLength, 3);
        var dx = new float[c.InputLength];
        var dw = new float[c.KernelLength];
        Convolution.InputGradient(g, r, w, dx);
        Convolution.WeightGradient(g, x, r, dw);
        double Loss()
        {
            var y = new float[c.OutputLength];
            Convolution.Forward(g, x, w, default, y);
            return ConvReference.Dot(y, r);
        }

        CheckFiniteDifferences(x, dx, Loss, c.ToString() + " dx");
        CheckFiniteDifferences(w, dw, Loss, c.ToString() + " dw");
    }

    // Pieces are fixed by the shapes, so one thread and all threads give the same bits, for every algorithm.
    [Theory]
    [InlineData("Im2Col")]
    [InlineData("Direct")]
    [InlineData("Depthwise")]
    [InlineData("SingleChannel")]
    [InlineData("WindowRows")]
    public void Results_do_not_depend_on_the_thread_count(string algorithm)
    {
        if (ParallelRunner.WorkerCount == 0)
            return;
        foreach (ConvCase c in Larger.Append(new ConvCase(3, 14, 14, 16, 16, 3, 3, true, 1, 1, 16)))
        {
            Conv2DGeometry g = Geometry(c);
            float[] x = ConvReference.Random(c.InputLength, 1), w = ConvReference.Random(c.KernelLength, 2), dy = ConvReference.Random(c.OutputLength, 3);
            float[] b = ConvReference.Random(c.Filters, 4);
            (float[] Y, float[] Dx, float[] Dw) Run(int threads)
            {
                KernelPaths.Use(nameof(GemmPath.Auto), threads);
                Convolution.ForcedAlgorithm = Enum.Parse<ConvolutionAlgorithm>(algorithm);
                float[] y = new float[c.OutputLength], dx = new float[c.InputLength], dw = new float[c.KernelLength];
                long before = ParallelRunner.BatchCount;
                Convolution.Forward(g, x, w, b, y);
                Convolution.InputGradient(g, dy, w, dx);
                Convolution.WeightGradient(g, x, dy, dw);
                Assert.Equal(threads > 1, ParallelRunner.BatchCount > before);
                return (y, dx, dw);
            }

            var serial = Run(1);
            var parallel = Run(Environment.ProcessorCount);
            Assert.True(serial.Y.AsSpan().SequenceEqual(parallel.Y), $"{c}: forward differs");
            Assert.True(serial.Dx.AsSpan().SequenceEqual(parallel.Dx), $"{c}: input gradient differs");
            Assert.True(serial.Dw.AsSpan().SequenceEqual(parallel.Dw), $"{c}: weight gradient differs");
        }
    }

    // One image still cuts its forward pass into pixel blocks for the threads to share (a batch-1 Predict of the W5
    // CNN's second layer: 196 pixels in blocks of 24), while a batch keeps the blocks sized for L2.
    [Fact]
    public void One_image_cuts_its_forward_pass_into_blocks_for_the_threads()
    {
        Conv2DGeometry one = Conv2DGeometry.Create(1, 14, 14, 32, 64, 3, 3, PaddingMode.Same);
        Conv2DGeometry batch = Conv2DGeometry.Create(32, 14, 14, 32, 64, 3, 3, PaddingMode.Same);
        Conv2DGeometry tiny = Conv2DGeometry.Create(1, 3, 3, 32, 8, 3, 3, PaddingMode.Same);
        Assert.Equal(24, Convolution.ForwardBlockPixels(one));
        Assert.Equal(216, Convolution.ForwardBlockPixels(batch));
        Assert.Equal(9, Convolution.ForwardBlockPixels(tiny));
    }

    // The W5 layers at batch 32 with the default settings: direct first layer, im2col second, every pass threaded.
    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    public void Warm_calls_do_not_allocate(int threads)
    {
        int t = threads == 0 ? Environment.ProcessorCount : threads;
        Gemm.MaxThreads = t;
        SpatialThreads.MaxThreads = t;
        Conv2DGeometry first = Conv2DGeometry.Create(32, 28, 28, 1, 32, 3, 3, PaddingMode.Same);
        Conv2DGeometry second = Conv2DGeometry.Create(32, 14, 14, 32, 64, 3, 3, PaddingMode.Same);
        Conv2DGeometry depthwise = Conv2DGeometry.Create(4, 14, 14, 32, 32, 3, 3, PaddingMode.Same, groups: 32);
        float[] x1 = new float[first.InputLength], w1 = new float[first.KernelLength], y1 = new float[first.OutputLength], dw1 = new float[first.KernelLength];
        float[] x2 = new float[second.InputLength], w2 = new float[second.KernelLength], y2 = new float[second.OutputLength];
        float[] dx2 = new float[second.InputLength], dw2 = new float[second.KernelLength], b = new float[64], db = new float[64];
        float[] x3 = new float[depthwise.InputLength], w3 = new float[depthwise.KernelLength], y3 = new float[depthwise.OutputLength], dw3 = new float[depthwise.KernelLength];
        AllocationAssert.DoesNotAllocate(() =>
        {
            Convolution.Forward(first, x1, w1, b.AsSpan(0, 32), y1);
            Convolution.WeightGradient(first, x1, y1, dw1);
            Convolution.Forward(second, x2, w2, b, y2);
            Convolution.InputGradient(second, y2, w2, dx2);
            Convolution.WeightGradient(second, x2, y2, dw2);
            Convolution.BiasGradient(y2, second.OutputPixels, 64, db);
            Convolution.Forward(depthwise, x3, w3, default, y3);
            Convolution.InputGradient(depthwise, y3, w3, x3);
            Convolution.WeightGradient(depthwise, x3, y3, dw3);
        });
    }

    // An empty batch computes nothing, and a weight gradient over no pixels is zero (or left as it was).
    [Fact]
    public void An_empty_batch_is_a_no_op()
    {
        Conv2DGeometry g = Conv2DGeometry.Create(0, 5, 5, 3, 4, 3, 3, PaddingMode.Same);
        Assert.Equal((0, 0, 108), (g.InputLength, g.OutputLength, g.KernelLength));
        float[] w = ConvReference.Random(g.KernelLength, 1), dw = [.. w];
        Convolution.Forward(g, [], w, default, []);
        Convolution.InputGradient(g, [], w, []);
        Convolution.WeightGradient(g, [], [], dw, accumulate: true);
        Assert.Equal(w, dw);
        Convolution.WeightGradient(g, [], [], dw);
        Assert.All(dw, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Thread_settings_reject_invalid_values()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SpatialThreads.MaxThreads = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => SpatialThreads.MinFlopsPerThread = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => SpatialThreads.MinElementsPerThread = -1);
    }

    [Fact]
    public void Bad_arguments_throw_naming_the_span()
    {
        Conv2DGeometry g = Conv2DGeometry.Create(2, 5, 5, 3, 4, 3, 3, PaddingMode.Same);
        float[] x = new float[g.InputLength], w = new float[g.KernelLength], y = new float[g.OutputLength], shared = new float[g.InputLength + g.OutputLength];
        AssertThrows(() => Convolution.Forward(g, x.AsSpan(1), w, default, y), "'x' is too short: it needs 150");
        AssertThrows(() => Convolution.Forward(g, x, w.AsSpan(1), default, y), "'w' is too short: it needs 108");
        AssertThrows(() => Convolution.Forward(g, x, w, new float[3], y), "'bias' is too short: it needs 4");
        AssertThrows(() => Convolution.Forward(g, x, w, default, y.AsSpan(1)), "'y' is too short: it needs 200");
        AssertThrows(() => Convolution.Forward(g, shared, w, default, shared.AsSpan(10)), "'y' overlaps source span 'x'");
        AssertThrows(() => Convolution.InputGradient(g, y, w, x.AsSpan(1)), "'dx' is too short");
        AssertThrows(() => Convolution.InputGradient(g, shared.AsSpan(0, g.OutputLength), w, shared.AsSpan(5)), "'dx' overlaps source span 'dy'");
        AssertThrows(() => Convolution.WeightGradient(g, x, y, w.AsSpan(1)), "'dw' is too short");
        AssertThrows(() => Convolution.WeightGradient(g, x, y, x), "'dw' overlaps source span 'x'");
        AssertThrows(() => Convolution.BiasGradient(y, 50, 4, new float[3]), "'dbias' is too short");
        AssertThrows(() => Convolution.Forward(default, x, w, default, y), "uninitialised");
    }

    private static void AssertThrows(Action act, string fragment)
    {
        var e = Assert.ThrowsAny<ArgumentException>(act);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    internal static Conv2DGeometry Geometry(ConvCase c)
    {
        Conv2DGeometry g = Conv2DGeometry.Create(c.Batch, c.H, c.W, c.C, c.Filters, c.KH, c.KW, c.Same ? PaddingMode.Same : PaddingMode.Valid,
            c.SH, c.SW, c.DH, c.DW, c.Groups);
        Assert.Equal((c.RowsOut.Out, c.ColsOut.Out, c.RowsOut.Before, c.ColsOut.Before), (g.OutputHeight, g.OutputWidth, g.PadTop, g.PadLeft));
        return g;
    }

    internal static void CheckFiniteDifferences(float[] parameter, float[] gradient, Func<double> loss, string what)
    {
        for (int i = 0; i < parameter.Length; i++)
        {
            float saved = parameter[i];
            const float h = 1e-2f;
            parameter[i] = saved + h;
            double plus = loss();
            parameter[i] = saved - h;
            double minus = loss();
            parameter[i] = saved;
            double numeric = (plus - minus) / (2.0 * h);
            Assert.True(Math.Abs(numeric - gradient[i]) <= 1e-3 + (1e-2 * Math.Abs(numeric)), $"{what}[{i}]: analytic {gradient[i]}, numeric {numeric}");
        }
    }

    // The first 'length' start values followed by three NaN.
    private static float[] StartWithTail(float[] start, int length)
    {
        float[] data = start[..(length + 3)];
        data.AsSpan(length).Fill(float.NaN);
        return data;
    }

    private static double[] Add(double[] a, float[] b) => [.. a.Select((v, i) => v + b[i])];

    private static void AssertTail(float[] data, int length, string what)
    {
        for (int i = length; i < data.Length; i++)
            Assert.True(float.IsNaN(data[i]), $"{what}: element {i} past the end was written ({data[i]}).");
    }

    private static Expected Compute(ConvCase c)
    {
        int seed = c.GetHashCode();
        float[] x = ConvReference.Random(c.InputLength, seed), w = ConvReference.Random(c.KernelLength, seed + 1);
        float[] bias = ConvReference.Random(c.Filters, seed + 2), dy = ConvReference.Random(c.OutputLength, seed + 3);
        float[] start = ConvReference.Random(Math.Max(c.InputLength, c.KernelLength) + 3, seed + 4);
        return new Expected(x, w, bias, dy, start, ConvReference.Forward(c, x, w, null), ConvReference.Forward(c, x, w, bias),
            ConvReference.InputGradient(c, dy, w), ConvReference.WeightGradient(c, x, dy));
    }

    private sealed record Expected(float[] X, float[] W, float[] Bias, float[] Dy, float[] Start, double[] Y, double[] YBias, double[] Dx, double[] Dw);
}
