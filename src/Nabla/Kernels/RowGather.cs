using System.Runtime.Intrinsics.X86;
using Nabla.Kernels.Parallel;

namespace Nabla.Kernels;

/// <summary>Copies rows picked by index out of a matrix into consecutive rows: a shuffled training batch.</summary>
/// <remarks>
/// Rows picked at random out of a training set larger than the caches (Fashion-MNIST's is 188 MB) come from memory,
/// each on pages of its own, so the copy waits on cache and TLB misses rather than on bandwidth: one thread gathered
/// 256 images (800 KB) in 180–200 µs where a contiguous copy of the same size took 76–83 µs. Two things keep more
/// misses in flight: large gathers are split over the threads in runs of consecutive destination rows (200 → 110 µs
/// on two cores), and each thread prefetches the row <see cref="PrefetchDistance"/> places ahead of the one it copies
/// (x86 only; 110 → 99 µs). A batch of 32 images went from 26 to 14 µs. Rows are copied by <see cref="RowOps.Copy"/>:
/// with <c>Span.CopyTo</c> (the framework's precompiled copy) one thread gathered 256 images on a Xeon (AVX-512) in
/// 110–120 µs, with RowOps in 86–104 (medians of three alternating runs).
/// </remarks>
internal static unsafe class RowGather
{
    /// <summary>How many rows ahead of the copy a thread prefetches (2 and 4 measured alike, 0 about 10% slower).</summary>
    private const int PrefetchDistance = 2;

    /// <summary>Bytes a gather moves per thread before it is split (default 32 KB); tests set 1 to split tiny gathers.</summary>
    internal static int MinBytesPerThread { get; set; } = 32 * 1024;

    /// <summary><c>dst</c> row i = <c>src</c> row <c>rows[i]</c>, for rows of <paramref name="rowLength"/> floats.</summary>
    /// <param name="src">The source rows, back to back.</param>
    /// <param name="rows">The source row of each destination row; every one in [0, src.Length / rowLength).</param>
    /// <param name="rowLength">Floats per row.</param>
    /// <param name="dst">The destination, at least <c>rows.Length · rowLength</c> floats.</param>
    /// <exception cref="ArgumentOutOfRangeException">A row index is outside the source, or the row length is negative.</exception>
    /// <exception cref="ArgumentException">The destination is too short.</exception>
    public static void Copy(ReadOnlySpan<float> src, ReadOnlySpan<int> rows, int rowLength, Span<float> dst)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rowLength);
        long need = (long)rows.Length * rowLength;
        if (dst.Length < need)
            ThrowHelper.DestinationTooShort(nameof(dst), need, dst.Length);
        if (rowLength == 0 || rows.Length == 0)
            return;

        int available = src.Length / rowLength;
        foreach (int r in rows)
        {
            if ((uint)r >= (uint)available)
                throw new ArgumentOutOfRangeException(nameof(rows), $"RowGather.Copy: row {r} is outside the source's {available} rows.");
        }

        int parts = Parts(need, rows.Length);
        fixed (float* s = src, d = dst)
        fixed (int* r = rows)
        {
            var job = new Job { Src = s, Dst = d, Rows = r, Count = rows.Length, RowLength = rowLength, Parts = parts };
            ParallelRunner.For(parts, ref job);
        }
    }

    /// <summary>The parts a gather of <paramref name="count"/> rows, <paramref name="elements"/> floats in all, runs as: one per <see cref="MinBytesPerThread"/>, at most one a row and one a thread.</summary>
    /// <param name="elements">Floats gathered.</param>
    /// <param name="count">Rows gathered.</param>
    internal static int Parts(long elements, int count) =>
        (int)Math.Clamp(elements * sizeof(float) / Math.Max(1, MinBytesPerThread), 1, Math.Max(1, Math.Min(ParallelRunner.MaxParallelism, count)));

    /// <summary>
    /// The first of the rows that part <paramref name="part"/> of <paramref name="parts"/> copies (<paramref name="count"/>
    /// for the end): the even cut of <see cref="WeightShares.Start"/>.
    /// </summary>
    /// <param name="count">Rows gathered.</param>
    /// <param name="part">The part, from 0 to <paramref name="parts"/>.</param>
    /// <param name="parts">How many parts.</param>
    internal static int PartStart(int count, int part, int parts) => WeightShares.Start(count, part, parts);

    private struct Job : IParallelJob
    {
        public float* Src, Dst;
        public int* Rows;
        public int Count, RowLength, Parts;

        public readonly void Execute(int index)
        {
            int first = PartStart(Count, index, Parts), last = PartStart(Count, index + 1, Parts);
            nint length = RowLength;
            for (int i = first; i < last; i++)
            {
                if (Sse.IsSupported && i + PrefetchDistance < last)
                    PrefetchRow(Src + (Rows[i + PrefetchDistance] * length), length);
                RowOps.Copy(Src + (Rows[i] * length), Dst + (i * length), length);
            }
        }

        // Asks for every cache line of a row of 'length' floats at p; a prefetch never faults.
        private static void PrefetchRow(float* p, nint length)
        {
            byte* line = (byte*)p, end = (byte*)(p + length);
            for (; line < end; line += 64)
                Sse.Prefetch0(line);
            Sse.Prefetch0(end - 1);
        }
    }
}
