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
}
