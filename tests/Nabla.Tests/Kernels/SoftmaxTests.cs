using Nabla.Kernels;
using Nabla.Tests.Support;

namespace Nabla.Tests.Kernels;

public class SoftmaxTests
{
    public static TheoryData<string> Paths() => [.. ForcedSimd.All];

    [Theory]
    [MemberData(nameof(Paths))]
    public void Softmax_and_log_softmax_match_double_reference_for_every_row_length(string path)
    {
        using var forced = new ForcedSimd(path);
        foreach (int cols in ActivationOpsTests.Lengths())
        {
            const int rows = 3;
            float[] x = TestData.UniformArray(rows * cols, -10f, 10f, seed: cols);
            var y = new float[x.Length];
            var ly = new float[x.Length];
            Softmax.SoftmaxRows(x, y, rows, cols);
            Softmax.LogSoftmaxRows(x, ly, rows, cols);
            AssertRowsMatchReference(x, y, ly, rows, cols);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Backward_helpers_match_the_jacobian_products(string path)
    {
        using var forced = new ForcedSimd(path);
        foreach (int cols in ActivationOpsTests.Lengths())
        {
            const int rows = 2;
            float[] x = TestData.UniformArray(rows * cols, -4f, 4f, seed: cols);
            float[] g = TestData.UniformArray(rows * cols, seed: cols + 50);
            var expectedSoftmax = new float[x.Length];
            var expectedLog = new float[x.Length];
            for (int r = 0; r < rows; r++)
            {
                double[] p = ReferenceMath.Softmax(x.AsSpan(r * cols, cols));
                double dot = 0, sum = 0;
                for (int j = 0; j < cols; j++)
                {
                    dot += g[(r * cols) + j] * p[j];
                    sum += g[(r * cols) + j];
                }

                for (int i = 0; i < cols; i++)
                {
                    // softmax: J_ij = p_i(δ_ij − p_j);  log-softmax: J_ij = δ_ij − p_j
                    expectedSoftmax[(r * cols) + i] = (float)(p[i] * (g[(r * cols) + i] - dot));
                    expectedLog[(r * cols) + i] = (float)(g[(r * cols) + i] - (p[i] * sum));
                }
            }

            var y = new float[x.Length];
            var dx = new float[x.Length];
            Softmax.SoftmaxRows(x, y, rows, cols);
            Softmax.SoftmaxBackwardRows(y, g, dx, rows, cols);
            AssertEx.Close(expectedSoftmax, dx, atol: 1e-6, rtol: 1e-5);

            Softmax.LogSoftmaxRows(x, y, rows, cols);
            Softmax.LogSoftmaxBackwardRows(y, g, dx, rows, cols);
            AssertEx.Close(expectedLog, dx, atol: 1e-6, rtol: 1e-5);

            // In place over g.
            float[] gCopy = (float[])g.Clone();
            Softmax.LogSoftmaxBackwardRows(y, gCopy, gCopy, rows, cols);
            Assert.Equal(dx, gCopy);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Huge_logits_do_not_overflow(string path)
    {
        using var forced = new ForcedSimd(path);
        float[] x = [1e4f, 0f, -1e4f, 9999f, 3e38f, -3e38f, 88.8f, 1e4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f, 16f];
        var y = new float[x.Length];
        Softmax.SoftmaxRows(x, y, 1, x.Length);
        Assert.All(y, v => Assert.True(float.IsFinite(v) && v >= 0f));
        Assert.Equal(1f, y[4]);       // 3e38 dominates everything
        Assert.Equal(0f, y[0]);

        float[] x2 = [1e4f, -1e4f, 9999f, 1e4f];
        var ly = new float[4];
        Softmax.LogSoftmaxRows(x2, ly, 1, 4);
        double[] expected = ReferenceMath.LogSoftmax(x2);

        // The entries near the maximum are small (−0.86, −1.86) and must keep full precision: computing
        // x − (m + ln Σ) instead would round through 1e4 and lose up to 5e-4.
        AssertEx.Close(expected.Select(v => (float)v).ToArray(), ly, atol: 1e-6, rtol: 1e-6);
        Assert.Equal(-Math.Log(2 + Math.Exp(-1)), ly[0], 1e-6);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Negative_infinity_entries_get_zero_probability(string path)
    {
        using var forced = new ForcedSimd(path);
        float[] x = Enumerable.Range(0, 21).Select(i => i % 3 == 0 ? float.NegativeInfinity : i * 0.1f).ToArray();
        var y = new float[x.Length];
        var ly = new float[x.Length];
        Softmax.SoftmaxRows(x, y, 1, x.Length);
        Softmax.LogSoftmaxRows(x, ly, 1, x.Length);
        double[] finite = ReferenceMath.Softmax(x.Where(float.IsFinite).ToArray());
        int k = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (float.IsNegativeInfinity(x[i]))
            {
                Assert.Equal(0f, y[i]);
                Assert.Equal(float.NegativeInfinity, ly[i]);
            }
            else
            {
                Assert.Equal(finite[k], y[i], 1e-6);
                Assert.Equal(Math.Log(finite[k++]), ly[i], 1e-5);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Blocks_of_narrow_rows_match_double_reference_out_of_place_and_in_place(string path)
    {
        using var forced = new ForcedSimd(path);
        for (int cols = 1; cols < Softmax.NarrowColumns; cols++)
        {
            // 250 rows of 10 cross two blocks of 102 rows; 4 is the fewest rows the block path takes.
            foreach (int rows in (int[])[Softmax.NarrowMinRows, 5, 103, 250])
            {
                float[] x = TestData.UniformArray(rows * cols, -10f, 10f, seed: (rows * 31) + cols);
                var y = new float[x.Length];
                var ly = new float[x.Length];
                Softmax.SoftmaxRows(x, y, rows, cols);
                Softmax.LogSoftmaxRows(x, ly, rows, cols);
                AssertRowsMatchReference(x, y, ly, rows, cols);

                float[] inPlace = (float[])x.Clone(), logInPlace = (float[])x.Clone();
                Softmax.SoftmaxRows(inPlace, inPlace, rows, cols);
                Softmax.LogSoftmaxRows(logInPlace, logInPlace, rows, cols);
                Assert.Equal(y, inPlace);
                Assert.Equal(ly, logInPlace);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void In_a_block_of_narrow_rows_infinities_and_nan_stay_in_their_own_row(string path)
    {
        using var forced = new ForcedSimd(path);
        const int Cols = 10;
        float[][] rows =
        [
            [.. Enumerable.Range(0, Cols).Select(i => i * 0.3f)],
            [.. Enumerable.Repeat(float.NegativeInfinity, Cols)],                              // no finite maximum: NaN
            [.. Enumerable.Range(0, Cols).Select(i => i % 3 == 0 ? float.NegativeInfinity : -i * 0.2f)],
            [.. Enumerable.Range(0, Cols).Select(i => i == 4 ? float.NaN : i * 0.1f)],           // NaN: the row is NaN
            [.. Enumerable.Range(0, Cols).Select(i => i == 7 ? float.PositiveInfinity : 1f)],    // +∞: the row is NaN
            [.. Enumerable.Range(0, Cols).Select(i => 5f - i)],
        ];
        float[] x = [.. rows.SelectMany(r => r)];
        var y = new float[x.Length];
        var ly = new float[x.Length];
        Softmax.SoftmaxRows(x, y, rows.Length, Cols);
        Softmax.LogSoftmaxRows(x, ly, rows.Length, Cols);

        foreach (int nanRow in (int[])[1, 3, 4])
        {
            Assert.All(y.AsSpan(nanRow * Cols, Cols).ToArray(), v => Assert.True(float.IsNaN(v)));
            Assert.All(ly.AsSpan(nanRow * Cols, Cols).ToArray(), v => Assert.True(float.IsNaN(v)));
        }

        foreach (int r in (int[])[0, 2, 5])
        {
            float[] row = rows[r];
            double[] p = new double[Cols];
            double[] finite = ReferenceMath.Softmax(row.Where(float.IsFinite).ToArray());
            for (int j = 0, k = 0; j < Cols; j++)
            {
                p[j] = float.IsNegativeInfinity(row[j]) ? 0 : finite[k++];
            }

            for (int j = 0; j < Cols; j++)
            {
                Assert.Equal(p[j], y[(r * Cols) + j], 1e-6);
                if (p[j] == 0)
                {
                    Assert.Equal(float.NegativeInfinity, ly[(r * Cols) + j]);
                }
                else
                {
                    Assert.Equal(Math.Log(p[j]), ly[(r * Cols) + j], 1e-5);
                }
            }
        }
    }

    [Fact]
    public void A_row_with_no_finite_maximum_is_nan_and_does_not_spill_into_other_rows()
    {
        float[] x = [float.NegativeInfinity, float.NegativeInfinity, 1f, 2f];
        var y = new float[4];
        Softmax.SoftmaxRows(x, y, 2, 2);
        Assert.True(float.IsNaN(y[0]) && float.IsNaN(y[1]));
        Assert.Equal(ReferenceMath.Softmax(x.AsSpan(2, 2)).Select(v => (float)v).ToArray(), y[2..]);
    }

    [Fact]
    public void Works_in_place_and_rejects_short_spans()
    {
        float[] x = TestData.UniformArray(34, -3f, 3f, seed: 9);
        float[] expected = ReferenceMath.Softmax(x).Select(v => (float)v).ToArray();
        Softmax.SoftmaxRows(x, x, 1, 34);
        AssertEx.Close(expected, x, atol: 1e-7, rtol: 2e-6);

        AssertEx.Throws<ArgumentException>(() => Softmax.SoftmaxRows(new float[5], new float[6], 2, 3), "'x'", "6", "5");
        AssertEx.Throws<ArgumentException>(() => Softmax.LogSoftmaxRows(new float[6], new float[5], 2, 3), "'y'", "6", "5");
    }

    // Row by row, softmax y and log-softmax ly of x against the double-precision reference.
    private static void AssertRowsMatchReference(float[] x, float[] y, float[] ly, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = x.AsSpan(r * cols, cols);
            AssertEx.Close(ReferenceMath.Softmax(row).Select(v => (float)v).ToArray(), y.AsSpan(r * cols, cols), atol: 1e-7, rtol: 2e-6);
            AssertEx.Close(ReferenceMath.LogSoftmax(row).Select(v => (float)v).ToArray(), ly.AsSpan(r * cols, cols), atol: 2e-6, rtol: 1e-6);
        }
    }
}
