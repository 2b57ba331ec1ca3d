using System.Runtime.Intrinsics;
using Nabla.Kernels;
using Nabla.Tests.Support;

namespace Nabla.Tests.Kernels;

public class MathOpsTests
{
    // Operands chosen to hit every case: ordered pairs, ties, signed zeros and NaN on either side.
    private static readonly float[] s_x = [1f, 3f, 2f, 2f, 0f, -0f, float.NaN, 5f, float.NaN, -1f, -4f, 7f, 0.5f, 9f, -2f, float.PositiveInfinity];
    private static readonly float[] s_y = [2f, 1f, 2f, 2f, -0f, 0f, 1f, float.NaN, float.NaN, -1f, -3f, 6f, 0.25f, 9f, 3f, 1f];

    [Fact]
    public void Maximum_and_minimum_propagate_NaN_and_keep_the_first_operand_on_ties()
    {
        for (int i = 0; i < s_x.Length; i++)
        {
            float x = s_x[i], y = s_y[i];
            float max = float.IsNaN(x) || float.IsNaN(y) ? float.NaN : x >= y ? x : y;
            float min = float.IsNaN(x) || float.IsNaN(y) ? float.NaN : x <= y ? x : y;
            Assert.Equal(max, MaximumOp.Invoke(x, y));
            Assert.Equal(min, MinimumOp.Invoke(x, y));
        }

        AssertVectorFormsAgree<MaximumOp>();
        AssertVectorFormsAgree<MinimumOp>();
    }

    [Fact]
    public void Masks_are_one_where_the_relation_holds()
    {
        for (int i = 0; i < s_x.Length; i++)
        {
            float x = s_x[i], y = s_y[i];
            Assert.Equal(x >= y ? 1f : 0f, GreaterOrEqualMaskOp.Invoke(x, y));
            Assert.Equal(x <= y ? 1f : 0f, LessOrEqualMaskOp.Invoke(x, y));
            Assert.Equal(x == y ? 1f : 0f, EqualMaskOp.Invoke(x, y));
        }

        AssertVectorFormsAgree<GreaterOrEqualMaskOp>();
        AssertVectorFormsAgree<LessOrEqualMaskOp>();
        AssertVectorFormsAgree<EqualMaskOp>();
    }

    [Fact]
    public void Pow_matches_MathF_Pow_in_every_lane()
    {
        for (int i = 0; i < s_x.Length; i++)
        {
            Assert.Equal(MathF.Pow(s_x[i], s_y[i]), PowOp.Invoke(s_x[i], s_y[i]));
        }

        AssertVectorFormsAgree<PowOp>();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(49)]
    [InlineData(257)]
    public void Maximum_through_the_binary_driver_matches_the_reference(int n)
    {
        float[] a = TestData.UniformArray(n, seed: n), b = TestData.UniformArray(n, seed: n + 1);
        var y = new float[n];
        Binary.Map<MaximumOp>(a, b, y);
        Assert.Equal(a.Zip(b, Math.Max).ToArray(), y);
    }

    private static void AssertVectorFormsAgree<TOp>()
        where TOp : struct, IBinaryOp
    {
        Vector512<float> x512 = Vector512.Create(s_x), y512 = Vector512.Create(s_y);
        Vector512<float> r512 = TOp.Invoke(x512, y512);
        for (int i = 0; i < Vector512<float>.Count; i++)
        {
            Assert.Equal(TOp.Invoke(s_x[i], s_y[i]), r512[i]);
        }

        for (int start = 0; start < s_x.Length; start += Vector256<float>.Count)
        {
            Vector256<float> r256 = TOp.Invoke(Vector256.Create(s_x.AsSpan(start)), Vector256.Create(s_y.AsSpan(start)));
            for (int i = 0; i < Vector256<float>.Count; i++)
            {
                Assert.Equal(TOp.Invoke(s_x[start + i], s_y[start + i]), r256[i]);
            }
        }
    }
}
