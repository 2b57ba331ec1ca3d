using Nabla.Kernels;
using Nabla.Tests.Support;

namespace Nabla.Tests.Kernels;

public class BinaryTests
{
    public static TheoryData<string> Paths() => [.. ForcedSimd.All];

    [Theory]
    [MemberData(nameof(ForcedSimd.PathsAndLengths), MemberType = typeof(ForcedSimd))]
    public void Map_matches_scalar_reference_on_every_path_and_remainder(string path, int n)
    {
        float[] a = TestData.UniformArray(n, seed: n), b = TestData.UniformArray(n, 0.5f, 2f, seed: n + 100);
        for (int i = 3; i < n; i += 7)
        {
            a[i] = i % 2 == 0 ? float.NaN : float.PositiveInfinity;   // NaN and infinity in every lane position
        }

        var y = new float[n + 1];
        float[] y2 = new float[n + 1], y3 = new float[n + 1];
        y[n] = y2[n] = y3[n] = -7f;   // the element past the end must stay untouched
        using (new ForcedSimd(path))
        {
            Binary.Map<DivideOp>(a, b, y);
            Binary.MapScalarRight<SubtractOp>(a, 0.25f, y2);
            Binary.MapScalarLeft<SubtractOp>(0.25f, a, y3);
        }

        Assert.Equal([.. a.Zip(b, (x, z) => x / z), -7f], y);
        Assert.Equal([.. a.Select(x => x - 0.25f), -7f], y2);
        Assert.Equal([.. a.Select(x => 0.25f - x), -7f], y3);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Map_works_in_place(string path)
    {
        float[] a = TestData.UniformArray(37), b = TestData.UniformArray(37, seed: 2);
        float[] expected = a.Zip(b, (x, z) => x * z).ToArray();
        float[] left = a.Select(x => x - 3f).ToArray(), right = a.Select(x => 3f - x).ToArray();
        float[] c = [.. a], d = [.. a];
        using (new ForcedSimd(path))
        {
            Binary.Map<MultiplyOp>(a, b, a);
            Binary.MapScalarRight<SubtractOp>(c, 3f, c);
            Binary.MapScalarLeft<SubtractOp>(3f, d, d);
        }

        Assert.Equal(expected, a);
        Assert.Equal(left, c);
        Assert.Equal(right, d);
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

    public static TheoryData<string, int[], int[]> PathsAndBroadcastCases()
    {
        var data = new TheoryData<string, int[], int[]>();
        foreach (string path in ForcedSimd.All)
        {
            foreach (var c in BroadcastCases())
            {
                data.Add(path, (int[])c[0], (int[])c[1]);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PathsAndBroadcastCases))]
    public void Broadcast_matches_naive_multi_index_reference_on_every_path(string path, int[] aShape, int[] bShape)
    {
        float[] a = TestData.UniformArray(aShape.Aggregate(1, (p, d) => p * d), seed: 3);
        float[] b = TestData.UniformArray(bShape.Aggregate(1, (p, d) => p * d), seed: 4);
        float[] expected = NaiveBroadcast.Apply(a, aShape, b, bShape, (x, y) => x - y, out int[] shape);
        var y = new float[expected.Length];
        using (new ForcedSimd(path))
        {
            Binary.Broadcast<SubtractOp>(a, aShape, b, bShape, y, shape);
        }

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
