using Nabla.Kernels;
using Nabla.Tests.Support;

namespace Nabla.Tests.Kernels;

public class UnaryTests
{
    [Theory]
    [MemberData(nameof(ForcedSimd.PathsAndLengths), MemberType = typeof(ForcedSimd))]
    public void Sign_matches_the_scalar_reference_on_every_path(string path, int n)
    {
        float[] x = TestData.UniformArray(n, -2f, 2f, seed: n);
        for (int i = 0; i < n; i += 5)
        {
            x[i] = i % 3 == 0 ? 0f : i % 3 == 1 ? -0f : float.NaN;   // zeros and NaN in every lane position
        }

        var y = new float[n];
        using (new ForcedSimd(path))
        {
            Unary.Map<SignOp>(x, y);
        }

        Assert.Equal(x.Select(v => float.IsNaN(v) ? float.NaN : (float)Math.Sign(v)).ToArray(), y);
    }

    [Theory]
    [MemberData(nameof(ForcedSimd.PathsAndLengths), MemberType = typeof(ForcedSimd))]
    public void LogOrZero_matches_the_scalar_reference_on_every_path(string path, int n)
    {
        float[] x = TestData.UniformArray(n, -1f, 3f, seed: n);
        if (n > 3)
        {
            x[1] = 0f;
            x[2] = float.NaN;
            x[3] = float.PositiveInfinity;
        }

        var y = new float[n];
        using (new ForcedSimd(path))
        {
            Unary.Map<LogOrZeroOp>(x, y);
        }

        AssertEx.Close(x.Select(v => v > 0 ? (float)Math.Log(v) : 0f).ToArray(), y, atol: 1e-6, rtol: 1e-6);
    }

    [Fact]
    public void Map_works_in_place()
    {
        float[] x = TestData.UniformArray(37, seed: 3);
        float[] expected = x.Select(v => (float)Math.Sign(v)).ToArray();
        Unary.Map<SignOp>(x, x);
        Assert.Equal(expected, x);
    }

    [Fact]
    public void Map_rejects_a_short_destination()
    {
        AssertEx.Throws<ArgumentException>(() => Unary.Map<SignOp>(new float[5], new float[4]), "'y'", "5", "4");
    }
}
