using Nabla.Autodiff;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

public class SpatialDropoutTests
{
    [Fact]
    public void Whole_channels_are_dropped_or_scaled_and_the_gradient_is_the_mask()
    {
        // rate 0.5: each (sample, channel) is all zeros or x·2 at every pixel; the gradient of Σ y is 0 or 2 alike.
        Tensor x = TestData.AwayFromZero([3, 4, 5, 16], seed: 1);
        (Tensor y, Tensor[] g) = Gradients.Of(() => Ops.SpatialDropout(x, 0.5f, new RandomSource(42)), Tensor.Ones(3, 4, 5, 16), x);
        float[] xs = x.ToArray(), ys = y.ToArray(), gs = g[0].ToArray();
        int dropped = 0;
        for (int n = 0; n < 3; n++)
        {
            for (int c = 0; c < 16; c++)
            {
                float factor = ys[Index(n, 0, c)] / xs[Index(n, 0, c)];
                Assert.True(factor == 0f || factor == 2f, $"factor {factor}");
                dropped += factor == 0f ? 1 : 0;
                for (int p = 0; p < 20; p++)
                {
                    Assert.Equal(xs[Index(n, p, c)] * factor, ys[Index(n, p, c)]);
                    Assert.Equal(factor, gs[Index(n, p, c)]);
                }
            }
        }

        Assert.InRange(dropped, 10, 38);   // 48 draws at rate 0.5
    }

    private static int Index(int n, int pixel, int c) => (((n * 20) + pixel) * 16) + c;
}
