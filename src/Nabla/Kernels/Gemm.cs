using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>Single-precision matrix multiplication (SGEMM) over spans: <c>C = op(A)·op(B)</c> or <c>C += op(A)·op(B)</c>.</summary>
/// <remarks>
/// <para>
/// A packed, cache-blocked GEMM in the GotoBLAS/BLIS structure: a panel of op(B) (Kc × Nc) and a
/// block of op(A) (Mc × Kc) are copied into micro-panel order (<see cref="GemmPacking"/>), then a
/// register-tiled micro-kernel (<see cref="GemmMicroKernelAvx512"/>, <see cref="GemmMicroKernelAvx2"/>
/// or <see cref="GemmMicroKernelScalar"/>) computes Mr × Nr tiles of C. Packing absorbs the
/// transposes, so all four combinations run at about the same speed; an operand whose k steps are
/// already contiguous (B as is, A transposed) is read in place when packing it would not pay off
/// (few rows or columns to reuse it, as with a batch of 32). A product with k = 1 (an outer product) skips the
/// blocking and writes each row of C in one vectorised pass; one with m = 1 and B as is (a row vector times a
/// matrix) streams B row by row. Large products are split into a
/// grid of C blocks run on <see cref="Parallel.ParallelRunner"/>, or, when the depth is the largest size (a Dense
/// layer's forward product), over k (<c>Gemm.SplitDepth.cs</c>); each thread packs into its own
/// <see cref="GemmScratch"/> buffer, so a warm call allocates nothing.
/// </para>
/// <para>
/// Numerics: each element is a float sum over k in blocks of Kc, accumulated with FMAs on the SIMD
/// paths (the order differs from a naive loop, so results match it to rounding, not bit for bit).
/// NaN and infinity propagate as IEEE arithmetic dictates, except that zero padding of edge tiles
/// never reaches C. C must not overlap A or B (checked); A and B may overlap each other.
/// </para>
/// </remarks>
internal static unsafe partial class Gemm
{
    private static readonly GemmPath BestPath =
        GemmMicroKernelAvx512.IsSupported && Vector512.IsHardwareAccelerated ? GemmPath.Avx512
        : GemmMicroKernelAvx2.IsSupported ? GemmPath.Avx2
        : GemmPath.Scalar;

    private static GemmPath _forcedPath;
    private static int _maxThreads = Parallel.ThreadBudget.Threads;

    /// <summary>The path every call uses; <see cref="GemmPath.Auto"/> (the default) picks the fastest the CPU supports.</summary>
    /// <exception cref="PlatformNotSupportedException">The CPU cannot run the requested path.</exception>
    internal static GemmPath ForcedPath
    {
        get => _forcedPath;
        set
        {
            if (!IsSupported(value))
                ThrowHelper.PathNotSupported(value.ToString());
            _forcedPath = value;
        }
    }

