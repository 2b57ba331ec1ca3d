using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

[Collection(KernelSettingsCollection.Name)]
public sealed class ConvolutionTransposeTests : IDisposable
{
    public ConvolutionTransposeTests() => KernelPaths.Reset();

    public void Dispose() => KernelPaths.Reset();

    // Stride 2, a 2×2 kernel, valid: every input pixel stamps x·w onto its own 2×2 block of the 4×4 output.
    [Fact]
    public void Stride_two_kernel_two_stamps_each_pixel_into_its_block()
    {
        Conv2DGeometry g = Conv2DGeometry.CreateTranspose(1, 2, 2, 1, 1, 2, 2, PaddingMode.Valid, 2, 2);
        Assert.Equal((4, 4), (g.InputHeight, g.InputWidth));
        float[] x = [1, 2, 3, 4], w = [1, 10, 100, 1000], bias = [0.5f];
        var y = new float[16];
        Convolution.TransposeForward(g, x, w, bias, y);
        float[] expected =
        [
            1, 10, 2, 20,
            100, 1000, 200, 2000,
            3, 30, 4, 40,
            300, 3000, 400, 4000,
        ];
        Assert.Equal(expected.Select(v => v + 0.5f), y);
    }

    public static TheoryData<string, int> PathsAndThreads() => ConvolutionTests.PathsAndThreads();

    // The transposed convolution is the convolution's input gradient (plus bias); its gradients are the convolution's
    // forward pass and its weight gradient with the roles swapped. Checked against the naive convolution reference.
    [Theory]
    [MemberData(nameof(PathsAndThreads))]
    public void Forward_and_gradients_match_the_naive_reference(string path, int threads)
    {
        KernelPaths.Use(path, threads);
        int seed = 0;
        foreach (bool same in new[] { false, true })
        {
            foreach ((int k, int s, int d) in new[] { (3, 1, 1), (3, 2, 1), (2, 3, 1), (3, 1, 2), (1, 2, 1), (4, 2, 1) })
            {
                foreach ((int batch, int h, int w, int inC, int filters) in new[] { (1, 4, 3, 2, 3), (3, 5, 2, 17, 1), (2, 3, 3, 1, 33) })
                {
                    PaddingMode padding = same ? PaddingMode.Same : PaddingMode.Valid;
                    Conv2DGeometry g = Conv2DGeometry.CreateTranspose(batch, h, w, inC, filters, k, k, padding, s, s, d, d);
                    var c = new ConvCase(batch, g.InputHeight, g.InputWidth, filters, inC, k, k, same, s, d, 1, StrideW: s);
                    Assert.Equal((h, w), (c.RowsOut.Out, c.ColsOut.Out));
                    string what = $"transposed {batch}×{h}×{w}×{inC} -> {filters}, k{k} s{s} d{d} {padding}";

                    float[] x = ConvReference.Random(g.OutputLength, ++seed), kernel = ConvReference.Random(g.KernelLength, ++seed);
                    float[] bias = ConvReference.Random(filters, ++seed), dy = ConvReference.Random(g.InputLength, ++seed);
                    double[] expected = ConvReference.InputGradient(c, x, kernel);
                    for (int i = 0; i < expected.Length; i++)
                        expected[i] += bias[i % filters];
                    var y = new float[g.InputLength];
                    Convolution.TransposeForward(g, x, kernel, bias, y);
                    ConvReference.AssertClose(expected, y, 1e-4, 1e-4, what + " forward");

                    var dx = new float[g.OutputLength];
                    Convolution.TransposeInputGradient(g, dy, kernel, dx);
                    ConvReference.AssertClose(ConvReference.Forward(c, dy, kernel, null), dx, 1e-4, 1e-4, what + " input gradient");

                    var dw = new float[g.KernelLength];
                    Convolution.TransposeWeightGradient(g, x, dy, dw);
                    ConvReference.AssertClose(ConvReference.WeightGradient(c, dy, x), dw, 1e-3, 1e-4, what + " weight gradient");

                    var db = new float[filters];
                    Convolution.BiasGradient(dy, batch * g.InputHeight * g.InputWidth, filters, db);
                    var expectedDb = new double[filters];
                    for (int i = 0; i < dy.Length; i++)
                        expectedDb[i % filters] += dy[i];
                    ConvReference.AssertClose(expectedDb, db, 1e-4, 1e-4, what + " bias gradient");
                }
            }
        }
    }

    [Fact]
    public void Transposed_forward_checks_its_bias()
    {
        Conv2DGeometry g = Conv2DGeometry.CreateTranspose(1, 2, 2, 1, 3, 2, 2, PaddingMode.Valid, 2, 2);
        var e = Assert.Throws<ArgumentException>(() => Convolution.TransposeForward(g, new float[4], new float[12], new float[2], new float[48]));
        Assert.Contains("'bias' is too short: it needs 3", e.Message, StringComparison.Ordinal);
    }
}
