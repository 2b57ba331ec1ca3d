using Nabla.Autodiff;
using Nabla.Kernels;
using Nabla.Tests.Kernels;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

/// <summary>A convolution and the max pooling after it as one recorded op (<see cref="Ops.Conv2DMaxPool"/>), against the two ops apart.</summary>
[Collection(KernelSettingsCollection.Name)]
public sealed class Conv2DMaxPoolTests : IDisposable
{
    public Conv2DMaxPoolTests() => KernelPaths.Reset();

    public void Dispose() => KernelPaths.Reset();

    // (batch, h, w, c, filters, same, stride, pool height, pool width, pool padding): W5's two layers (the
    // single-channel kernel and, where the path has it, the window kernel), a valid convolution whose odd output width
    // leaves a column out of a valid pooling and cuts the last window of a "same" one short (not fused), the first
    // layer under "same" pooling of an even width (whole windows, fused), a 3 × 3 pool, a 2 × 4 pool, a strided
    // convolution, and 8 channels under 2 × 4 windows.
    public static IEnumerable<object[]> Cases()
    {
        foreach (string activation in new[] { "relu", "linear" })
        {
            yield return [3, 28, 28, 1, 32, true, 1, 2, 2, false, activation];
            yield return [2, 14, 14, 32, 64, true, 1, 2, 2, false, activation];
            yield return [2, 12, 9, 5, 20, false, 1, 2, 2, false, activation];
            yield return [2, 12, 9, 5, 20, false, 1, 2, 2, true, activation];
            yield return [2, 12, 9, 1, 8, false, 1, 2, 2, true, activation];
            yield return [3, 28, 28, 1, 32, true, 1, 2, 2, true, activation];
            yield return [2, 9, 9, 8, 16, true, 1, 3, 3, false, activation];
            yield return [3, 6, 8, 1, 8, true, 1, 2, 4, false, activation];
            yield return [2, 16, 16, 6, 16, true, 2, 2, 2, false, activation];
            yield return [2, 8, 8, 8, 16, true, 1, 2, 4, false, activation];
        }
    }

    // Under a tape the fused op gives the same pooled values, bit for bit, as Conv2D then MaxPool2D, and the same
    // gradients: bit for bit where it rebuilds the convolution's output gradient from the pooled values and the argmax
    // (the one the pooling's scatter and the activation's derivative give) and sums the bias gradient as they do; to
    // rounding where it takes them from the pooled gradient directly (Convolution.PooledInputGradientApplies: W5's second
    // layer and the 2 × 4 pool of 8 channels, on the AVX2 path, whose window kernel streams them fused). A pooling
    // whose windows are not all whole (a "same" pooling of an odd width) is not fused, with or without a tape.
    [Theory]
    [MemberData(nameof(Cases))]
    public void Recorded_fused_op_equals_the_convolution_then_the_pooling(int n, int h, int w, int c, int f, bool same, int stride, int ph, int pw,
        bool samePool, string activation)
    {
        foreach (string path in KernelPaths.Supported)
        {
            foreach (int threads in KernelPaths.Threads)
            {
                KernelPaths.Use(path, threads);
                CheckAgainstTheOpsApart(n, h, w, c, f, same, stride, ph, pw, samePool, activation);
            }
        }
    }

