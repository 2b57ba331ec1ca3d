using System.Numerics.Tensors;

namespace Nabla.Kernels;

/// <summary>Which micro-kernel the GEMM uses; tests force each in turn.</summary>
internal enum GemmPath
{
    /// <summary>The best path the CPU supports.</summary>
    Auto,

    /// <summary>Vector512 with FMA.</summary>
    Avx512,

    /// <summary>Vector256 with FMA.</summary>
    Avx2,

    /// <summary>Portable scalar code.</summary>
    Scalar,
}

/// <summary>Single-precision matrix multiplication, C = op(A)·op(B), row-major.</summary>
internal static partial class Gemm
{
    /// <summary>Forces a micro-kernel path (tests); <see cref="GemmPath.Auto"/> picks the best available.</summary>
    internal static GemmPath ForcedPath { get; set; }

    /// <summary>Largest number of threads one product may use.</summary>
    internal static int MaxThreads { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// C[m,n] = op(A)·op(B), or C += op(A)·op(B) when <paramref name="accumulate"/>. op(A) is m×k: A is m×k
    /// (leading dimension lda) or, when <paramref name="transposeA"/>, k×m. op(B) is k×n: B is k×n (ldb) or,
    /// when <paramref name="transposeB"/>, n×k.
    /// </summary>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate = false)
    {
        for (int i = 0; i < m; i++)
        {
            Span<float> row = c.Slice(i * ldc, n);
            if (!accumulate)
            {
                row.Clear();
            }

            for (int p = 0; p < k; p++)
            {
                float av = transposeA ? a[(p * lda) + i] : a[(i * lda) + p];
                if (!transposeB)
                {
                    TensorPrimitives.MultiplyAdd(b.Slice(p * ldb, n), av, row, row);
                }
                else
                {
                    for (int j = 0; j < n; j++)
                    {
                        row[j] += av * b[(j * ldb) + p];
                    }
                }
            }
        }
    }

    /// <summary>Batched <see cref="Multiply"/>: matrix i of A, B and C starts at i times its stride (a stride of 0 reuses one matrix).</summary>
    public static void MultiplyBatched(bool transposeA, bool transposeB, int batch, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, int strideA, ReadOnlySpan<float> b, int ldb, int strideB, Span<float> c, int ldc, int strideC, bool accumulate = false)
    {
        for (int i = 0; i < batch; i++)
        {
            Multiply(transposeA, transposeB, m, n, k, a[(i * strideA)..], lda, b[(i * strideB)..], ldb, c[(i * strideC)..], ldc, accumulate);
        }
    }
}
