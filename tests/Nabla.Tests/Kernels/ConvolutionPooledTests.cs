using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary>
/// The convolution's input and weight gradients taken straight from a max pooling's gradient and argmax, against the
/// naive gradients of the output gradient the pooling's backward pass would scatter.
/// </summary>
[Collection(KernelSettingsCollection.Name)]
public sealed class ConvolutionPooledTests : IDisposable
{
    public ConvolutionPooledTests() => KernelPaths.Reset();

    public void Dispose() => KernelPaths.Reset();

    // (case, pool height, pool width): W5's second layer; a valid convolution whose odd output width leaves a column
    // out of the pooling; a 2 × 4 kernel ("same": one more pad on one side) under 2 × 4 windows (the largest, eight
    // places); a 5 × 5 kernel (kernel rows of 5 vectors: runs of 4 and 1) under 4 × 2 windows; 48 channels (rows of 18
    // vectors: 12, 4, 1, 1) with 24 filters; a 1 × 1 convolution; and the weight gradient alone of convolutions with
    // few input channels (a whole kernel in registers): W5's first layer, two channels under a 2 × 2 kernel, one
    // under a 2 × 4 kernel ("same": more padding on one side), three under a 2 × 2 kernel (12 elements), and 16 images
    // of one channel under a 2 × 2 kernel (4 elements: fewer than the accumulators, in slots of two images).
    private static readonly (ConvCase Conv, int PoolHeight, int PoolWidth)[] Cases =
    [
        (new ConvCase(3, 14, 14, 32, 64, 3, 3, true, 1, 1, 1), 2, 2),
        (new ConvCase(2, 10, 11, 8, 16, 3, 3, false, 1, 1, 1), 2, 2),
        (new ConvCase(2, 6, 8, 16, 24, 2, 4, true, 1, 1, 1), 2, 4),
        (new ConvCase(1, 8, 8, 8, 8, 5, 5, true, 1, 1, 1), 4, 2),
        (new ConvCase(2, 6, 6, 48, 24, 3, 3, true, 1, 1, 1), 2, 2),
        (new ConvCase(1, 4, 6, 8, 8, 1, 1, true, 1, 1, 1), 2, 2),
        (new ConvCase(3, 28, 28, 1, 32, 3, 3, true, 1, 1, 1), 2, 2),
        (new ConvCase(2, 9, 8, 2, 16, 2, 2, false, 1, 1, 1), 2, 2),
        (new ConvCase(2, 6, 8, 1, 8, 2, 4, true, 1, 1, 1), 2, 4),
        (new ConvCase(1, 8, 8, 3, 24, 2, 2, true, 1, 1, 1), 2, 2),
        (new ConvCase(16, 4, 4, 1, 8, 2, 2, true, 1, 1, 1), 2, 2),
    ];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    public void Gradients_match_the_naive_gradients_of_the_scattered_output_gradient(int index)
    {
        (ConvCase c, int ph, int pw) = Cases[index];
        foreach (string path in KernelPaths.Supported)
        {
            foreach (int threads in KernelPaths.Threads)
            {
                KernelPaths.Use(path, threads);
                (Conv2DGeometry g, Pool2DGeometry pool) = Geometries(c, ph, pw);
                if (path == nameof(GemmPath.Scalar))
                {
                    Assert.False(Convolution.PooledWeightGradientApplies(in g, in pool), "the scalar path has no pooled gradients");
                    continue;
                }

                bool input = c.C % 8 == 0;
                Assert.Equal(input, Convolution.PooledInputGradientApplies(in g, in pool));
                Assert.True(Convolution.PooledWeightGradientApplies(in g, in pool), $"{c} pooled {ph}x{pw}");
                float[] x = ConvReference.Random(c.InputLength, 1), w = ConvReference.Random(c.KernelLength, 2), gz = ConvReference.Random(pool.OutputLength, 3);
                int[] argmax = RandomArgmax(in g, in pool, seed: 4);
                float[] dz = Scatter(c.OutputLength, gz, argmax);
                string what = $"{c} pooled {ph}x{pw} ({path}, {threads} threads)";

                float[] dx = ConvReference.Filled(c.InputLength + 3, float.NaN), dw = ConvReference.Filled(c.KernelLength + 3, float.NaN);
                if (input)
                {
                    Convolution.PooledInputGradient(in g, in pool, gz, argmax, w, dx);
                    ConvReference.AssertClose(ConvReference.InputGradient(c, dz, w), dx, ConvReference.Atol(c.KH * c.KW * c.Filters), ConvReference.Rtol, $"input gradient {what}");
                    Assert.All(dx[^3..], v => Assert.True(float.IsNaN(v), $"{what}: dx written past its end"));
                }
                else
                {
                    var e = Assert.Throws<ArgumentException>(() => Convolution.PooledInputGradient(in g, in pool, gz, argmax, w, dx));
                    Assert.Contains("The pooled input gradient does not apply to", e.Message);
                }

                Convolution.PooledWeightGradient(in g, in pool, x, gz, argmax, dw);
                ConvReference.AssertClose(ConvReference.WeightGradient(c, x, dz), dw, ConvReference.Atol(c.OutputLength / c.Filters), ConvReference.Rtol, $"weight gradient {what}");
                Assert.All(dw[^3..], v => Assert.True(float.IsNaN(v), $"{what}: dw written past its end"));
            }
        }
    }

