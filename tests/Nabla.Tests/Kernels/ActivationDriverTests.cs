using Nabla.Kernels;
using Nabla.Tests.Support;

namespace Nabla.Tests.Kernels;

public class ActivationDriverTests
{
    public static TheoryData<string> Paths() => [.. ForcedSimd.All];

    [Theory]
    [MemberData(nameof(Paths))]
    public void MapBias_adds_the_bias_to_every_row_then_activates_and_keeps_the_sum(string path)
    {
        using var forced = new ForcedSimd(path);
        foreach (int cols in ActivationOpsTests.Lengths().Where(c => c > 0))
        {
            foreach (int rows in new[] { 1, 3 })
            {
                float[] x = TestData.UniformArray(rows * cols, -3f, 3f, seed: cols);
                float[] b = TestData.UniformArray(cols, -1f, 1f, seed: cols + 1);
                float[] z = x.Select((v, i) => v + b[i % cols]).ToArray();
                var y = new float[x.Length];
                var pre = new float[x.Length];
                ActivationDriver.MapBias(new SoftplusOp(), x, b, y, pre);
                Assert.Equal(z, pre);
                AssertEx.Close(z.Select(v => (float)ReferenceMath.Softplus(v)).ToArray(), y, atol: 1e-6, rtol: 2e-6);

                // In place, without keeping the pre-activation (the fused dense forward).
                ActivationDriver.MapBias(new ReluOp(), x, b, x, default);
                Assert.Equal(z.Select(v => MathF.Max(v, 0f)).ToArray(), x);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void MapGradientColumnSums_matches_map_and_naive_column_sums(string path)
    {
        using var forced = new ForcedSimd(path);
        foreach (int cols in ActivationOpsTests.Lengths().Where(c => c > 0))
        {
            const int rows = 5;
            float[] g = TestData.UniformArray(rows * cols, seed: cols);
            float[] x = TestData.UniformArray(rows * cols, -3f, 3f, seed: cols + 7);
            var expected = new float[g.Length];
            ActivationDriver.MapGradient(new SwishGradientOp(), g, x, expected);
            var sums = new double[cols];
            for (int i = 0; i < g.Length; i++)
            {
                sums[i % cols] += expected[i];
            }

            var dx = new float[g.Length];
            var columnSums = Enumerable.Repeat(99f, cols).ToArray();   // overwritten, not accumulated
            ActivationDriver.MapGradientColumnSums(new SwishGradientOp(), g, x, dx, columnSums);

            // Rows split the vectors at other places than the flat map, so an element may take the other path.
            AssertEx.Close(expected, dx, atol: 1e-7, rtol: 1e-6);
            AssertEx.Close(sums.Select(s => (float)s).ToArray(), columnSums, atol: 1e-5, rtol: 1e-5);

            // In place over g.
            ActivationDriver.MapGradientColumnSums(new SwishGradientOp(), g, x, g, columnSums);
            Assert.Equal(dx, g);
        }
    }

    // Each column is summed in row order from zero, each element computed on the path its column position in a row
    // gives it, whether the sums stay in registers (rows of at most 8 whole vectors: 24, 32 and 64 columns) or are
    // added in memory (7, 41, 130 columns): the same bits as a row-by-row loop.
    [Theory]
    [MemberData(nameof(Paths))]
    public void MapGradientColumnSums_sums_each_column_in_row_order(string path)
    {
        using var forced = new ForcedSimd(path);
        foreach (int cols in new[] { 32, 64, 24, 7, 41, 130 })
        {
            int rows = 4099 / cols + 3;
            float[] g = TestData.UniformArray(rows * cols, seed: cols);
            float[] x = TestData.UniformArray(rows * cols, -3f, 3f, seed: cols + 7);
            float[] rowDx = new float[g.Length];
            float[] rowSums = new float[cols];
            for (int r = 0; r < rows; r++)
            {
                // One row through the flat map: its columns take the same vector widths as in the fused driver.
                ActivationDriver.MapGradient(new SwishGradientOp(), g.AsSpan(r * cols, cols), x.AsSpan(r * cols, cols), rowDx.AsSpan(r * cols, cols));
                for (int c = 0; c < cols; c++)
                    rowSums[c] += rowDx[(r * cols) + c];
            }

            var dx = new float[g.Length];
            var sums = new float[cols];
            ActivationDriver.MapGradientColumnSums(new SwishGradientOp(), g, x, dx, sums);
            Assert.True(rowDx.AsSpan().SequenceEqual(dx), $"dx, {cols} columns");
            Assert.True(rowSums.AsSpan().SequenceEqual(sums), $"sums, {cols} columns");
        }
    }

    [Fact]
    public void Map_works_in_place()
    {
        float[] x = TestData.UniformArray(45, -4f, 4f, seed: 3);
        float[] expected = x.Select(v => (float)Math.Tanh(v)).ToArray();
        ActivationDriver.Map(new TanhOp(), x, x);
        AssertEx.Close(expected, x, atol: 1e-7, rtol: 4e-7);
    }

    [Fact]
    public void Empty_inputs_are_no_ops()
    {
        ActivationDriver.Map(new ReluOp(), [], []);
        ActivationDriver.MapBias(new ReluOp(), [], [], [], []);
        float[] sums = [5f, 5f];
        ActivationDriver.MapGradientColumnSums(new ReluGradientOp(), [], [], [], sums);
        Assert.Equal([0f, 0f], sums);
    }

    [Fact]
    public void Drivers_reject_mismatched_spans()
    {
        AssertEx.Throws<ArgumentException>(() => ActivationDriver.Map(new ReluOp(), new float[4], new float[3]), "'y'", "4", "3");
        AssertEx.Throws<ArgumentException>(() => ActivationDriver.MapBias(new ReluOp(), new float[7], new float[3], new float[7], default), "'x'", "'bias'");
        AssertEx.Throws<ArgumentException>(() => ActivationDriver.MapBias(new ReluOp(), new float[6], new float[3], new float[6], new float[5]), "'pre'");
        AssertEx.Throws<ArgumentException>(() => ActivationDriver.MapGradient(new ReluGradientOp(), new float[4], new float[5], new float[5]), "'g'", "'v'");
        AssertEx.Throws<ArgumentException>(() => ActivationDriver.MapGradientColumnSums(new ReluGradientOp(), new float[6], new float[6], new float[6], new float[4]), "'columnSums'");
    }
}
