namespace Nabla.Kernels;

/// <summary>Matrix transposition into a new buffer.</summary>
internal static class Transpose
{
    // 32×32 floats = 4 KiB per tile of each matrix, so a source tile and a destination tile sit in L1 together
    // and each cache line fetched is used 16 times before it is evicted.
    private const int Tile = 32;

    /// <summary>
    /// y[j, i] = x[i, j] for x of shape [rows, cols] and y of shape [cols, rows], tile by tile. y must not
    /// overlap x.
    /// </summary>
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

        for (int i0 = 0; i0 < rows; i0 += Tile)
        {
            int i1 = Math.Min(i0 + Tile, rows);
            for (int j0 = 0; j0 < cols; j0 += Tile)
            {
                int j1 = Math.Min(j0 + Tile, cols);
                for (int i = i0; i < i1; i++)
                {
                    ReadOnlySpan<float> src = x.Slice((i * cols) + j0, j1 - j0);
                    for (int j = 0; j < src.Length; j++)
                    {
                        y[((j0 + j) * rows) + i] = src[j];
                    }
                }
            }
        }
    }
}