    // The images are dealt to threads, the weight gradient's slots fixed by the shapes: the same bits on any count.
    [Fact]
    public void The_bits_do_not_depend_on_the_threads()
    {
        if (!Gemm.IsSupported(GemmPath.Avx2))
            return;
        var c = new ConvCase(9, 14, 14, 32, 64, 3, 3, true, 1, 1, 1);
        float[]? firstDx = null, firstDw = null;
        foreach (int threads in new[] { 1, 2, 3, 8 })
        {
            KernelPaths.Use(nameof(GemmPath.Avx2), threads);
            (Conv2DGeometry g, Pool2DGeometry pool) = Geometries(c, 2, 2);
            float[] x = ConvReference.Random(c.InputLength, 5), w = ConvReference.Random(c.KernelLength, 6), gz = ConvReference.Random(pool.OutputLength, 7);
            int[] argmax = RandomArgmax(in g, in pool, seed: 8);
            float[] dx = new float[c.InputLength], dw = new float[c.KernelLength];
            Convolution.PooledInputGradient(in g, in pool, gz, argmax, w, dx);
            Convolution.PooledWeightGradient(in g, in pool, x, gz, argmax, dw);
            firstDx ??= dx;
            firstDw ??= dw;
            Assert.Equal(firstDx, dx);
            Assert.Equal(firstDw, dw);
        }

        var first = new ConvCase(9, 28, 28, 1, 32, 3, 3, true, 1, 1, 1);
        float[]? firstLayer = null;
        foreach (int threads in new[] { 1, 2, 3, 8 })
        {
            KernelPaths.Use(nameof(GemmPath.Avx2), threads);
            (Conv2DGeometry g, Pool2DGeometry pool) = Geometries(first, 2, 2);
            float[] x = ConvReference.Random(first.InputLength, 5), gz = ConvReference.Random(pool.OutputLength, 7);
            float[] dw = new float[first.KernelLength];
            Convolution.PooledWeightGradient(in g, in pool, x, gz, RandomArgmax(in g, in pool, seed: 8), dw);
            firstLayer ??= dw;
            Assert.Equal(firstLayer, dw);
        }
    }