    private static void CheckAgainstTheOpsApart(int n, int h, int w, int c, int f, bool same, int stride, int ph, int pw, bool samePool, string activation)
    {
        Conv2DGeometry g = Conv2DGeometry.Create(n, h, w, c, f, 3, 3, same ? PaddingMode.Same : PaddingMode.Valid, stride, stride);
        var pool = Pool2DGeometry.Create(n, g.OutputHeight, g.OutputWidth, f, ph, pw, ph, pw, samePool ? PaddingMode.Same : PaddingMode.Valid);
        ActivationDescriptor a = ActivationTable.Parse(activation);
        Tensor x = TestData.Uniform([n, h, w, c], seed: 1), kernel = TestData.Uniform([3, 3, c, f], seed: 2), bias = TestData.Uniform([f], seed: 3);
        Tensor r = TestData.Uniform([n, pool.OutputHeight, pool.OutputWidth, f], seed: 4);

        if (!Pooling.CanPoolBlocks(in pool))
        {
            Assert.True(samePool && g.OutputWidth % pw != 0, $"{pool} takes blocks");
            Assert.Null(Ops.Conv2DMaxPool(x, kernel, bias, in g, a, in pool));
            using var tape = new GradientTape();
            tape.Watch(x);
            Assert.Null(Ops.Conv2DMaxPool(x, kernel, bias, in g, a, in pool));
            return;
        }

        if (!Convolution.CanStreamForward(in g, ph))
        {
            // Not fused: only where the path has no window kernel to stream a multi-channel convolution.
            Assert.NotEqual(1, c);
            using var tape = new GradientTape();
            tape.Watch(x);
            Assert.Null(Ops.Conv2DMaxPool(x, kernel, bias, in g, a, in pool));
            return;
        }

        (Tensor apart, Tensor[] gApart) = Gradients.Of(() => Ops.MaxPool2D(Ops.Conv2D(x, kernel, bias, in g, a), in pool), r, x, kernel, bias);
        (Tensor fused, Tensor[] gFused) = Gradients.Of(() => Ops.Conv2DMaxPool(x, kernel, bias, in g, a, in pool)!, r, x, kernel, bias);

        Assert.Equal(apart.ToArray(), fused.ToArray());
        if (Convolution.PooledInputGradientApplies(in g, in pool))
        {
            // Summed from the pooled gradient (see Convolution.PooledInputGradientApplies): the same gradients to rounding.
            string what = $"{g} pooled {ph}x{pw}, {activation}";
            AssertClose(gApart[0], gFused[0], $"dx of {what}");
            AssertClose(gApart[1], gFused[1], $"dkernel of {what}");
            AssertClose(gApart[2], gFused[2], $"dbias of {what}");
        }
        else
        {
            Assert.Equal(gApart[0].ToArray(), gFused[0].ToArray());
            Assert.Equal(gApart[1].ToArray(), gFused[1].ToArray());
            Assert.Equal(gApart[2].ToArray(), gFused[2].ToArray());
        }

        Assert.Contains(gFused[0].ToArray(), v => v != 0);
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        float[] e = expected.ToArray(), a = actual.ToArray();
        double scale = e.Max(v => Math.Abs(v));
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= 1e-5 * scale, $"{what}: element {i} is {a[i]:R}, the ops apart give {e[i]:R}");
    }

    // What the tape tracks decides what the fused op's backward pass computes: with no bias and only the input watched,
    // and the op applied twice to one input (so the tape adds the two gradients), the input's gradient is the ops'
    // apart, bit for bit.
    [Fact]
    public void Only_watched_inputs_get_gradients_and_two_uses_add_up()
    {
        Conv2DGeometry g = Conv2DGeometry.Create(2, 8, 8, 1, 8, 3, 3, PaddingMode.Same);
        var pool = Pool2DGeometry.Create(2, 8, 8, 8, 2, 2, 2, 2, PaddingMode.Valid);
        Tensor x = TestData.Uniform([2, 8, 8, 1], seed: 14), kernel = TestData.Uniform([3, 3, 1, 8], seed: 15);
        Tensor r = TestData.Uniform([2, 4, 4, 8], seed: 16);
        (_, Tensor[] apart) = Gradients.Of(() =>
        {
            Tensor a = Ops.MaxPool2D(Ops.Conv2D(x, kernel, null, in g, ActivationTable.Relu), in pool);
            Tensor b = Ops.MaxPool2D(Ops.Conv2D(x, kernel, null, in g, ActivationTable.Relu), in pool);
            return a + (b * 2f);
        }, r, x);
        (_, Tensor[] fused) = Gradients.Of(() =>
        {
            Tensor a = Ops.Conv2DMaxPool(x, kernel, null, in g, ActivationTable.Relu, in pool)!;
            Tensor b = Ops.Conv2DMaxPool(x, kernel, null, in g, ActivationTable.Relu, in pool)!;
            return a + (b * 2f);
        }, r, x);
        Assert.Equal(apart[0].ToArray(), fused[0].ToArray());
        Assert.Contains(fused[0].ToArray(), v => v != 0);
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("linear")]
    public void Gradients_match_finite_differences(string activation)
    {
        ActivationDescriptor a = ActivationTable.Parse(activation);
        foreach ((int c, int f) in new[] { (1, 4), (8, 16) })
        {
            Conv2DGeometry g = Conv2DGeometry.Create(2, 6, 7, c, f, 3, 3, PaddingMode.Same);
            var pool = Pool2DGeometry.Create(2, 6, 7, f, 2, 2, 2, 2, PaddingMode.Valid);
            Tensor x = TestData.Uniform([2, 6, 7, c], seed: 11), kernel = TestData.Uniform([3, 3, c, f], seed: 12), bias = TestData.Uniform([f], seed: 13);
            if (Ops.Conv2DMaxPool(x, kernel, bias, in g, a, in pool) is null)
            {
                Assert.False(c == 1 || Convolution.CanStreamForward(in g, 2), "the single-channel kernel streams on every path");
                continue;
            }

            // 8 channels into 16: the gradients from the pooled gradient (a column left out of the windows).
            Assert.True(c == 1 || Convolution.PooledInputGradientApplies(in g, in pool) || !Gemm.IsSupported(GemmPath.Avx2), $"{g} pooled");
            GradCheck.Assert(t => Ops.MaxPool2D(Ops.Conv2D(t[0], t[1], t[2], in g, a), in pool), [x, kernel, bias]);
            GradCheck.Assert(t => Ops.Conv2DMaxPool(t[0], t[1], t[2], in g, a, in pool)!, [x, kernel, bias]);
        }
    }

    // A first layer (one input channel) in training: only the kernel and the bias need gradients, and the kernel's is
    // summed from the pooled gradient (Convolution.PooledWeightGradientApplies), the whole 3 × 3 kernel of eight filters
    // at a time in registers. It matches finite differences and, to rounding, the ops apart.
    [Theory]
    [InlineData("relu", 8)]
    [InlineData("linear", 16)]
    public void A_first_layers_kernel_gradient_comes_from_the_pooled_gradient(string activation, int filters)
    {
        ActivationDescriptor a = ActivationTable.Parse(activation);
        Conv2DGeometry g = Conv2DGeometry.Create(2, 6, 7, 1, filters, 3, 3, PaddingMode.Same);
        var pool = Pool2DGeometry.Create(2, 6, 7, filters, 2, 2, 2, 2, PaddingMode.Valid);
        Assert.True(Convolution.PooledWeightGradientApplies(in g, in pool) || !Gemm.IsSupported(GemmPath.Avx2), $"{g} pooled");
        Assert.False(Convolution.PooledInputGradientApplies(in g, in pool), "one input channel");
        Tensor x = TestData.Uniform([2, 6, 7, 1], seed: 11), kernel = TestData.Uniform([3, 3, 1, filters], seed: 12), bias = TestData.Uniform([filters], seed: 13);
        Tensor r = TestData.Uniform([2, 3, 3, filters], seed: 34);
        (_, Tensor[] apart) = Gradients.Of(() => Ops.MaxPool2D(Ops.Conv2D(x, kernel, bias, in g, a), in pool), r, kernel, bias);
        (_, Tensor[] fused) = Gradients.Of(() => Ops.Conv2DMaxPool(x, kernel, bias, in g, a, in pool)!, r, kernel, bias);
        AssertClose(apart[0], fused[0], $"dkernel of {g}");
        AssertClose(apart[1], fused[1], $"dbias of {g}");
        GradCheck.Assert(t => Ops.MaxPool2D(Ops.Conv2D(x, t[0], t[1], in g, a), in pool), [kernel, bias]);
        GradCheck.Assert(t => Ops.Conv2DMaxPool(x, t[0], t[1], in g, a, in pool)!, [kernel, bias]);
    }

    // Under a tape only ReLU and linear run fused: other activations' derivatives would need the convolution's output
    // beyond the pooled values. Without a tape any fusable activation does.
    [Fact]
    public void Other_activations_are_not_fused_under_a_tape()
    {
        Conv2DGeometry g = Conv2DGeometry.Create(1, 4, 4, 1, 2, 3, 3, PaddingMode.Same);
        var pool = Pool2DGeometry.Create(1, 4, 4, 2, 2, 2, 2, 2, PaddingMode.Valid);
        Tensor x = TestData.Uniform([1, 4, 4, 1], seed: 8), kernel = TestData.Uniform([3, 3, 1, 2], seed: 9);
        Assert.NotNull(Ops.Conv2DMaxPool(x, kernel, null, in g, ActivationTable.Parse("sigmoid"), in pool));
        using var tape = new GradientTape();
        tape.Watch(x);
        Assert.Null(Ops.Conv2DMaxPool(x, kernel, null, in g, ActivationTable.Parse("sigmoid"), in pool));
        Assert.NotNull(Ops.Conv2DMaxPool(x, kernel, null, in g, ActivationTable.Relu, in pool));
    }
}
