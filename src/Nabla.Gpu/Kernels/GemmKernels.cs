using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Nabla.Gpu.Kernels;

/// <summary>Which GEMM implementation a call uses.</summary>
internal enum GemmEngine
{
    /// <summary>cuBLAS when it loaded on a CUDA device, else the tiled kernel.</summary>
    Auto,

    /// <summary>Nabla's own tiled shared-memory kernel.</summary>
    Tiled,

    /// <summary>cuBLAS's SGEMM (throws where it is unavailable).</summary>
    CuBlas,
}

/// <summary>
/// Single-precision matrix products, row-major as the CPU engine's <c>Gemm</c>: C = op(A)·op(B), or C += op(A)·op(B), for
/// one product or a batch of them (with element strides between matrices; an input stride of 0 broadcasts one matrix).
/// </summary>
/// <remarks>
/// <para>
/// op(A) is m×k: A is stored m×k (leading dimension lda) or, transposed, k×m. op(B) is k×n: B is stored k×n or, transposed,
/// n×k. C is m×n with ldc. With k = 0 the product is zero (C cleared, or unchanged when accumulating).
/// </para>
/// <para>
/// Two engines. The tiled kernel: each group computes a BM×BN block of C (128×128 or 64×64 on a GPU, 32×32 on the CPU
/// accelerator), stepping through k in slices of 8 staged in shared memory; each thread keeps an 8×8 block of C in
/// registers and reads its operands with a stride of BM/8 (BN/8) so that a warp's shared-memory reads hit distinct banks
/// and its stores to C coalesce. Transposes only change how the tiles are loaded. cuBLAS (ILGPU.Algorithms' <c>CuBlas</c>,
/// which loads <c>libcublas.so.12</c>, <c>.11</c> or <c>.10</c> at run time) computes the column-major product
/// Cᵀ = op(B)ᵀ·op(A)ᵀ, which is the row-major C with no copy; batches are a loop of calls.
/// </para>
/// <para>Numerics: each element is a float sum over k (in a different order than the CPU engine; equal to rounding).</para>
/// </remarks>
internal sealed class GemmKernels(GpuDevice device) : IDisposable
{
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>? _large;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>? _medium;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>? _small;
    private CuBlas? _cuBlas;
    private string? _cuBlasReason;
    private bool _cuBlasProbed;

    /// <summary>Whether cuBLAS loaded (CUDA devices only; loads it on first call).</summary>
    public bool CuBlasAvailable => ProbeCuBlas() is not null;

    /// <summary>Why cuBLAS is unavailable, or null when it loaded.</summary>
    public string? CuBlasUnavailableReason
    {
        get
        {
            ProbeCuBlas();
            return _cuBlasReason;
        }
    }

    /// <summary>C = op(A)·op(B) (or C += when <paramref name="accumulate"/>), one product; see the class remarks for layouts.</summary>
    public void Multiply(bool transposeA, bool transposeB, int m, int n, int k, ArrayView<float> a, int lda, ArrayView<float> b, int ldb,
        ArrayView<float> c, int ldc, bool accumulate = false, GemmEngine engine = GemmEngine.Auto) =>
        MultiplyBatched(transposeA, transposeB, 1, m, n, k, a, lda, 0, b, ldb, 0, c, ldc, 0, accumulate, engine);

