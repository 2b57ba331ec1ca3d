using Nabla.Kernels;
using Nabla.Tests.Support;

namespace Nabla.Tests.Kernels;

/// <summary>Softmax along the middle axis of [outer, length, inner] against a double reference, over awkward sizes.</summary>
public class SoftmaxAxisTests
{
    public static TheoryData<int, int, int> Sizes() => new()
    {
        { 1, 1, 1 }, { 1, 7, 1 }, { 2, 3, 17 }, { 3, 17, 7 }, { 1, 2, 65 }, { 5, 1, 33 }, { 0, 3, 4 }, { 2, 0, 3 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Forward_and_backward_match_the_reference(int outer, int length, int inner)
    {
        int n = outer * length * inner;
        float[] x = TestData.UniformArray(n, -6f, 6f, seed: n + 1), g = TestData.UniformArray(n, seed: n + 2);
        var y = new float[n];
        var dx = new float[n];
        var scratch = new float[inner];
        Softmax.SoftmaxAxis(x, y, outer, length, inner, scratch);
        Softmax.SoftmaxAxisBackward(y, g, dx, outer, length, inner, scratch);

        var ry = new double[n];
        var rdx = new double[n];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int At(int j) => (((o * length) + j) * inner) + i;
                double m = double.NegativeInfinity, s = 0, dot = 0;
                for (int j = 0; j < length; j++)
                {
                    m = Math.Max(m, x[At(j)]);
                }

                for (int j = 0; j < length; j++)
                {
                    s += Math.Exp(x[At(j)] - m);
                }

                for (int j = 0; j < length; j++)
                {
                    ry[At(j)] = Math.Exp(x[At(j)] - m) / s;
                    dot += g[At(j)] * ry[At(j)];
                }

                for (int j = 0; j < length; j++)
                {
                    rdx[At(j)] = ry[At(j)] * (g[At(j)] - dot);
                }
            }
        }

        AssertEx.Close(ry.Select(v => (float)v).ToArray(), y, atol: 1e-6, rtol: 1e-5);
        AssertEx.Close(rdx.Select(v => (float)v).ToArray(), dx, atol: 1e-6, rtol: 1e-5);
    }

    [Fact]
    public void Works_in_place()
    {
        float[] x = TestData.UniformArray(2 * 3 * 5, seed: 3), expected = new float[30], scratch = new float[5];
        Softmax.SoftmaxAxis(x, expected, 2, 3, 5, scratch);
        Softmax.SoftmaxAxis(x, x, 2, 3, 5, scratch);
        Assert.Equal(expected, x);
    }

    [Fact]
    public void Short_buffers_are_rejected()
    {
        AssertEx.Throws<ArgumentException>(() => Softmax.SoftmaxAxis(new float[6], new float[5], 1, 2, 3, new float[3]), "'y'");
        AssertEx.Throws<ArgumentException>(() => Softmax.SoftmaxAxis(new float[6], new float[6], 1, 2, 3, new float[2]), "'scratch'");
    }
}
