using Nabla.Kernels;
using Nabla.Tests.Support;

namespace Nabla.Tests.Kernels;

/// <summary>The column sums of a large activation gradient, cut into slots of rows that the threads share.</summary>
[Collection(KernelSettingsCollection.Name)]
public sealed class ActivationColumnSumSlotsTests : IDisposable
{
    public ActivationColumnSumSlotsTests() => KernelPaths.Reset();

    public void Dispose() => KernelPaths.Reset();

    public static TheoryData<string, int> PathsAndThreads()
    {
        var data = new TheoryData<string, int>();
        foreach (string path in ForcedSimd.All)
        {
            foreach (int threads in KernelPaths.Threads)
                data.Add(path, threads);
        }

        return data;
    }

    // A gradient of n elements is cut into clamp(n / 65,536, 1, 8) slots of rows (W5's first layer at batch 32,
    // 25,088 × 32: 8 slots); each slot sums its rows in order from zero, and the slots are added in order: the same
    // bits as that loop, on one thread or all, with sums in registers (32 and 64 columns) or in memory (41 columns).
    [Theory]
    [MemberData(nameof(PathsAndThreads))]
    public void Slots_of_rows_are_summed_in_order_whatever_the_threads(string path, int threads)
    {
        using var forced = new ForcedSimd(path);
        SpatialThreads.MaxThreads = threads;
        SpatialThreads.MinElementsPerThread = 0;
        foreach ((int rows, int cols) in new[] { (25_088, 32), (3_000, 64), (5_000, 41), (2_047, 32) })
        {
            float[] g = TestData.UniformArray(rows * cols, seed: cols);
            float[] x = TestData.UniformArray(rows * cols, -3f, 3f, seed: cols + 7);
            int slots = Math.Clamp(rows * cols / 65_536, 1, 8);
            float[] expectedDx = new float[g.Length], expectedSums = new float[cols];
            for (int slot = 0; slot < slots; slot++)
            {
                int first = rows * slot / slots, last = rows * (slot + 1) / slots;
                float[] partial = new float[cols];
                for (int r = first; r < last; r++)
                {
                    // One row through the flat map, as the fused driver's columns take the same vector widths.
                    ActivationDriver.MapGradient(new SwishGradientOp(), g.AsSpan(r * cols, cols), x.AsSpan(r * cols, cols), expectedDx.AsSpan(r * cols, cols));
                    for (int c = 0; c < cols; c++)
                        partial[c] += expectedDx[(r * cols) + c];
                }

                for (int c = 0; c < cols; c++)
                    expectedSums[c] = slot == 0 ? partial[c] : expectedSums[c] + partial[c];
            }

            float[] dx = new float[g.Length], sums = Enumerable.Repeat(99f, cols).ToArray();
            ActivationDriver.MapGradientColumnSums(new SwishGradientOp(), g, x, dx, sums);
            Assert.True(expectedDx.AsSpan().SequenceEqual(dx), $"dx, {rows} × {cols}");
            Assert.True(expectedSums.AsSpan().SequenceEqual(sums), $"sums, {rows} × {cols}, {slots} slots");
        }
    }

    // ColumnSums (the bias gradient of a convolution fused with its pooling) sums a buffer exactly as
    // MapGradientColumnSums sums a gradient equal to it (ReLU's, where the buffer is already masked), without writing
    // to the buffer: the same bits, on one thread or all, in registers or in memory, one slot or several.
    [Theory]
    [MemberData(nameof(PathsAndThreads))]
    public void Column_sums_of_a_buffer_are_the_gradient_driver_s_bits(string path, int threads)
    {
        using var forced = new ForcedSimd(path);
        SpatialThreads.MaxThreads = threads;
        SpatialThreads.MinElementsPerThread = 0;
        foreach ((int rows, int cols) in new[] { (25_088, 32), (6_272, 64), (5_000, 41), (37, 64), (3, 7) })
        {
            float[] x = TestData.UniformArray(rows * cols, seed: cols);
            for (int i = 0; i < x.Length; i += 3)
                x[i] = 0f;
            float[] ones = Enumerable.Repeat(1f, x.Length).ToArray(), dx = new float[x.Length];
            float[] expected = new float[cols], sums = Enumerable.Repeat(99f, cols).ToArray();
            ActivationDriver.MapGradientColumnSums(new ReluGradientOp(), x, ones, dx, expected);
            float[] before = (float[])x.Clone();
            ActivationDriver.ColumnSums(x, sums);
            Assert.True(expected.AsSpan().SequenceEqual(sums), $"sums, {rows} × {cols}");
            Assert.Equal(before, x);
        }

        float[] empty = Enumerable.Repeat(5f, 4).ToArray();
        ActivationDriver.ColumnSums([], empty);
        Assert.All(empty, v => Assert.Equal(0f, v));
        AssertEx.Throws<ArgumentException>(() => ActivationDriver.ColumnSums(new float[10], new float[4]), "10", "4");
    }
}
