using Nabla.Kernels;
using Nabla.Kernels.Parallel;
using Nabla.Tests.Support;

namespace Nabla.Tests.Kernels;

[Collection(KernelSettingsCollection.Name)]
public class FiniteTests
{
    private static readonly float[] s_nonFinite = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];

    // Finite values at the edges of the x − x trick: the largest floats (x − x = 0, no overflow), subnormals, −0.
    private static readonly float[] s_edgeFinite = [float.MaxValue, float.MinValue, float.Epsilon, -float.Epsilon, -0f, 1e-40f];

    /// <summary>
    /// Every path crossed with 0, 1, primes, lengths around each vector width (8 and 16 floats, and their multiples
    /// up to 3 vectors) and large ones.
    /// </summary>
    public static TheoryData<string, int> PathsAndLengths()
    {
        int[] lengths = [0, 1, 2, 3, 5, 7, 8, 9, 11, 13, 15, 16, 17, 19, 23, 24, 25, 29, 31, 32, 33, 37, 41, 47, 48, 49, 53, 61, 63, 64, 65, 97, 127, 257, 1009, 4099];
        var data = new TheoryData<string, int>();
        foreach (string path in ForcedSimd.All)
        {
            foreach (int n in lengths)
            {
                data.Add(path, n);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PathsAndLengths))]
    public void IndexOfNonFinite_matches_a_naive_scan_for_NaN_and_infinities_at_every_position(string path, int n)
    {
        float[] x = FiniteValues(n, seed: n);
        using var forced = new ForcedSimd(path);
        Assert.Equal(-1, Finite.IndexOfNonFinite(x));
        Assert.Equal(-1, Finite.IndexOfNonFinite(x.AsSpan(0, n / 2)));

        // Large arrays: every position near the vector boundaries and the ends, and a seeded sample of the rest.
        var rng = new System.Random(n);
        IEnumerable<int> positions = n <= 257
            ? Enumerable.Range(0, n)
            : Enumerable.Range(0, 70).Concat(Enumerable.Range(n - 70, 70)).Concat(Enumerable.Range(0, 100).Select(_ => rng.Next(n)));
        foreach (int p in positions)
        {
            foreach (float bad in s_nonFinite)
            {
                x[p] = bad;
                Assert.Equal(Naive(x), Finite.IndexOfNonFinite(x));   // == p
                Assert.Equal(p, Finite.IndexOfNonFinite(x));

                // A second one later must not win, and a slice that ends before p sees none.
                int later = p + 1 + rng.Next(Math.Max(1, n - p - 1));
                if (later < n)
                {
                    float saved = x[later];
                    x[later] = s_nonFinite[rng.Next(s_nonFinite.Length)];
                    Assert.Equal(p, Finite.IndexOfNonFinite(x));
                    x[later] = saved;
                }

                Assert.Equal(-1, Finite.IndexOfNonFinite(x.AsSpan(0, p)));
                Assert.Equal(Naive(x[(p / 2)..]), Finite.IndexOfNonFinite(x.AsSpan(p / 2)));   // unaligned starts
            }

            x[p] = s_edgeFinite[p % s_edgeFinite.Length];
        }

        Assert.Equal(-1, Finite.IndexOfNonFinite(x));   // the edge values left behind are all finite
    }

    // The batch check splits a matrix's rows over the threads as RowGather splits a gathered batch, and must still
    // return the first bad element of the whole: one in every row of a small matrix (with every part finding one),
    // one in the last part only, none, and lengths that are not whole rows (checked on one thread).
    [Theory]
    [InlineData(7, 5)]
    [InlineData(256, 784)]
    [InlineData(33, 17)]
    [InlineData(1, 100)]
    public void IndexOfNonFinite_by_rows_finds_the_first_bad_element_on_one_thread_and_split(int rows, int rowLength)
    {
        int saved = RowGather.MinBytesPerThread;
        try
        {
            foreach (int minBytes in new[] { 1 << 30, 1 })
            {
                RowGather.MinBytesPerThread = minBytes;
                int n = rows * rowLength;
                float[] x = FiniteValues(n, seed: rows);
                long before = ParallelRunner.BatchCount;
                Assert.Equal(-1, Finite.IndexOfNonFinite(x, rowLength));
                bool split = ParallelRunner.BatchCount > before;
                Assert.Equal(minBytes == 1 && rows > 1 && ParallelRunner.MaxParallelism > 1, split);

                for (int p = n - 1; p >= 0; p -= Math.Max(1, n / 23))
                {
                    x[p] = s_nonFinite[p % s_nonFinite.Length];
                    Assert.Equal(Naive(x), Finite.IndexOfNonFinite(x, rowLength));
                }

                Assert.Equal(Naive(x), Finite.IndexOfNonFinite(x.AsSpan(0, n - 1), rowLength));   // not whole rows
                Assert.Equal(Naive(x), Finite.IndexOfNonFinite(x, 0));
            }
        }
        finally
        {
            RowGather.MinBytesPerThread = saved;
        }
    }

    private static float[] FiniteValues(int n, int seed)
    {
        float[] x = TestData.UniformArray(n, -1e6f, 1e6f, seed);
        for (int i = 0; i < n; i += 5)
        {
            x[i] = s_edgeFinite[(i / 5) % s_edgeFinite.Length];
        }

        return x;
    }

    private static int Naive(float[] x) => Array.FindIndex(x, v => float.IsNaN(v) || float.IsInfinity(v));
}