    // An index the pooling could not have recorded (another window's output, another channel's, or past the image) is
    // named, not followed.
    [Theory]
    [InlineData(0, 2)]
    [InlineData(1, 1)]
    [InlineData(2, -1)]
    [InlineData(3, 1_000_000)]
    public void An_argmax_outside_its_window_is_refused(int victim, int shift)
    {
        if (!Gemm.IsSupported(GemmPath.Avx2))
            return;
        var c = new ConvCase(2, 8, 8, 8, 16, 3, 3, true, 1, 1, 1);
        (Conv2DGeometry g, Pool2DGeometry pool) = Geometries(c, 2, 2);
        float[] x = ConvReference.Random(c.InputLength, 9), w = ConvReference.Random(c.KernelLength, 10), gz = ConvReference.Random(pool.OutputLength, 11);
        int[] argmax = RandomArgmax(in g, in pool, seed: 12);
        int at = (victim * 37) + 5;
        argmax[at] += shift * (victim == 0 ? g.OutputWidth * g.OutputChannels : 1);
        var dx = new float[c.InputLength];
        var dw = new float[c.KernelLength];
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Convolution.PooledInputGradient(in g, in pool, gz, argmax, w, dx));
        Assert.Contains($"Argmax index {argmax[at]} of image", e.Message);
        Assert.Contains($"channel {at % c.Filters} lies outside", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => Convolution.PooledWeightGradient(in g, in pool, x, gz, argmax, dw));
        Assert.Contains($"Argmax index {argmax[at]} of image", e.Message);
    }

    // Strides, dilation, groups, channel counts off the vector width, windows of fewer than four or more than eight
    // outputs, and overlapping windows keep the dense passes; asked of the pooled ones, they say why not.
    [Fact]
    public void Geometries_the_pooled_gradients_cannot_take_are_refused()
    {
        if (!Gemm.IsSupported(GemmPath.Avx2))
            return;
        KernelPaths.Use(nameof(GemmPath.Avx2), 1);
        var refused = new (Conv2DGeometry G, Pool2DGeometry Pool)[]
        {
            (Conv2DGeometry.Create(1, 8, 8, 8, 8, 3, 3, PaddingMode.Same, 2, 2), Pool2DGeometry.Create(1, 4, 4, 8, 2, 2, 2, 2, PaddingMode.Valid)),
            (Conv2DGeometry.Create(1, 8, 8, 8, 8, 3, 3, PaddingMode.Same, 1, 1, 2, 2), Pool2DGeometry.Create(1, 8, 8, 8, 2, 2, 2, 2, PaddingMode.Valid)),
            (Conv2DGeometry.Create(1, 8, 8, 16, 16, 3, 3, PaddingMode.Same, groups: 2), Pool2DGeometry.Create(1, 8, 8, 16, 2, 2, 2, 2, PaddingMode.Valid)),
            (Conv2DGeometry.Create(1, 8, 8, 12, 8, 3, 3, PaddingMode.Same), Pool2DGeometry.Create(1, 8, 8, 8, 2, 2, 2, 2, PaddingMode.Valid)),
            (Conv2DGeometry.Create(1, 8, 8, 8, 12, 3, 3, PaddingMode.Same), Pool2DGeometry.Create(1, 8, 8, 12, 2, 2, 2, 2, PaddingMode.Valid)),
            (Conv2DGeometry.Create(1, 8, 8, 8, 8, 3, 3, PaddingMode.Same), Pool2DGeometry.Create(1, 8, 8, 8, 1, 2, 1, 2, PaddingMode.Valid)),
            (Conv2DGeometry.Create(1, 9, 9, 8, 8, 3, 3, PaddingMode.Same), Pool2DGeometry.Create(1, 9, 9, 8, 3, 3, 3, 3, PaddingMode.Valid)),
            (Conv2DGeometry.Create(1, 8, 8, 8, 8, 3, 3, PaddingMode.Same), Pool2DGeometry.Create(1, 8, 8, 8, 3, 3, 2, 2, PaddingMode.Valid)),
        };
        foreach ((Conv2DGeometry g, Pool2DGeometry pool) in refused)
        {
            Assert.False(Convolution.PooledInputGradientApplies(in g, in pool), $"{g} pooled by {pool}");
            Assert.False(Convolution.PooledWeightGradientApplies(in g, in pool), $"{g} pooled by {pool}");
            var e = Assert.Throws<ArgumentException>(() => Convolution.PooledInputGradient(in g, in pool, new float[pool.OutputLength],
                new int[pool.OutputLength], new float[g.KernelLength], new float[g.InputLength]));
            Assert.Contains("The pooled input gradient does not apply to", e.Message);
            e = Assert.Throws<ArgumentException>(() => Convolution.PooledWeightGradient(in g, in pool, new float[g.InputLength], new float[pool.OutputLength],
                new int[pool.OutputLength], new float[g.KernelLength]));
            Assert.Contains("The pooled weight gradient does not apply to", e.Message);
        }
    }

    private static (Conv2DGeometry G, Pool2DGeometry Pool) Geometries(ConvCase c, int ph, int pw)
    {
        Conv2DGeometry g = Conv2DGeometry.Create(c.Batch, c.H, c.W, c.C, c.Filters, c.KH, c.KW, c.Same ? PaddingMode.Same : PaddingMode.Valid);
        return (g, Pool2DGeometry.Create(c.Batch, g.OutputHeight, g.OutputWidth, c.Filters, ph, pw, ph, pw, PaddingMode.Valid));
    }

    // Each window's channel at a random place of the window, as a flat index into the convolution's output.
    private static int[] RandomArgmax(in Conv2DGeometry g, in Pool2DGeometry pool, int seed)
    {
        var random = new System.Random(seed);
        int[] argmax = new int[pool.OutputLength];
        int i = 0;
        for (int n = 0; n < pool.Batch; n++)
        {
            for (int ph = 0; ph < pool.OutputHeight; ph++)
            {
                for (int pw = 0; pw < pool.OutputWidth; pw++)
                {
                    for (int co = 0; co < pool.Channels; co++)
                    {
                        int oh = (ph * pool.PoolHeight) + random.Next(pool.PoolHeight), ow = (pw * pool.PoolWidth) + random.Next(pool.PoolWidth);
                        argmax[i++] = ((((n * g.OutputHeight) + oh) * g.OutputWidth) + ow) * g.OutputChannels + co;
                    }
                }
            }
        }

        return argmax;
    }

    private static float[] Scatter(int length, float[] gz, int[] argmax)
    {
        var dz = new float[length];
        for (int i = 0; i < gz.Length; i++)
            dz[argmax[i]] = gz[i];
        return dz;
    }
}
