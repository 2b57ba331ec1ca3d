using Nabla.Kernels;
using Nabla.Kernels.Parallel;
using Nabla.Tests.Support;

namespace Nabla.Tests.Kernels;

[Collection(KernelSettingsCollection.Name)]
public class RowGatherTests
{
    public static TheoryData<int, int, int> Shapes() => new()
    {
        // sourceRows, rowLength, picked
        { 1, 1, 1 },
        { 5, 1, 17 },       // labels: one float a row, rows picked repeatedly
        { 10, 3, 10 },
        { 100, 784, 32 },   // a batch of images
        { 300, 784, 256 },
        { 7, 17, 3 },       // fewer rows than the prefetch distance ahead
        { 64, 16, 0 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Copy_matches_a_naive_gather_on_one_thread_and_split_over_every_thread(int sourceRows, int rowLength, int picked)
    {
        var rng = new System.Random(sourceRows * 31 + picked);
        float[] src = Enumerable.Range(0, sourceRows * rowLength).Select(_ => (float)rng.NextDouble()).ToArray();
        int[] rows = Enumerable.Range(0, picked).Select(_ => rng.Next(sourceRows)).ToArray();
        float[] expected = Naive(src, rows, rowLength);

        foreach (int minBytes in new[] { 1 << 30, 1 })
        {
            int saved = RowGather.MinBytesPerThread;
            RowGather.MinBytesPerThread = minBytes;
            try
            {
                long batchesBefore = ParallelRunner.BatchCount;
                float[] dst = Enumerable.Repeat(float.NaN, (picked * rowLength) + 5).ToArray();
                RowGather.Copy(src, rows, rowLength, dst);
                Assert.Equal(expected, dst[..(picked * rowLength)]);
                Assert.All(dst[(picked * rowLength)..], v => Assert.True(float.IsNaN(v)));   // nothing written past the rows

                bool split = ParallelRunner.BatchCount > batchesBefore;
                Assert.Equal(minBytes == 1 && picked > 1 && ParallelRunner.MaxParallelism > 1, split);
            }
            finally
            {
                RowGather.MinBytesPerThread = saved;
            }
        }
    }

    [Fact]
    public void Copy_rejects_a_row_outside_the_source_and_a_short_destination()
    {
        float[] src = new float[12];   // 4 rows of 3
        AssertEx.Throws<ArgumentOutOfRangeException>(() => RowGather.Copy(src, [0, 4], 3, new float[6]),
            "RowGather.Copy: row 4 is outside the source's 4 rows.");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => RowGather.Copy(src, [-1], 3, new float[3]),
            "RowGather.Copy: row -1 is outside the source's 4 rows.");
        Assert.Throws<ArgumentException>(() => RowGather.Copy(src, [0, 1], 3, new float[5]));
    }

    [Fact]
    public void Copy_allocates_nothing()
    {
        float[] src = new float[300 * 784], dst = new float[256 * 784];
        int[] rows = Enumerable.Range(0, 256).Select(i => (i * 37) % 300).ToArray();
        RowGather.Copy(src, rows, 784, dst);
        AllocationAssert.DoesNotAllocate(() => RowGather.Copy(src, rows, 784, dst));
    }

    private static float[] Naive(float[] src, int[] rows, int rowLength)
    {
        var dst = new float[rows.Length * rowLength];
        for (int i = 0; i < rows.Length; i++)
        {
            for (int j = 0; j < rowLength; j++)
            {
                dst[(i * rowLength) + j] = src[(rows[i] * rowLength) + j];
            }
        }

        return dst;
    }
}