    /// <summary>For i in [0, batch): C_i = op(A_i)·op(B_i) (or +=), matrix i of A starting at a[i·strideA], likewise B and C.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size or stride is negative, a leading dimension is shorter than its row, or the batch exceeds 65,535.</exception>
    /// <exception cref="ArgumentException">A view is too short for its matrices.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="engine"/> is cuBLAS and cuBLAS is unavailable (the message says why).</exception>
    public void MultiplyBatched(bool transposeA, bool transposeB, int batch, int m, int n, int k,
        ArrayView<float> a, int lda, long strideA, ArrayView<float> b, int ldb, long strideB, ArrayView<float> c, int ldc, long strideC,
        bool accumulate = false, GemmEngine engine = GemmEngine.Auto)
    {
        const string name = "Gemm";
        CheckArguments(name, transposeA, transposeB, batch, m, n, k, a, lda, strideA, b, ldb, strideB, c, ldc, strideC);
        if (batch == 0 || m == 0 || n == 0)
        {
            return;
        }

        CuBlas? cuBlas = engine == GemmEngine.Tiled ? null : ProbeCuBlas();
        if (engine == GemmEngine.CuBlas && cuBlas is null)
        {
            throw new InvalidOperationException($"GPU kernel 'Gemm' on device '{device.Name}': cuBLAS was requested but is unavailable: {_cuBlasReason}");
        }

        try
        {
            if (cuBlas is not null)
            {
                RunCuBlas(cuBlas, transposeA, transposeB, batch, m, n, k, a, lda, strideA, b, ldb, strideB, c, ldc, strideC, accumulate);
                return;
            }

            var args = new GemmArgs
            {
                M = m,
                N = n,
                K = k,
                RowStrideA = transposeA ? 1 : lda,
                ColStrideA = transposeA ? lda : 1,
                RowStrideB = transposeB ? 1 : ldb,
                ColStrideB = transposeB ? ldb : 1,
                Ldc = ldc,
                StrideA = strideA,
                StrideB = strideB,
                StrideC = strideC,
                Accumulate = accumulate ? 1 : 0,
            };
            Launch(args, batch, a, b, c);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e) || e is CuBlasException)
        {
            throw device.Fail(cuBlas is null ? name : "Gemm (cuBLAS)", e);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _cuBlas?.Dispose();

    private void Launch(GemmArgs args, int batch, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c)
    {
        Accelerator acc = device.Accelerator;
        if (device.Kind == GpuDeviceKind.Cpu)
        {
            _small ??= acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>(GemmKernel<GemmTileSmall>);
            _small(Config(args, batch, 32), a, b, c, args);
            return;
        }

        // The largest tile that still gives every multiprocessor a block; tiny products fall back to 32×32.
        long blocks128 = Blocks(args, 128) * batch, blocks64 = Blocks(args, 64) * batch;
        int sms = Math.Max(1, acc.NumMultiprocessors);
        if (blocks128 >= sms)
        {
            _large ??= acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>(GemmKernel<GemmTileLarge>);
            _large(Config(args, batch, 128), a, b, c, args);
        }
        else if (blocks64 >= sms)
        {
            _medium ??= acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>(GemmKernel<GemmTileMedium>);
            _medium(Config(args, batch, 64), a, b, c, args);
        }
        else
        {
            _small ??= acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>(GemmKernel<GemmTileSmall>);
            _small(Config(args, batch, 32), a, b, c, args);
        }
    }

    private static long Blocks(GemmArgs args, int tile) => (long)((args.M + tile - 1) / tile) * ((args.N + tile - 1) / tile);

    private KernelConfig Config(GemmArgs args, int batch, int tile)
    {
        device.Launches++;
        return new(new Index3D((args.N + tile - 1) / tile, (args.M + tile - 1) / tile, batch), new Index3D(tile / 8 * (tile / 8), 1, 1));
    }

    private void RunCuBlas(CuBlas cuBlas, bool transposeA, bool transposeB, int batch, int m, int n, int k,
        ArrayView<float> a, int lda, long strideA, ArrayView<float> b, int ldb, long strideB, ArrayView<float> c, int ldc, long strideC, bool accumulate)
    {
        // Row-major C (m×n) is column-major Cᵀ (n×m) with the same leading dimension, and Cᵀ = op(B)ᵀ·op(A)ᵀ; a row-major
        // operand is its own transpose in column-major terms, so each keeps its transpose flag.
        CuBlasOperation opB = transposeB ? CuBlasOperation.Transpose : CuBlasOperation.NonTranspose;
        CuBlasOperation opA = transposeA ? CuBlasOperation.Transpose : CuBlasOperation.NonTranspose;
        long lengthA = MatrixLength(transposeA ? k : m, transposeA ? m : k, lda);
        long lengthB = MatrixLength(transposeB ? n : k, transposeB ? k : n, ldb);
        long lengthC = MatrixLength(m, n, ldc);
        float beta = accumulate ? 1f : 0f;
        for (int i = 0; i < batch; i++)
        {
            ArrayView<float> ai = a.SubView(i * strideA, Math.Max(lengthA, 1));
            ArrayView<float> bi = b.SubView(i * strideB, Math.Max(lengthB, 1));
            ArrayView<float> ci = c.SubView(i * strideC, lengthC);
            cuBlas.Gemm(opB, opA, n, m, k, 1f, bi, ldb, ai, lda, beta, ci, ldc);
            device.Launches++;
        }
    }

    private CuBlas? ProbeCuBlas()
    {
        if (_cuBlasProbed)
        {
            return _cuBlas;
        }

        _cuBlasProbed = true;
        if (device.Accelerator is not CudaAccelerator cuda)
        {
            _cuBlasReason = "the device is not a CUDA GPU";
            return null;
        }

        try
        {
            _cuBlas = new CuBlas(cuda) { Stream = (CudaStream)cuda.DefaultStream };
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or CuBlasException or AcceleratorException or BadImageFormatException)
        {
            _cuBlasReason = $"libcublas.so.12/11/10 did not load ({e.GetType().Name}: {e.Message})";
        }

        return _cuBlas;
    }

    private static long MatrixLength(int rows, int cols, int ld) => rows == 0 || cols == 0 ? 0 : ((long)(rows - 1) * ld) + cols;

    private static void CheckArguments(string name, bool transposeA, bool transposeB, int batch, int m, int n, int k,
        ArrayView<float> a, int lda, long strideA, ArrayView<float> b, int ldb, long strideB, ArrayView<float> c, int ldc, long strideC)
    {
        Check.NonNegative(name, batch, nameof(batch));
        Check.NonNegative(name, m, nameof(m));
        Check.NonNegative(name, n, nameof(n));
        Check.NonNegative(name, k, nameof(k));
        if (batch > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"GPU kernel '{name}' runs at most 65,535 products per call, but received batch = {batch}.");
        }

        if (strideA < 0 || strideB < 0 || strideC < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(strideA), $"GPU kernel '{name}' expects strides ≥ 0, but received {strideA}, {strideB}, {strideC}.");
        }

