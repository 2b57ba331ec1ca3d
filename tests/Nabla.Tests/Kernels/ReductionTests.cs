using Nabla.Kernels;
using Nabla.Tests.Support;

namespace Nabla.Tests.Kernels;

public class ReductionTests
{
    /// <summary>Layouts [outer, n, inner] crossing every vector remainder of inner with the row (inner = 1) path.</summary>
    public static TheoryData<string, int, int, int> Layouts()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (string p in ForcedSimd.All)
        {
            foreach (int inner in new[] { 1, 2, 7, 8, 9, 15, 16, 17, 31, 33, 48, 49, 257 })
            {
                data.Add(p, 3, 5, inner);
            }

            foreach (int n in new[] { 1, 2, 17, 49, 1000 })
            {
                data.Add(p, 2, n, 1);
                data.Add(p, 1, n, 19);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Sum_max_and_min_match_the_naive_reference(string path, int outer, int n, int inner)
    {
        float[] x = TestData.UniformArray(outer * n * inner, -3f, 3f, seed: n + inner);
        float[] sum = new float[outer * inner], max = new float[outer * inner], min = new float[outer * inner];
        using (new ForcedSimd(path))
        {
            Reduction.Sum(x, outer, n, inner, sum);
            Reduction.Max(x, outer, n, inner, max);
            Reduction.Min(x, outer, n, inner, min);
        }

        AssertEx.Close(Naive(x, outer, n, inner, (acc, v) => acc + v, 0.0), sum, atol: 1e-5 * n, rtol: 1e-5);
        Assert.Equal(Naive(x, outer, n, inner, Math.Max, double.NegativeInfinity), max);
        Assert.Equal(Naive(x, outer, n, inner, Math.Min, double.PositiveInfinity), min);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void ArgMax_and_ArgMin_return_the_first_extremum_or_the_first_NaN(string path, int outer, int n, int inner)
    {
        // Few distinct values, so ties are everywhere; a NaN now and then.
        var rng = new System.Random(n * 31 + inner);
        float[] x = Enumerable.Range(0, outer * n * inner).Select(_ => rng.Next(50) == 0 ? float.NaN : rng.Next(4)).ToArray();
        float[] best = new float[outer * inner], argMax = new float[outer * inner], argMin = new float[outer * inner];
        using (new ForcedSimd(path))
        {
            Reduction.ArgMax(x, outer, n, inner, best, argMax);
            Reduction.ArgMin(x, outer, n, inner, best, argMin);
        }

        Assert.Equal(NaiveArg(x, outer, n, inner, (v, b) => v > b), argMax);
        Assert.Equal(NaiveArg(x, outer, n, inner, (v, b) => v < b), argMin);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Spread_is_the_adjoint_of_sum(string path, int outer, int n, int inner)
    {
        float[] g = TestData.UniformArray(outer * inner, seed: 4);
        var dx = new float[outer * n * inner];
        using (new ForcedSimd(path))
        {
            Reduction.Spread(g, outer, n, inner, 0.5f, dx);
        }

        for (int o = 0; o < outer; o++)
        {
            for (int a = 0; a < n; a++)
            {
                for (int i = 0; i < inner; i++)
                {
                    Assert.Equal(0.5f * g[(o * inner) + i], dx[(((o * n) + a) * inner) + i]);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void ExtremumBackward_shares_the_gradient_among_tied_maxima(string path, int outer, int n, int inner)
    {
        var rng = new System.Random(n + (7 * inner));
        float[] x = Enumerable.Range(0, outer * n * inner).Select(_ => (float)rng.Next(3)).ToArray();
        float[] y = new float[outer * inner], counts = new float[outer * inner], g = TestData.UniformArray(outer * inner, seed: 9);
        var dx = new float[x.Length];
        using (new ForcedSimd(path))
        {
            Reduction.Max(x, outer, n, inner, y);
            Reduction.ExtremumBackward(x, y, g, outer, n, inner, counts, dx);
        }

        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int ties = 0;
                for (int a = 0; a < n; a++)
                {
                    ties += x[(((o * n) + a) * inner) + i] == y[(o * inner) + i] ? 1 : 0;
                }

                for (int a = 0; a < n; a++)
                {
                    int at = (((o * n) + a) * inner) + i;
                    float expected = x[at] == y[(o * inner) + i] ? g[(o * inner) + i] / ties : 0f;
                    Assert.Equal(expected, dx[at], 6);
                }
            }
        }
    }

    [Fact]
    public void Sum_of_an_empty_axis_is_zero_and_extrema_of_one_throw()
    {
        var y = new float[6];
        y.AsSpan().Fill(9f);
        Reduction.Sum([], 2, 0, 3, y);
        Assert.All(y, v => Assert.Equal(0f, v));
        AssertEx.Throws<ArgumentException>(() => Reduction.Max([], 2, 0, 3, new float[6]), "empty axis", "[2, 0, 3]");
        AssertEx.Throws<ArgumentException>(() => Reduction.ArgMin([], 1, 0, 1, new float[1], new float[1]), "empty axis");
    }

    [Fact]
    public void Short_spans_are_rejected()
    {
        AssertEx.Throws<ArgumentException>(() => Reduction.Sum(new float[5], 2, 3, 1, new float[2]), "'x'", "6", "5");
        AssertEx.Throws<ArgumentException>(() => Reduction.Sum(new float[6], 2, 3, 1, new float[1]), "'y'", "2", "1");
        AssertEx.Throws<ArgumentException>(() => Reduction.ArgMax(new float[6], 1, 3, 2, new float[1], new float[2]), "'best'");
    }

    private static float[] Naive(float[] x, int outer, int n, int inner, Func<double, double, double> op, double seed)
    {
        var y = new float[outer * inner];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                double acc = seed;
                for (int a = 0; a < n; a++)
                {
                    float v = x[(((o * n) + a) * inner) + i];
                    acc = float.IsNaN(v) || double.IsNaN(acc) ? double.NaN : op(acc, v);
                }

                y[(o * inner) + i] = (float)acc;
            }
        }

        return y;
    }

    private static float[] NaiveArg(float[] x, int outer, int n, int inner, Func<float, float, bool> better)
    {
        var idx = new float[outer * inner];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int bestA = 0;
                for (int a = 0; a < n; a++)
                {
                    float v = x[(((o * n) + a) * inner) + i];
                    if (float.IsNaN(v))
                    {
                        bestA = a;
                        break;
                    }

                    if (better(v, x[(((o * n) + bestA) * inner) + i]))
                    {
                        bestA = a;
                    }
                }

                idx[(o * inner) + i] = bestA;
            }
        }

        return idx;
    }
}
