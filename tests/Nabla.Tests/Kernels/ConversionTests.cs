using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

public class ConversionTests
{
    [Fact]
    public void BytesToFloats_matches_a_naive_loop_over_every_remainder_path()
    {
        var rng = new System.Random(3);
        for (int n = 0; n <= (3 * 32) + 1; n++)
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
        Support.AssertEx.Throws<ArgumentException>(() => Conversion.BytesToFloats(new byte[5], new float[4]), "needs 5 elements but has 4");
    }
}
