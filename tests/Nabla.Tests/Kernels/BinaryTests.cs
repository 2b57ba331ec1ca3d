using Nabla.Kernels;
using Nabla.Tests.Support;

namespace Nabla.Tests.Kernels;

public class BinaryTests
{
    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        for (int n = 0; n <= (3 * 16) + 1; n++)
        {
            data.Add(n);
        }

        data.Add(257);
        data.Add(1000);
        return data;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Map_matches_scalar_reference_for_every_remainder(int n)
    {
        float[] a = TestData.UniformArray(n, seed: n), b = TestData.UniformArray(n, 0.5f, 2f, seed: n + 100);
        var y = new float[n];
        Binary.Map<DivideOp>(a, b, y);
        Assert.Equal(a.Zip(b, (x, z) => x / z).ToArray(), y);

        Binary.MapScalarRight<SubtractOp>(a, 0.25f, y);
        Assert.Equal(a.Select(x => x - 0.25f).ToArray(), y);

        Binary.MapScalarLeft<SubtractOp>(0.25f, a, y);
        Assert.Equal(a.Select(x => 0.25f - x).ToArray(), y);
    }

    [Fact]
    public void Map_works_in_place()
    {
        float[] a = TestData.UniformArray(37), b = TestData.UniformArray(37, seed: 2);
        float[] expected = a.Zip(b, (x, z) => x * z).ToArray();
        Binary.Map<MultiplyOp>(a, b, a);
        Assert.Equal(expected, a);
    }

    [Fact]
    public void Map_rejects_short_destination()
    {
        AssertEx.Throws<ArgumentException>(() => Binary.Map<AddOp>(new float[4], new float[4], new float[3]), "'y'", "4", "3");
        AssertEx.Throws<ArgumentException>(() => Binary.Map<AddOp>(new float[4], new float[5], new float[5]), "'a'", "'b'");
    }

    public static TheoryData<int[], int[]> BroadcastCases() => new()
    {
        { [2, 3], [2, 3] },
        { [2, 3], [3] },
        { [3], [2, 3] },
        { [2, 3], [2, 1] },
        { [2, 1], [1, 3] },
        { [4, 1, 5], [3, 1] },
        { [1], [2, 3, 4] },
        { [2, 3, 4], [] },
        { [5, 1, 33], [1, 7, 33] },
        { [3, 1, 1, 17], [1, 2, 5, 1] },
        { [0, 3], [3] },
        { [2, 17, 19], [17, 1] },
    };

    [Theory]
    [MemberData(nameof(BroadcastCases))]
    public void Broadcast_matches_naive_multi_index_reference(int[] aShape, int[] bShape)
    {
        float[] a = TestData.UniformArray(aShape.Aggregate(1, (p, d) => p * d), seed: 3);
        float[] b = TestData.UniformArray(bShape.Aggregate(1, (p, d) => p * d), seed: 4);
        float[] expected = NaiveBroadcast.Apply(a, aShape, b, bShape, (x, y) => x - y, out int[] shape);
        var y = new float[expected.Length];
        Binary.Broadcast<SubtractOp>(a, aShape, b, bShape, y, shape);
        Assert.Equal(expected, y);
    }

    [Theory]
    [MemberData(nameof(BroadcastCases))]
    public void SumTo_is_the_adjoint_of_broadcasting(int[] aShape, int[] bShape)
    {
        int[] shape = NaiveBroadcast.Shape(aShape, bShape);
        float[] src = TestData.UniformArray(shape.Aggregate(1, (p, d) => p * d), seed: 5);
        foreach (int[] target in new[] { aShape, bShape })
        {
            float[] expected = NaiveBroadcast.SumTo(src, shape, target);
            var dst = new float[expected.Length];
            BroadcastReduce.SumTo(src, shape, dst, target);
            AssertEx.Close(expected, dst, atol: 1e-5, rtol: 1e-5);
        }
    }
}
