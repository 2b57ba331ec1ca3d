using Nabla.Autodiff;
using Nabla.Kernels;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

public class PoolingTests
{
    // (batch, h, w, c, pool h, pool w, stride h, stride w, same)
    public static TheoryData<int, int, int, int, int, int, int, int, bool> Cases() => new()
    {
        { 2, 4, 4, 3, 2, 2, 2, 2, false },
        { 1, 5, 5, 2, 2, 2, 2, 2, true },
        { 2, 5, 6, 2, 3, 3, 1, 1, false },
        { 1, 5, 6, 2, 3, 2, 2, 1, true },
        { 2, 7, 5, 1, 3, 3, 2, 2, true },
        { 1, 1, 7, 3, 1, 2, 1, 2, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Max_pooling_gradients_match_finite_differences(int n, int h, int w, int c, int ph, int pw, int sh, int sw, bool same)
    {
        Pool2DGeometry g = Pool2DGeometry.Create(n, h, w, c, ph, pw, sh, sw, same ? PaddingMode.Same : PaddingMode.Valid);
        GradCheck.Assert(t => Ops.MaxPool2D(t[0], in g), [Distinct([n, h, w, c], seed: 1)]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Average_pooling_gradients_match_finite_differences(int n, int h, int w, int c, int ph, int pw, int sh, int sw, bool same)
    {
        Pool2DGeometry g = Pool2DGeometry.Create(n, h, w, c, ph, pw, sh, sw, same ? PaddingMode.Same : PaddingMode.Valid);
        GradCheck.Assert(t => Ops.AveragePool2D(t[0], in g), [TestData.Uniform([n, h, w, c], seed: 2)]);
    }

    [Fact]
    public void Global_pooling_gradients_match_finite_differences()
    {
        Tensor x = Distinct([2, 3, 4, 5], seed: 3);
        GradCheck.Assert(t => Ops.GlobalMaxPool2D(t[0]), [x]);
        GradCheck.Assert(t => Ops.GlobalAveragePool2D(t[0]), [x]);
    }

    [Fact]
    public void Hand_computed_max_and_average_with_same_padding()
    {
        // One 3×3 channel [[1, 5, 2], [7, 3, 9], [4, 8, 6]], pool 2, stride 2, same: windows rows {0,1}/{2} × cols {0,1}/{2}.
        // Max: [[7, 9], [8, 6]]; average over the real values only: [[4, 5.5], [6, 6]].
        // Max gradient with L = Σ y goes to 7, 9, 8 and 6; average spreads 1/count over each window.
        Tensor x = Tensor.FromArray([1f, 5f, 2f, 7f, 3f, 9f, 4f, 8f, 6f], 1, 3, 3, 1);
        Pool2DGeometry g = Pool2DGeometry.Create(1, 3, 3, 1, 2, 2, 2, 2, PaddingMode.Same);
        Tensor ones = Tensor.Ones(1, 2, 2, 1);
        (Tensor max, Tensor[] dMax) = Gradients.Of(() => Ops.MaxPool2D(x, in g), ones, x);
        AssertEx.Close([7f, 9f, 8f, 6f], [1, 2, 2, 1], max);
        AssertEx.Close([0f, 0f, 0f, 1f, 0f, 1f, 0f, 1f, 1f], [1, 3, 3, 1], dMax[0]);
        (Tensor average, Tensor[] dAverage) = Gradients.Of(() => Ops.AveragePool2D(x, in g), ones, x);
        AssertEx.Close([4f, 5.5f, 6f, 6f], [1, 2, 2, 1], average);
        AssertEx.Close([0.25f, 0.25f, 0.5f, 0.25f, 0.25f, 0.5f, 0.5f, 0.5f, 1f], [1, 3, 3, 1], dAverage[0]);
    }

    [Fact]
    public void Hand_computed_global_pooling()
    {
        // Two channels over a 2×2 image: channel 0 [1, −2, 3, 0.5], channel 1 [4, 4.5, −1, 2].
        Tensor x = Tensor.FromArray([1f, 4f, -2f, 4.5f, 3f, -1f, 0.5f, 2f], 1, 2, 2, 2);
        AssertEx.Close([0.625f, 2.375f], [1, 2], Ops.GlobalAveragePool2D(x));
        (Tensor max, Tensor[] g) = Gradients.Of(() => Ops.GlobalMaxPool2D(x), Tensor.FromArray([10f, 20f], 1, 2), x);
        AssertEx.Close([3f, 4.5f], [1, 2], max);
        AssertEx.Close([0f, 0f, 0f, 20f, 10f, 0f, 0f, 0f], [1, 2, 2, 2], g[0]);
    }

    // A shuffled ramp: every value distinct and at least 0.01 apart, so no window has a near tie (max-pool's kink).
    internal static Tensor Distinct(int[] shape, int seed)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        float[] values = Enumerable.Range(0, n).Select(i => (i - (n / 2f)) * 0.01f).ToArray();
        new System.Random(seed).Shuffle(values);
        return Tensor.FromArray(values, shape);
    }
}
