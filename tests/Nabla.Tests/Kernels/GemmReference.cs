namespace Nabla.Tests.Kernels;

/// <summary>Naive GEMM twin of <c>Nabla.Kernels.Gemm</c>, accumulating in double, plus test matrices.</summary>
internal static class GemmReference
{
    /// <summary>op(A)·op(B) as a dense m×n row-major array of doubles.</summary>
    public static double[] Multiply(bool transposeA, bool transposeB, int m, int n, int k,
        float[] a, int lda, float[] b, int ldb)
    {
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    double x = transposeA ? a[(p * lda) + i] : a[(i * lda) + p];
                    double y = transposeB ? b[(j * ldb) + p] : b[(p * ldb) + j];
                    sum += x * y;
                }

                c[(i * n) + j] = sum;
            }
        }

        return c;
    }

    /// <summary>
    /// A rows×cols matrix with pitch ld: entries uniform in [-1, 1), the padding between rows and
    /// the <paramref name="tail"/> floats after the last row set to <paramref name="padding"/>.
    /// </summary>
    public static float[] Matrix(System.Random random, int rows, int cols, int ld, int tail = 3, float padding = float.NaN)
    {
        int length = rows == 0 ? tail : ((rows - 1) * ld) + cols + tail;
        var data = new float[length];
        Array.Fill(data, padding);
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
                data[(r * ld) + c] = (random.NextSingle() * 2) - 1;
        }

        return data;
    }

    /// <summary>Asserts |actual − expected| ≤ atol + rtol·|expected| over an m×n block with pitch ldc.</summary>
    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, int m, int n, int ldc,
        double atol, double rtol)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double r = expected[(i * n) + j];
                float x = actual[(i * ldc) + j];
                double tolerance = atol + (rtol * Math.Abs(r));
                if (!(Math.Abs(x - r) <= tolerance))
                    Assert.Fail($"C[{i}, {j}] = {x}, expected {r} (tolerance {tolerance:G3}).");
            }
        }
    }
}
