using Nabla.Kernels;
using Nabla.Tests.Support;

namespace Nabla.Tests.Kernels;

public class ClipTests
{
    [Theory]
    [MemberData(nameof(ForcedSimd.PathsAndLengths), MemberType = typeof(ForcedSimd))]
    public void Backward_passes_the_gradient_inside_the_interval_on_every_path(string path, int n)
    {
        float[] x = TestData.UniformArray(n, -2f, 2f, seed: n), g = TestData.UniformArray(n, seed: n + 7);
        for (int i = 0; i < n; i += 4)
        {
            x[i] = (i / 4 % 3) switch { 0 => -0.5f, 1 => 1f, _ => float.NaN };   // both boundaries and NaN
        }

        var dx = new float[n];
        using (new ForcedSimd(path))
        {
            Clip.Backward(g, x, -0.5f, 1f, dx);
        }

        Assert.Equal(x.Select((v, i) => v >= -0.5f && v <= 1f ? g[i] : 0f).ToArray(), dx);
    }

    [Fact]
    public void Backward_works_in_place_over_the_gradient()
    {
        float[] x = TestData.UniformArray(40, -2f, 2f, seed: 1), g = TestData.UniformArray(40, seed: 2);
        float[] expected = x.Select((v, i) => v >= 0f && v <= 1f ? g[i] : 0f).ToArray();
        Clip.Backward(g, x, 0f, 1f, g);
        Assert.Equal(expected, g);
    }

    [Fact]
    public void Backward_checks_span_lengths()
    {
        AssertEx.Throws<ArgumentException>(() => Clip.Backward(new float[3], new float[4], 0f, 1f, new float[4]), "'g'", "'x'");
        AssertEx.Throws<ArgumentException>(() => Clip.Backward(new float[4], new float[4], 0f, 1f, new float[3]), "'dx'");
    }
}
