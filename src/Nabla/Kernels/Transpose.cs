using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Kernels;

/// <summary>Matrix transposition into a new buffer.</summary>
internal static class Transpose
{
    // 32×32 floats = 4 KiB per tile of each matrix, so a source tile and a destination tile sit in L1 together.
    private const int Tile = 32;

    /// <summary>
    /// y[j, i] = x[i, j] for x of shape [rows, cols] and y of shape [cols, rows]. y must not overlap x.
    /// </summary>
    /// <remarks>
    /// Tile by tile; inside a tile, 8×8 blocks are transposed in registers with AVX (eight row loads, three
    /// rounds of shuffles, eight row stores) instead of 64 scattered scalar stores. Edges and CPUs without AVX
    /// use the scalar loop.
    /// </remarks>
    public static void Matrix(ReadOnlySpan<float> x, int rows, int cols, Span<float> y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        int size = rows * cols;
        if (x.Length < size)
        {
            ThrowHelper.SourceTooShort(nameof(x), size, x.Length);
        }

        if (y.Length < size)
        {
            ThrowHelper.DestinationTooShort(nameof(y), size, y.Length);
        }

        if (rows == 1 || cols == 1)
        {
            // A vector's transpose has the same element order.
            x[..size].CopyTo(y);
            return;
        }

        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        bool avx = Avx.IsSupported && Simd.Use256;
        for (int i0 = 0; i0 < rows; i0 += Tile)
        {
            int i1 = Math.Min(i0 + Tile, rows);
            for (int j0 = 0; j0 < cols; j0 += Tile)
            {
                int j1 = Math.Min(j0 + Tile, cols);
                int i = i0;
                if (avx)
                {
                    for (; i <= i1 - 8; i += 8)
                    {
                        int j = j0;
                        for (; j <= j1 - 8; j += 8)
                        {
                            Block8x8(ref Unsafe.Add(ref px, (i * cols) + j), cols, ref Unsafe.Add(ref py, (j * rows) + i), rows);
                        }

                        Scalar(ref px, rows, cols, ref py, i, i + 8, j, j1);
                    }
                }

                Scalar(ref px, rows, cols, ref py, i, i1, j0, j1);
            }
        }
    }

    private static void Scalar(ref float x, int rows, int cols, ref float y, int i0, int i1, int j0, int j1)
    {
        for (int i = i0; i < i1; i++)
        {
            for (int j = j0; j < j1; j++)
            {
                Unsafe.Add(ref y, (j * rows) + i) = Unsafe.Add(ref x, (i * cols) + j);
            }
        }
    }

    // The classic AVX 8×8 transpose: interleave pairs of rows (unpack), then pairs of pairs (shuffle), then
    // swap 128-bit halves (permute) so that output row k holds column k of the block.
    private static void Block8x8(ref float x, int ldx, ref float y, int ldy)
    {
        Vector256<float> r0 = Vector256.LoadUnsafe(ref x), r1 = Vector256.LoadUnsafe(ref x, (nuint)ldx);
        Vector256<float> r2 = Vector256.LoadUnsafe(ref x, (nuint)(2 * ldx)), r3 = Vector256.LoadUnsafe(ref x, (nuint)(3 * ldx));
        Vector256<float> r4 = Vector256.LoadUnsafe(ref x, (nuint)(4 * ldx)), r5 = Vector256.LoadUnsafe(ref x, (nuint)(5 * ldx));
        Vector256<float> r6 = Vector256.LoadUnsafe(ref x, (nuint)(6 * ldx)), r7 = Vector256.LoadUnsafe(ref x, (nuint)(7 * ldx));

        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);

        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);

        Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref y);
        Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref y, (nuint)ldy);
        Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref y, (nuint)(2 * ldy));
        Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref y, (nuint)(3 * ldy));
        Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref y, (nuint)(4 * ldy));
        Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref y, (nuint)(5 * ldy));
        Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref y, (nuint)(6 * ldy));
        Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref y, (nuint)(7 * ldy));
    }
}
