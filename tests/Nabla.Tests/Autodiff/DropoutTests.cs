using Nabla.Autodiff;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

public class DropoutTests
{
    [Theory]
    [InlineData(new[] { 4, 7 }, 0.4f)]
    [InlineData(new[] { 2, 3, 5 }, 0.5f)]
    [InlineData(new[] { 8, 16 }, 0.1f)]
    public void Gradients_with_a_fixed_seed_match_finite_differences(int[] shape, float rate)
    {
        // With a seed every call draws the same mask, so y = x·mask is one fixed linear map and central
        // differences see exactly what the tape does: dL/dx = g·mask.
        Tensor x = TestData.AwayFromZero(shape, seed: shape.Sum());
        float[] y = Ops.Dropout(x, rate, seed: 3).ToArray();
        Assert.Contains(0f, y);                                  // some dropped...
        Assert.Contains(y, v => v != 0f);                        // ...and some kept, or the check proves little
        Assert.Equal(y, Ops.Dropout(x, rate, seed: 3).ToArray());   // the premise: the seed fixes the mask
        GradCheck.Assert(t => Ops.Dropout(t[0], rate, seed: 3), [x]);
    }

    [Fact]
    public void Kept_elements_are_scaled_by_one_over_one_minus_rate()
    {
        Tensor x = TestData.AwayFromZero([10, 10], seed: 4);
        float[] xv = x.ToArray(), y = Ops.Dropout(x, 0.2f, seed: 8).ToArray();
        for (int i = 0; i < y.Length; i++)
        {
            Assert.True(y[i] == 0f || Math.Abs(y[i] - (xv[i] / 0.8f)) <= 1e-6f * Math.Abs(y[i]), $"element {i}: x {xv[i]}, y {y[i]}");
        }
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1f)]
    [InlineData(float.NaN)]
    public void A_rate_outside_zero_one_is_rejected(float rate) =>
        AssertEx.Throws<ArgumentOutOfRangeException>(() => Ops.Dropout(Tensor.Ones(3), rate), "Dropout: rate must be in [0, 1), but received");
}
