using Nabla.Kernels;
using Nabla.Tests.Support;

namespace Nabla.Tests.Kernels;

public class ConversionTests
{
    public static TheoryData<string> Paths() => [.. ForcedSimd.All];

    [Theory]
    [MemberData(nameof(Paths))]
    public void BytesToFloats_matches_a_naive_loop_on_every_path_and_remainder(string path)
    {
        using var forced = new ForcedSimd(path);
        var rng = new System.Random(3);
        foreach (int n in Enumerable.Range(0, (3 * 32) + 2).Append(1000))
        {
            var x = new byte[n];
            rng.NextBytes(x);
            if (n > 0)
            {
                x[0] = 255;
                x[^1] = 128;
            }

            var y = new float[n + 1];
            y[n] = -7f;   // the element past the end must stay untouched
            Conversion.BytesToFloats(x, y);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal((float)x[i], y[i]);
            }

            Assert.Equal(-7f, y[n]);
        }
    }

    [Fact]
    public void A_short_destination_is_rejected()
    {
        AssertEx.Throws<ArgumentException>(() => Conversion.BytesToFloats(new byte[5], new float[4]), "needs 5 elements but has 4");
    }
}
