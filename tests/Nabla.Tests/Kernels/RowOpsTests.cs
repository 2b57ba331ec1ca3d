using Nabla.Kernels;
using Nabla.Tests.Support;

namespace Nabla.Tests.Kernels;

public unsafe class RowOpsTests
{
    public static TheoryData<string, int> PathsAndLengths()
    {
        var data = ForcedSimd.PathsAndLengths();
        foreach (string path in ForcedSimd.All)
        {
            foreach (int n in new[] { 63, 64, 65, 127, 128, 129, 4099 })
            {
                data.Add(path, n);
            }
        }

        return data;
    }

    /// <summary>Around the inline limit (256 floats) and the long loops' steps (8, 16, 32 and 64 floats).</summary>
    public static TheoryData<int> CopyLengths() =>
        [0, 1, 7, 8, 9, 31, 32, 33, 63, 64, 65, 255, 256, 257, 258, 263, 264, 287, 288, 289, 319, 320, 321, 1000, 4099];

    [Theory]
    [MemberData(nameof(PathsAndLengths))]
    public void SameBits_is_true_for_equal_bits_and_false_for_one_differing_element_at_every_position(string path, int n)
    {
        float[] a = TestData.UniformArray(n, -10f, 10f, seed: n);
        float[] b = (float[])a.Clone();
        using var forced = new ForcedSimd(path);
        Assert.True(Same(a, b));

        IEnumerable<int> positions = n <= 257 ? Enumerable.Range(0, n) : Enumerable.Range(0, 70).Concat(Enumerable.Range(n - 70, 70));
        foreach (int p in positions)
        {
            float saved = b[p];
            b[p] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(saved) ^ 1);   // the lowest bit only
            Assert.False(Same(a, b), $"a change at {p} of {n} was missed");
            b[p] = saved;
        }

        Assert.True(Same(a, b));
    }

    [Theory]
    [MemberData(nameof(ForcedSimd.PathsAndLengths), MemberType = typeof(ForcedSimd))]
    public void SameBits_compares_bits_not_values(string path, int n)
    {
        if (n == 0)
        {
            return;
        }

        using var forced = new ForcedSimd(path);
        int p = n / 2;
        float[] a = new float[n], b = new float[n];
        b[p] = -0f;   // equal as values, not as bits
        Assert.False(Same(a, b));

        a[p] = float.NaN;
        b[p] = float.NaN;   // never equal as values, the same bits
        Assert.True(Same(a, b));

        b[p] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(float.NaN) | 1);   // another NaN payload
        Assert.False(Same(a, b));
    }

    [Theory]
    [MemberData(nameof(CopyLengths))]
    public void Copy_and_Clear_match_a_naive_loop_short_and_long_and_leave_the_rest_alone(int n)
    {
        float[] src = TestData.UniformArray(n + 2, -1f, 1f, seed: n);
        float[] dst = Enumerable.Repeat(7f, n + 2).ToArray();
        fixed (float* s = src, d = dst)
        {
            RowOps.Copy(s + 1, d + 1, n);   // unaligned by one float
        }

        Assert.Equal(7f, dst[0]);
        Assert.Equal(7f, dst[n + 1]);
        Assert.Equal(src[1..(n + 1)], dst[1..(n + 1)]);

        fixed (float* d = dst)
        {
            RowOps.Copy(d + 1, d + 1, n);   // onto itself: allowed
            Assert.Equal(src[1..(n + 1)], dst[1..(n + 1)]);
            RowOps.Clear(d + 1, n);
        }

        Assert.Equal(7f, dst[0]);
        Assert.Equal(7f, dst[n + 1]);
        Assert.All(dst[1..(n + 1)], v => Assert.Equal(0, BitConverter.SingleToInt32Bits(v)));
    }

    private static bool Same(float[] a, float[] b)
    {
        fixed (float* x = a, y = b)
        {
            return RowOps.SameBits(x, y, a.Length, VectorWidth.Current);
        }
    }
}