        int colsA = transposeA ? m : k, colsB = transposeB ? k : n;
        CheckLeading(name, lda, colsA, nameof(lda));
        CheckLeading(name, ldb, colsB, nameof(ldb));
        CheckLeading(name, ldc, n, nameof(ldc));
        if (batch == 0)
        {
            return;
        }

        long last = batch - 1;
        Check.Length(name, a, (last * strideA) + MatrixLength(transposeA ? k : m, colsA, lda), nameof(a));
        Check.Length(name, b, (last * strideB) + MatrixLength(transposeB ? n : k, colsB, ldb), nameof(b));
        Check.Length(name, c, (last * strideC) + MatrixLength(m, n, ldc), nameof(c));
    }

    private static void CheckLeading(string name, int ld, int rowLength, string what)
    {
        if (ld < Math.Max(rowLength, 1))
        {
            throw new ArgumentOutOfRangeException(what, ld, $"GPU kernel '{name}' expects {what} ≥ {Math.Max(rowLength, 1)} (the stored row length), but received {ld}.");
        }
    }

    private static void GemmKernel<T>(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmArgs p)
        where T : struct, IGemmTile
    {
        T tile = default;
        int bm = tile.BM, bn = tile.BN, bk = tile.BK;
        int threads = (bm / 8) * (bn / 8);
        ArrayView<float> sa = SharedMemory.Allocate<float>(tile.BK * tile.BM);
        ArrayView<float> sb = SharedMemory.Allocate<float>(tile.BK * tile.BN);
        int tid = Group.IdxX;
        int tx = tid % (bn / 8), ty = tid / (bn / 8);
        int row0 = Grid.IdxY * bm, col0 = Grid.IdxX * bn;
        long baseA = Grid.IdxZ * p.StrideA, baseB = Grid.IdxZ * p.StrideB, baseC = Grid.IdxZ * p.StrideC;
        Vec8 c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        for (int k0 = 0; k0 < p.K; k0 += bk)
        {
            // Stage op(A)[row0.., k0..] as sa[kk·bm + i] and op(B)[k0.., col0..] as sb[kk·bn + j], zero outside the matrices;
            // consecutive threads walk the stored rows so that the global reads coalesce.
            for (int l = tid; l < bm * bk; l += threads)
            {
                int i = p.ColStrideA == 1 ? l / bk : l % bm;
                int kk = p.ColStrideA == 1 ? l % bk : l / bm;
                int gi = row0 + i, gk = k0 + kk;
                sa[(kk * bm) + i] = gi < p.M && gk < p.K ? a[baseA + ((long)gi * p.RowStrideA) + ((long)gk * p.ColStrideA)] : 0f;
            }

            for (int l = tid; l < bn * bk; l += threads)
            {
                int j = p.ColStrideB == 1 ? l % bn : l / bk;
                int kk = p.ColStrideB == 1 ? l / bn : l % bk;
                int gj = col0 + j, gk = k0 + kk;
                sb[(kk * bn) + j] = gj < p.N && gk < p.K ? b[baseB + ((long)gk * p.RowStrideB) + ((long)gj * p.ColStrideB)] : 0f;
            }

            Group.Barrier();
            for (int kk = 0; kk < bk; kk++)
            {
                // Thread (ty, tx) owns rows ty + r·(bm/8) and columns tx + s·(bn/8).
                Vec8 ra = Vec8.Load(sa, (kk * bm) + ty, bm / 8);
                Vec8 rb = Vec8.Load(sb, (kk * bn) + tx, bn / 8);
                c0 = c0.MultiplyAdd(ra.V0, rb);
                c1 = c1.MultiplyAdd(ra.V1, rb);
                c2 = c2.MultiplyAdd(ra.V2, rb);
                c3 = c3.MultiplyAdd(ra.V3, rb);
                c4 = c4.MultiplyAdd(ra.V4, rb);
                c5 = c5.MultiplyAdd(ra.V5, rb);
                c6 = c6.MultiplyAdd(ra.V6, rb);
                c7 = c7.MultiplyAdd(ra.V7, rb);
            }

            Group.Barrier();
        }

        int rowStep = bm / 8;
        Store(c, baseC, p, row0 + ty, col0 + tx, bn / 8, c0);
        Store(c, baseC, p, row0 + ty + rowStep, col0 + tx, bn / 8, c1);
        Store(c, baseC, p, row0 + ty + (2 * rowStep), col0 + tx, bn / 8, c2);
        Store(c, baseC, p, row0 + ty + (3 * rowStep), col0 + tx, bn / 8, c3);
        Store(c, baseC, p, row0 + ty + (4 * rowStep), col0 + tx, bn / 8, c4);
        Store(c, baseC, p, row0 + ty + (5 * rowStep), col0 + tx, bn / 8, c5);
        Store(c, baseC, p, row0 + ty + (6 * rowStep), col0 + tx, bn / 8, c6);
        Store(c, baseC, p, row0 + ty + (7 * rowStep), col0 + tx, bn / 8, c7);
    }

    private static void Store(ArrayView<float> c, long baseC, GemmArgs p, int row, int col, int colStep, Vec8 v)
    {
        if (row >= p.M)
        {
            return;
        }

        long start = baseC + ((long)row * p.Ldc);
        for (int s = 0; s < 8; s++)
        {
            int j = col + (s * colStep);
            if (j < p.N)
            {
                float value = v.Get(s);
                c[start + j] = p.Accumulate != 0 ? c[start + j] + value : value;
            }
        }
    }

    /// <summary>A product's sizes and element strides (row and column stride of each stored operand), as one kernel argument.</summary>
    internal struct GemmArgs
    {
#pragma warning disable SA1600 // plain kernel arguments, documented on the class
        public int M, N, K, RowStrideA, ColStrideA, RowStrideB, ColStrideB, Ldc, Accumulate;
        public long StrideA, StrideB, StrideC;
#pragma warning restore SA1600
    }
}
