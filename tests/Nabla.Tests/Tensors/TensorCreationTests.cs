using Nabla.Tests.Support;

namespace Nabla.Tests.Tensors;

public class TensorCreationTests
{
    [Fact]
    public void Filled_tensors_have_the_shape_and_value_asked_for()
    {
        Assert.Equal([2, 3], Tensor.Zeros(2, 3).Shape);
        Assert.All(Tensor.Zeros([2, 3]).ToArray(), v => Assert.Equal(0f, v));
        Assert.All(Tensor.Ones(4).ToArray(), v => Assert.Equal(1f, v));
        Assert.All(Tensor.Full([3, 1], 7f).ToArray(), v => Assert.Equal(7f, v));
        Tensor s = Tensor.Scalar(2.5f);
        Assert.Equal(0, s.Rank);
        Assert.Equal(1, s.Size);
        Assert.Equal(2.5f, s.Item());
        AssertEx.Throws<ArgumentException>(() => Tensor.Full([2, -1], 0f), "Full: shape dimensions must be non-negative, but received [2, -1].");
    }

    [Fact]
    public void Arange_counts_like_NumPy()
    {
        Tensor r = Tensor.Arange(0f, 20f, 0.1f);
        Assert.Equal([200], r.Shape);                       // not 201: the count is computed in double
        Assert.Equal(0f, r.ToArray()[0]);
        Assert.Equal(19.9f, r.ToArray()[^1], 5);
        Assert.Equal([0f, 1f, 2f, 3f, 4f], Tensor.Arange(5f).ToArray());
        Assert.Equal([1f, 0.75f, 0.5f, 0.25f], Tensor.Arange(1f, 0f, -0.25f).ToArray());
        Assert.Equal([0], Tensor.Arange(3f, 1f).Shape);
        AssertEx.Throws<ArgumentException>(() => Tensor.Arange(0f, 1f, 0f), "Arange: start, stop and step must be finite and step non-zero", "step=0");
        AssertEx.Throws<ArgumentException>(() => Tensor.Arange(0f, float.PositiveInfinity), "stop=Infinity");
    }

    [Fact]
    public void Linspace_includes_both_endpoints_exactly()
    {
        float[] l = Tensor.Linspace(0f, 1f, 11).ToArray();
        Assert.Equal(11, l.Length);
        Assert.Equal(0f, l[0]);
        Assert.Equal(1f, l[^1]);
        AssertEx.Close(Enumerable.Range(0, 11).Select(i => i / 10f).ToArray(), l, atol: 1e-7);
        Assert.Equal([0f, 0.25f, 0.5f, 0.75f], Tensor.Linspace(0f, 1f, 4, endpoint: false).ToArray());
        Assert.Equal([3f], Tensor.Linspace(3f, 5f, 1).ToArray());
        Assert.Equal(50, Tensor.Linspace(-1f, 1f).Size);
        Assert.Equal([0], Tensor.Linspace(0f, 1f, 0).Shape);
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Linspace(0f, 1f, -1));
    }

    [Fact]
    public void Seeded_random_tensors_are_reproducible()
    {
        Assert.Equal(Tensor.RandomUniform([3, 4], seed: 5).ToArray(), Tensor.RandomUniform([3, 4], seed: 5).ToArray());
        Assert.Equal(Tensor.RandomNormal([3, 4], seed: 5).ToArray(), Tensor.RandomNormal([3, 4], seed: 5).ToArray());
        Assert.NotEqual(Tensor.RandomUniform([3, 4], seed: 5).ToArray(), Tensor.RandomUniform([3, 4], seed: 6).ToArray());
        Assert.NotEqual(Tensor.RandomNormal([3, 4], seed: 5).ToArray(), Tensor.RandomNormal([3, 4], seed: 6).ToArray());
    }

    [Fact]
    public void Random_tensors_have_the_requested_distribution()
    {
        const int n = 200_000;
        float[] u = Tensor.RandomUniform([n], minval: -2f, maxval: 6f, seed: 11).ToArray();
        Assert.All(u, v => Assert.InRange(v, -2f, 6f));
        (double uMean, double uStd) = MeanStd(u);
        Assert.Equal(2.0, uMean, 0.03);                    // (min + max) / 2
        Assert.Equal(8.0 / Math.Sqrt(12), uStd, 0.02);      // (max − min) / √12

        float[] g = Tensor.RandomNormal([n], mean: 3f, stddev: 0.5f, seed: 12).ToArray();
        (double gMean, double gStd) = MeanStd(g);
        Assert.Equal(3.0, gMean, 0.01);
        Assert.Equal(0.5, gStd, 0.01);
    }

    [Fact]
    public void FromArray_copies_and_checks_the_shape()
    {
        float[] data = [1f, 2f, 3f, 4f, 5f, 6f];
        Tensor t = Tensor.FromArray(data, 2, 3);
        data[0] = 99f;
        Assert.Equal(1f, t.ToArray()[0]);                   // copied
        Assert.Equal([6], Tensor.FromArray(data).Shape);    // no shape: 1-D
        Assert.Equal([1f, 2f, 3f], Tensor.FromArray(new[] { 1, 2, 3 }, 3).ToArray());
        Tensor m = Tensor.FromArray(new float[,] { { 1f, 2f }, { 3f, 4f }, { 5f, 6f } });
        Assert.Equal([3, 2], m.Shape);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], m.ToArray());

        ShapeMismatchException ex = AssertEx.Throws<ShapeMismatchException>(() => Tensor.FromArray([1f, 2f, 3f], 2, 2),
            "FromArray: the data has 3 elements but shape [2, 2] holds 4.");
        Assert.Equal("[2, 2]", ex.Actual);
        AssertEx.Throws<ShapeMismatchException>(() => Tensor.FromArray(new[] { 1, 2 }, 3), "the data has 2 elements but shape [3] holds 3");
        AssertEx.Throws<ArgumentException>(() => Tensor.FromArray([1f], -1, -1), "FromArray: shape dimensions must be non-negative, but received [-1, -1].");
    }

    private static (double Mean, double Std) MeanStd(float[] v)
    {
        double mean = v.Average(x => (double)x);
        return (mean, Math.Sqrt(v.Average(x => (x - mean) * (x - mean))));
    }
}
