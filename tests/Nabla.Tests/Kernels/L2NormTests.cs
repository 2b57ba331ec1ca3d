using Nabla.Kernels;
using Nabla.Tests.Support;

namespace Nabla.Tests.Kernels;

/// <summary>L2 normalisation along the middle axis of [outer, length, inner] against a double reference.</summary>
public class L2NormTests
{
    public static TheoryData<int, int, int> Sizes() => new()
    {
        { 1, 1, 1 }, { 1, 7, 1 }, { 2, 3, 17 }, { 3, 17, 7 }, { 1, 65, 2 }, { 0, 3, 4 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Forward_and_backward_match_the_reference(int outer, int length, int inner)
    {
        int n = outer * length * inner;
        float[] x = TestData.UniformArray(n, -2f, 2f, seed: n + 1), g = TestData.UniformArray(n, seed: n + 2);
        var y = new float[n];
        var dx = new float[n];
        L2Norm.NormalizeAxis(x, y, outer, length, inner, 1e-7f);
        L2Norm.NormalizeAxisBackward(x, g, dx, outer, length, inner, 1e-7f);

        var ry = new float[n];
        var rdx = new float[n];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int[] at = [.. Enumerable.Range(0, length).Select(j => (((o * length) + j) * inner) + i)];
                double norm = Math.Sqrt(at.Sum(p => (double)x[p] * x[p]));
                double dot = at.Sum(p => g[p] * x[p] / norm);
                foreach (int p in at)
                {
                    ry[p] = (float)(x[p] / norm);
                    rdx[p] = (float)((g[p] - (x[p] / norm * dot)) / norm);
                }
            }
        }

        AssertEx.Close(ry, y, atol: 1e-6, rtol: 1e-5);
        AssertEx.Close(rdx, dx, atol: 1e-5, rtol: 1e-4);
    }

    [Fact]
    public void Works_in_place_and_propagates_nan()
    {
        float[] x = [3f, 4f, float.NaN, 1f], expected = new float[4];
        L2Norm.NormalizeAxis(x, expected, 2, 2, 1, 1e-7f);
        L2Norm.NormalizeAxis(x, x, 2, 2, 1, 1e-7f);
        Assert.Equal(expected, x);
        Assert.Equal([0.6f, 0.8f], x[..2]);
        Assert.True(float.IsNaN(x[2]) && float.IsNaN(x[3]));
    }
}