    /// <summary>Most threads one call may use (default the thread budget, see <c>ThreadBudget</c>; 1 = single-threaded).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    internal static int MaxThreads
    {
        get => _maxThreads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxThreads = value;
        }
    }

    /// <summary>The path a call made now runs on: <see cref="ForcedPath"/>, or the fastest supported one when that is <see cref="GemmPath.Auto"/>.</summary>
    internal static GemmPath ActivePath => _forcedPath == GemmPath.Auto ? BestPath : _forcedPath;

    /// <summary>Whether the current CPU can run <paramref name="path"/> (<see cref="GemmPath.Auto"/> always can).</summary>
    /// <param name="path">The path to test.</param>
    internal static bool IsSupported(GemmPath path) => path switch
    {
        GemmPath.Auto or GemmPath.Scalar => true,
        GemmPath.Avx512 => GemmMicroKernelAvx512.IsSupported,
        GemmPath.Avx2 => GemmMicroKernelAvx2.IsSupported,
        _ => false,
    };

    /// <summary>C[m,n] = op(A)·op(B)  (accumulate=false)  or  C += op(A)·op(B)  (accumulate=true).</summary>
    /// <remarks>
    /// Row-major. op(A) is m×k: A is m×k with leading dimension lda when !transposeA, or k×m (lda)
    /// when transposeA. op(B) is k×n: B is k×n (ldb) when !transposeB, or n×k (ldb) when transposeB.
    /// C is m×n with ldc. With k = 0 the product is zero: C is cleared, or left unchanged when
    /// accumulating.
    /// </remarks>
    /// <param name="transposeA">A is stored k×m and used transposed.</param>
    /// <param name="transposeB">B is stored n×k and used transposed.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="a">Elements of A.</param>
    /// <param name="lda">Distance between rows of A as stored, at least its row length.</param>
    /// <param name="b">Elements of B.</param>
    /// <param name="ldb">Distance between rows of B as stored, at least its row length.</param>
    /// <param name="c">Elements of C; must not overlap <paramref name="a"/> or <paramref name="b"/>.</param>
    /// <param name="ldc">Distance between rows of C, at least n.</param>
    /// <param name="accumulate">Add the product to C instead of overwriting it (default false).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative or a leading dimension is shorter than its row.</exception>
    /// <exception cref="ArgumentException">A span is too short for its matrix, or C overlaps A or B.</exception>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate = false) =>
        MultiplyBatched(transposeA, transposeB, 1, m, n, k, a, lda, 0, b, ldb, 0, c, ldc, 0, accumulate);

    /// <summary>Batched: for i in [0,batch): C_i = op(A_i)·op(B_i) with element strides strideA/strideB/strideC between matrices (strideB may be 0 to broadcast one B).</summary>
    /// <remarks>
    /// Matrix i of A starts at <c>a[i·strideA]</c>, and likewise for B and C; each product follows
    /// <see cref="Multiply"/>. Input strides may be 0 (the same matrix for every product); strideC
    /// must keep the C matrices apart when batch &gt; 1.
    /// </remarks>
    /// <param name="transposeA">A matrices are stored k×m and used transposed.</param>
    /// <param name="transposeB">B matrices are stored n×k and used transposed.</param>
    /// <param name="batch">Number of products.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="a">Elements of the A matrices.</param>
    /// <param name="lda">Distance between rows of an A matrix as stored.</param>
    /// <param name="strideA">Distance between consecutive A matrices, 0 or more.</param>
    /// <param name="b">Elements of the B matrices.</param>
    /// <param name="ldb">Distance between rows of a B matrix as stored.</param>
    /// <param name="strideB">Distance between consecutive B matrices, 0 or more (0 broadcasts one B).</param>
    /// <param name="c">Elements of the C matrices; must not overlap <paramref name="a"/> or <paramref name="b"/>.</param>
    /// <param name="ldc">Distance between rows of a C matrix, at least n.</param>
    /// <param name="strideC">Distance between consecutive C matrices.</param>
    /// <param name="accumulate">Add the products to C instead of overwriting it (default false).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or stride is negative, a leading dimension is shorter than its row, or strideC makes C matrices overlap.</exception>
    /// <exception cref="ArgumentException">A span is too short for its matrices, or C overlaps A or B.</exception>
    public static void MultiplyBatched(bool transposeA, bool transposeB, int batch, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, int strideA, ReadOnlySpan<float> b, int ldb, int strideB,
        Span<float> c, int ldc, int strideC, bool accumulate = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfNegative(strideA);
        ArgumentOutOfRangeException.ThrowIfNegative(strideB);
        ArgumentOutOfRangeException.ThrowIfNegative(strideC);

        int rowsA = transposeA ? k : m, colsA = transposeA ? m : k;
        int rowsB = transposeB ? n : k, colsB = transposeB ? k : n;
        if (lda < colsA)
            ThrowHelper.LeadingDimensionTooSmall(nameof(lda), colsA, lda);
        if (ldb < colsB)
            ThrowHelper.LeadingDimensionTooSmall(nameof(ldb), colsB, ldb);
        if (ldc < n)
            ThrowHelper.LeadingDimensionTooSmall(nameof(ldc), n, ldc);

        long matrixC = Footprint(m, n, ldc);
        if (batch > 1 && strideC < matrixC)
            ThrowHelper.StrideTooSmall(nameof(strideC), matrixC, strideC);

        long needA = Footprint(batch, Footprint(rowsA, colsA, lda), strideA);
        long needB = Footprint(batch, Footprint(rowsB, colsB, ldb), strideB);
        long needC = Footprint(batch, matrixC, strideC);
        if (a.Length < needA)
            ThrowHelper.SourceTooShort(nameof(a), needA, a.Length);
        if (b.Length < needB)
            ThrowHelper.SourceTooShort(nameof(b), needB, b.Length);
        if (c.Length < needC)
            ThrowHelper.DestinationTooShort(nameof(c), needC, c.Length);

        Span<float> usedC = c[..(int)needC];
        if (usedC.Overlaps(a[..(int)needA]))
            ThrowHelper.SpansOverlap(nameof(c), nameof(a));
        if (usedC.Overlaps(b[..(int)needB]))
            ThrowHelper.SpansOverlap(nameof(c), nameof(b));

        if (batch == 0 || m == 0 || n == 0)
            return;
        if (k == 0)
        {
            if (!accumulate)
                ClearMatrices(c, batch, m, n, ldc, strideC);
            return;
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            var g = new GemmOperands
            {
                A = pa,
                B = pb,
                C = pc,
                Lda = lda,
                Ldb = ldb,
                Ldc = ldc,
                M = m,
                N = n,
                K = k,
                TransposeA = transposeA,
                TransposeB = transposeB,
                Accumulate = accumulate,
            };
            GemmPath path = _forcedPath == GemmPath.Auto ? BestPath : _forcedPath;
            if (k == 1)
            {
                RankOne(in g, path, batch, strideA, strideB, strideC);
                return;
            }

            if (m == 1 && !transposeB)
            {
                RowVector(in g, path, batch, strideA, strideB, strideC);
                return;
            }

            switch (path)
            {
                case GemmPath.Avx512:
                    Run<GemmMicroKernelAvx512>(in g, batch, strideA, strideB, strideC);
                    break;
                case GemmPath.Avx2:
                    Run<GemmMicroKernelAvx2>(in g, batch, strideA, strideB, strideC);
                    break;
                default:
                    Run<GemmMicroKernelScalar>(in g, batch, strideA, strideB, strideC);
                    break;
            }
        }
    }

    // Elements spanned by 'count' rows (or matrices) of 'length' elements placed 'pitch' apart.
    private static long Footprint(int count, long length, int pitch) =>
        count == 0 || length == 0 ? 0 : (long)(count - 1) * pitch + length;

    private static void ClearMatrices(Span<float> c, int batch, int m, int n, int ldc, int strideC)
    {
        for (int i = 0; i < batch; i++)
        {
            for (int r = 0; r < m; r++)
                c.Slice(i * strideC + r * ldc, n).Clear();
        }
    }
}
