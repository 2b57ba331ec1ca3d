using System.Runtime.InteropServices;
using Nabla.Kernels;
using Nabla.Kernels.Parallel;

namespace Nabla.Tests.Kernels;

[Collection(KernelSettingsCollection.Name)]
public sealed class GemmTests : IDisposable
{
    // Written around C so tests can prove the kernel never touches memory outside the m×n block.
    private const float Sentinel = 1234.5f;

    private static readonly GemmPath[] Paths =
        [.. new[] { GemmPath.Avx512, GemmPath.Avx2, GemmPath.Scalar }.Where(Gemm.IsSupported)];

    private static readonly int[] ThreadCounts = Environment.ProcessorCount > 1 ? [1, Environment.ProcessorCount] : [1];

    private static readonly (bool A, bool B)[] Transposes = [(false, false), (false, true), (true, false), (true, true)];

    // (m, n, k, padding of every leading dimension, accumulate). Sizes from {0, 1, 7, 17, 63, 65,
    // 257} in every position, exact and exact-plus-one tiles of each kernel (AVX-512 12×32, AVX2 6×16,
    // scalar 4×4), and sizes that cross every block boundary: Kc 1024 / 256 (so C is accumulated
    // over several k blocks), Mc 96 / 192 / 128, Nc 1024 / 4096, and the 256-row / 256-column
    // limits for reading B and A in place. Padding and accumulate vary so each combination meets
    // a variety of shapes.
    private static readonly (int M, int N, int K, int Pad, bool Accumulate)[] Shapes =
    [
        (0, 7, 17, 0, false), (7, 0, 17, 2, true), (0, 0, 0, 0, false),
        (1, 1, 1, 0, false), (1, 17, 7, 3, true), (17, 1, 7, 0, false), (7, 17, 1, 1, true),
        (7, 7, 7, 0, true), (17, 17, 17, 5, false), (63, 65, 17, 0, false), (65, 63, 63, 1, true),
        (17, 257, 65, 0, true), (257, 17, 63, 3, false), (63, 17, 257, 0, false), (65, 65, 65, 7, true),
        (33, 257, 7, 0, false), (1, 1000, 3, 2, true), (1000, 1, 3, 0, false),
        (12, 32, 16, 0, false), (13, 33, 17, 1, true), (24, 64, 32, 0, true), (6, 16, 8, 0, false), (7, 17, 9, 4, false),
        (129, 33, 193, 0, true), (193, 17, 257, 2, false), (385, 40, 20, 0, false), (20, 70, 513, 1, true),
        (5, 1025, 9, 0, true), (3, 4097, 5, 1, false), (97, 20, 11, 0, false), (257, 257, 3, 0, true),
        (17, 45, 1100, 2, false), (40, 70, 2050, 0, true),
    ];

    public GemmTests() => ResetSettings();

    public static TheoryData<string, int, bool, bool, int, int, int, int, bool> Cases
    {
        get
        {
            var data = new TheoryData<string, int, bool, bool, int, int, int, int, bool>();
            foreach (GemmPath path in Paths)
            {
                foreach (int threads in ThreadCounts)
                {
                    foreach ((bool ta, bool tb) in Transposes)
                    {
                        foreach (var s in Shapes)
                            data.Add(path.ToString(), threads, ta, tb, s.M, s.N, s.K, s.Pad, s.Accumulate);
                    }
                }
            }

            return data;
        }
    }

    public static TheoryData<string, int, bool, bool> PathThreadTransposes
    {
        get
        {
            var data = new TheoryData<string, int, bool, bool>();
            foreach (GemmPath path in Paths)
            {
                foreach (int threads in ThreadCounts)
                {
                    foreach ((bool ta, bool tb) in Transposes)
                        data.Add(path.ToString(), threads, ta, tb);
                }
            }

            return data;
        }
    }

    public void Dispose() => ResetSettings();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Multiply_matches_reference(string path, int threads, bool transposeA, bool transposeB,
        int m, int n, int k, int pad, bool accumulate)
    {
        // With several threads even tiny products are split, so the partitioning sees every shape.
        Use(path, threads, minFlopsPerThread: 0);
        CheckProduct(transposeA, transposeB, m, n, k, pad, accumulate, seed: (m * 7919) + (n * 104729) + k);
    }

    [Theory]
    [MemberData(nameof(PathThreadTransposes))]
    public void Accumulate_adds_to_C_and_overwrite_ignores_it(string path, int threads, bool transposeA, bool transposeB)
    {
        Use(path, threads, minFlopsPerThread: 0);
        CheckProduct(transposeA, transposeB, 37, 70, 45, pad: 3, accumulate: true, seed: 1);
        CheckProduct(transposeA, transposeB, 37, 70, 45, pad: 3, accumulate: false, seed: 2);
    }

    // k = 1 skips the blocked driver (Gemm.RankOne): every transpose, padding, accumulate and overwrite (which must
    // ignore the NaN CheckProduct leaves in C), and, at 1030 × 1030, C large enough to be split over the threads.
    [Theory]
    [MemberData(nameof(PathThreadTransposes))]
    public void Rank_one_products_match_reference(string path, int threads, bool transposeA, bool transposeB)
    {
        Use(path, threads, Gemm.DefaultMinFlopsPerThread);
        foreach ((int m, int n, int pad) in new[] { (1, 1, 0), (784, 128, 0), (7, 33, 3), (1, 1000, 1), (1000, 1, 2), (1030, 1030, 1) })
        {
            CheckProduct(transposeA, transposeB, m, n, 1, pad, accumulate: false, seed: m + n);
            CheckProduct(transposeA, transposeB, m, n, 1, pad, accumulate: true, seed: m - n);
        }
    }

    // m = 1 with B as is skips the blocked driver (Gemm.RowVector): k below, at and above its 4-row step, n across its
    // 1024-column blocks and vector tails, 128 columns (held in registers on AVX2) with rows that are not 32-byte
    // aligned and a k that leaves three single rows, and B large enough to be cut into slots of rows (3136 × 128, W5's Dense, in 6
    // slots; 1000 × 1100 in 8), whose partial rows of C are added at the end.
    [Theory]
    [MemberData(nameof(PathThreadTransposes))]
    public void Row_vector_products_match_reference(string path, int threads, bool transposeA, bool transposeB)
    {
        Use(path, threads, Gemm.DefaultMinFlopsPerThread);
        foreach ((int n, int k, int pad) in new[] { (1, 2, 0), (128, 784, 0), (10, 128, 3), (17, 5, 1), (2500, 37, 2), (1100, 1000, 1), (128, 3136, 1), (128, 1003, 2), (33, 4, 0) })
        {
            CheckProduct(transposeA, transposeB, 1, n, k, pad, accumulate: false, seed: n + k);
            CheckProduct(transposeA, transposeB, 1, n, k, pad, accumulate: true, seed: n - k);
        }
    }

    // A row vector times 128 columns on AVX2 keeps C in registers (Gemm.AddRowsInRegisters) and must sum as the
    // four-row steps do: each column's fused multiply-adds row after row, then the k mod 4 last rows multiplied and
    // added apart. Both transposes of A, both accumulate modes, unaligned rows of B, on one thread and on all.
    [Fact]
    public void Row_vector_128_wide_sums_each_column_row_after_row_in_fused_steps()
    {
        if (!Gemm.IsSupported(GemmPath.Avx2))
            return;
        const int n = 128, k = 763, ldb = 130;   // one slot of rows (97,664 elements of B), k mod 4 = 3
        var random = new System.Random(128);
        float[] a = GemmReference.Matrix(random, 1, k, k, tail: 0), b = GemmReference.Matrix(random, k, n, ldb);
        float[] start = GemmReference.Matrix(random, 1, n, n, tail: 0);
        float[] column = new float[k * 3];   // A stored as a k × 1 column at a stride of 3: a[p] at p·3
        for (int p = 0; p < k; p++)
            column[p * 3] = a[p];

        foreach (bool accumulate in new[] { false, true })
        {
            var expected = new float[n];
            for (int j = 0; j < n; j++)
            {
                float sum = accumulate ? start[j] : 0f;
                for (int p = 0; p < k; p++)
                    sum = p < (k & ~3) ? MathF.FusedMultiplyAdd(b[(p * ldb) + j], a[p], sum) : sum + (b[(p * ldb) + j] * a[p]);
                expected[j] = sum;
            }

            foreach (int threads in ThreadCounts)
            {
                foreach (bool transposeA in new[] { false, true })
                {
                    Use(GemmPath.Avx2, threads, minFlopsPerThread: 0);
                    float[] c = accumulate ? (float[])start.Clone() : Enumerable.Repeat(float.NaN, n).ToArray();
                    Gemm.Multiply(transposeA, false, 1, n, k, transposeA ? column : a, transposeA ? 3 : k, b, ldb, c, n, accumulate);
                    Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), c.Select(BitConverter.SingleToInt32Bits));
                }
            }
        }
    }

    // A single row vector's slots are set by the shape, not the threads: the same bits on one thread and on all, and
    // from two slots (1.5·2^16 elements of B, rounded to the nearest slot) on, the threads share them even below the
    // products' threading threshold. W4's 784 × 128 is cut in two at row 392, where WeightShares cuts the optimizer's
    // shares.
    [Fact]
    public void Row_vector_slots_give_the_same_bits_on_any_thread_count()
    {
        const int n = 128, k = 3136;
        Assert.Equal(6, Gemm.RowVectorSlots(k, n));
        Assert.Equal(2, Gemm.RowVectorSlots(784, 128));
        Assert.Equal(2, Gemm.RowVectorSlots(96, 1024));   // 98,304 elements: 1.5 slots
        Assert.Equal(1, Gemm.RowVectorSlots(95, 1024));
        Assert.Equal(1, Gemm.RowVectorSlots(3, 100_000));
        var random = new System.Random(5);
        float[] a = GemmReference.Matrix(random, 1, k, k, tail: 0), b = GemmReference.Matrix(random, k, n, n, tail: 0);
        float[] one = new float[n], all = new float[n];
        Use(GemmPath.Auto, 1, Gemm.DefaultMinFlopsPerThread);
        Gemm.Multiply(false, false, 1, n, k, a, k, b, n, one, n);
        Use(GemmPath.Auto, Environment.ProcessorCount, Gemm.DefaultMinFlopsPerThread);
        long before = ParallelRunner.BatchCount;
        Gemm.Multiply(false, false, 1, n, k, a, k, b, n, all, n);
        if (ParallelRunner.WorkerCount > 0)
            Assert.Equal(before + 1, ParallelRunner.BatchCount);
        Assert.Equal(one.Select(BitConverter.SingleToInt32Bits), all.Select(BitConverter.SingleToInt32Bits));
    }

    // 300³ crosses the AVX-512 Kc and, with the default threshold, is split over all threads.
    // Every transpose stores the same logical op(A) and op(B), so one reference serves all runs.
    [Fact]
    public void Large_product_matches_reference_on_every_path_and_thread_count()
    {
        const int m = 300, n = 310, k = 290, pad = 5;
        var random = new System.Random(300);
        float[] opA = GemmReference.Matrix(random, m, k, k, tail: 0);
        float[] opB = GemmReference.Matrix(random, k, n, n, tail: 0);
        double[] expected = GemmReference.Multiply(false, false, m, n, k, opA, k, opB, n);
        foreach ((bool ta, bool tb) in Transposes)
        {
            (float[] a, int lda) = Store(opA, m, k, ta, pad);
            (float[] b, int ldb) = Store(opB, k, n, tb, pad);
            foreach (GemmPath path in Paths)
            {
                foreach (int threads in ThreadCounts)
                {
                    Use(path, threads, Gemm.DefaultMinFlopsPerThread);
                    var c = new float[m * (n + pad)];
                    Gemm.Multiply(ta, tb, m, n, k, a, lda, b, ldb, c, n + pad);
                    GemmReference.AssertClose(expected, c, m, n, n + pad, Atol(k), Rtol);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(PathThreadTransposes))]
    public void MultiplyBatched_matches_reference_per_matrix(string path, int threads, bool transposeA, bool transposeB)
    {
        Use(path, threads, minFlopsPerThread: 0);
        const int n = 40, pad = 2;
        // k = 1 runs the rank-one path, m = 1 the row-vector path (B as is), the rest the blocked driver.
        foreach ((int batch, int m, int k) in new[] { (0, 17, 23), (1, 17, 23), (3, 17, 23), (17, 17, 23), (1, 17, 1), (17, 17, 1), (3, 1, 23), (17, 1, 6) })
        {
            foreach (bool broadcastB in new[] { false, true })
            {
                var random = new System.Random((batch * 2) + (broadcastB ? 1 : 0));
                int lda = (transposeA ? m : k) + pad, ldb = (transposeB ? k : n) + pad, ldc = n + pad;
                int strideA = ((transposeA ? k : m) * lda) + 5;
                int strideB = broadcastB ? 0 : ((transposeB ? n : k) * ldb) + 3;
                int strideC = (m * ldc) + 4;
                int last = Math.Max(batch - 1, 0);
                float[] a = Filled(random, (last * strideA) + ((transposeA ? k : m) * lda));
                float[] b = Filled(random, (last * strideB) + ((transposeB ? n : k) * ldb));
                float[] c = Filled(random, (last * strideC) + (m * ldc));
                float[] c0 = (float[])c.Clone();

                Gemm.MultiplyBatched(transposeA, transposeB, batch, m, n, k, a, lda, strideA, b, ldb, strideB,
                    c, ldc, strideC, accumulate: true);

                for (int i = 0; i < batch; i++)
                {
                    double[] expected = GemmReference.Multiply(transposeA, transposeB, m, n, k,
                        a[(i * strideA)..], lda, b[(i * strideB)..], ldb);
                    for (int r = 0; r < m; r++)
                    {
                        for (int j = 0; j < n; j++)
                            expected[(r * n) + j] += c0[(i * strideC) + (r * ldc) + j];
                    }

                    GemmReference.AssertClose(expected, c.AsSpan(i * strideC), m, n, ldc, Atol(k), Rtol);
                }

                if (batch == 0)
                    Assert.Equal(c0, c);
            }
        }
    }

    // Products issued from inside runner jobs run serially on each worker (never nested
    // parallelism), each thread packing into its own scratch buffer.
    [Fact]
    public void Products_inside_parallel_jobs_match_reference()
    {
        const int m = 70, n = 90, k = 300, count = 6;
        var random = new System.Random(9);
        var job = new ProductsJob(
            [.. Enumerable.Range(0, count).Select(_ => GemmReference.Matrix(random, m, k, k, tail: 0))],
            GemmReference.Matrix(random, k, n, n, tail: 0),
            [.. Enumerable.Range(0, count).Select(_ => new float[m * n])]);
        ParallelRunner.For(count, ref job);
        for (int i = 0; i < count; i++)
        {
            double[] expected = GemmReference.Multiply(false, false, m, n, k, job.A[i], k, job.B, n);
            GemmReference.AssertClose(expected, job.C[i], m, n, n, Atol(k), Rtol);
        }
    }

    [Fact]
    public void K_zero_clears_C_or_leaves_it_when_accumulating()
    {
        float[] c = [1, 2, 3, 4, 5, 6, 7];
        Gemm.Multiply(false, false, 2, 3, 0, [], 0, [], 3, c, 4, accumulate: true);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], c);

        Gemm.Multiply(false, false, 2, 3, 0, [], 0, [], 3, c, 4);
        Assert.Equal([0, 0, 0, 4, 0, 0, 0], c);
    }

    [Fact]
    public void A_and_B_may_be_the_same_span()
    {
        // C = A·Aᵀ reads one buffer as both operands.
        const int m = 20, k = 30;
        float[] a = GemmReference.Matrix(new System.Random(5), m, k, k, tail: 0);
        var c = new float[m * m];
        Gemm.Multiply(false, true, m, m, k, a, k, a, k, c, m);
        GemmReference.AssertClose(GemmReference.Multiply(false, true, m, m, k, a, k, a, k), c, m, m, m, Atol(k), Rtol);
    }

    public static TheoryData<string, string> InvalidArguments => new()
    {
        { "a too short", "'a' is too short: it needs 12 elements but has 11" },
        { "b too short", "'b' is too short: it needs 20 elements but has 19" },
        { "c too short", "'c' is too short: it needs 15 elements but has 14" },
        { "lda too small", "'lda' must be at least the row length 4, but is 3" },
        { "ldb too small", "'ldb' must be at least the row length 5, but is 4" },
        { "ldc too small", "'ldc' must be at least the row length 5, but is 4" },
        { "c overlaps a", "'c' overlaps source span 'a'" },
        { "strideC too small", "'strideC' must be at least 15" },
        { "batched a too short", "'a' is too short: it needs 32 elements but has 31" },
    };

    [Theory]
    [MemberData(nameof(InvalidArguments))]
    public void Invalid_arguments_throw_with_the_argument_named(string scenario, string message)
    {
        // A is 3×4, B is 4×5, C is 3×5; each scenario breaks exactly one thing.
        var a = new float[12];
        var b = new float[20];
        var c = new float[15];
        var shared = new float[40];
        Action act = scenario switch
        {
            "a too short" => () => Gemm.Multiply(false, false, 3, 5, 4, a.AsSpan(1), 4, b, 5, c, 5),
            "b too short" => () => Gemm.Multiply(false, false, 3, 5, 4, a, 4, b.AsSpan(1), 5, c, 5),
            "c too short" => () => Gemm.Multiply(false, false, 3, 5, 4, a, 4, b, 5, c.AsSpan(1), 5),
            "lda too small" => () => Gemm.Multiply(false, false, 3, 5, 4, a, 3, b, 5, c, 5),
            "ldb too small" => () => Gemm.Multiply(false, false, 3, 5, 4, a, 4, b, 4, c, 5),
            "ldc too small" => () => Gemm.Multiply(false, false, 3, 5, 4, a, 4, b, 5, c, 4),
            "c overlaps a" => () => Gemm.Multiply(false, false, 3, 5, 4, shared, 4, b, 5, shared.AsSpan(11), 5),
            "strideC too small" => () => Gemm.MultiplyBatched(false, false, 2, 3, 5, 4, a, 4, 0, b, 5, 0, new float[40], 5, 14),
            "batched a too short" => () => Gemm.MultiplyBatched(false, false, 2, 3, 5, 4, new float[31], 4, 20, b, 5, 0, new float[40], 5, 15),
            _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
        };

        var e = Assert.ThrowsAny<ArgumentException>(act);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_sizes_throw_naming_the_size()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(false, false, 2, -1, 2, new float[4], 2, new float[4], 2, new float[4], 2));
        Assert.Equal("n", e.ParamName);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MultiplyBatched(false, false, -1, 1, 1, 1, [1], 1, 1, [1], 1, 1, new float[1], 1, 1));
        Assert.Equal("batch", e.ParamName);
    }

    [Fact]
    public void Settings_reject_invalid_values()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MaxThreads = 0);
        foreach (GemmPath path in Enum.GetValues<GemmPath>().Where(p => !Gemm.IsSupported(p)))
            Assert.Throws<PlatformNotSupportedException>(() => Gemm.ForcedPath = path);
        Assert.True(Gemm.IsSupported(GemmPath.Auto));
        Assert.True(Gemm.IsSupported(GemmPath.Scalar));
    }

    // Products below two threads' worth of work (2·MinFlopsPerThread flops) are not worth splitting; they must not
    // reach the workers at all, with every core allowed (the default settings, restored by the constructor).
    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(1, 7, 17, 63)]
    [InlineData(1, 64, 64, 64)]      // 2·64³ = 0.5 MFLOP: exactly one thread's worth
    [InlineData(1, 80, 80, 80)]      // 2·80³ = 1,024,000, just under two threads' worth (1,048,576)
    [InlineData(1, 1, 4096, 23)]     // wide and flat: a row vector of one slot (94K elements of B, below 1.5·2^16)
    [InlineData(1, 255, 1, 1000)]
    [InlineData(8, 32, 32, 32)]      // batched: the whole call counts, 8·2·32³ = 0.5 MFLOP
    public void Products_below_the_threading_threshold_stay_on_the_calling_thread(int batch, int m, int n, int k)
    {
        Assert.True(2.0 * batch * m * n * k < 2 * Gemm.DefaultMinFlopsPerThread);
        float[] a = GemmReference.Matrix(new System.Random(m), batch * m, k, k, tail: 0);
        float[] b = GemmReference.Matrix(new System.Random(n), batch * k, n, n, tail: 0);
        var c = new float[batch * m * n];
        long before = ParallelRunner.BatchCount;
        foreach ((bool ta, bool tb) in Transposes)
        {
            if (batch == 1)
                Gemm.Multiply(ta, tb, m, n, k, a, ta ? m : k, b, tb ? k : n, c, n);
            else
                Gemm.MultiplyBatched(ta, tb, batch, m, n, k, a, ta ? m : k, m * k, b, tb ? k : n, k * n, c, n, m * n);
        }

        Assert.Equal(before, ParallelRunner.BatchCount);
    }

    // The other side of the threshold, so the test above cannot pass because nothing is ever split.
    [Fact]
    public void Products_of_two_threads_worth_are_split_unless_one_thread_is_allowed()
    {
        if (ParallelRunner.WorkerCount == 0)
            return;   // one core: nothing can be split
        const int n = 81;   // 2·81³ = 1,062,882 ≥ 2·2^19
        float[] a = GemmReference.Matrix(new System.Random(1), n, n, n, tail: 0), b = GemmReference.Matrix(new System.Random(2), n, n, n, tail: 0);
        var c = new float[n * n];
        long before = ParallelRunner.BatchCount;
        Gemm.Multiply(false, false, n, n, n, a, n, b, n, c, n);
        Assert.Equal(before + 1, ParallelRunner.BatchCount);

        Gemm.MaxThreads = 1;
        Gemm.Multiply(false, false, n, n, n, a, n, b, n, c, n);
        Assert.Equal(before + 1, ParallelRunner.BatchCount);

        // Batched products share the threshold: 17·2·32³ = 1,114,112 flops in all.
        Gemm.MaxThreads = Environment.ProcessorCount;
        Gemm.MultiplyBatched(false, false, 17, 32, 32, 32, new float[17 * 32 * 32], 32, 32 * 32, new float[17 * 32 * 32], 32, 32 * 32, new float[17 * 32 * 32], 32, 32 * 32);
        Assert.Equal(before + 2, ParallelRunner.BatchCount);
    }

    // A rank-one product's cost is writing C, so it is split from 64K elements of C (256 KB), far below the flops
    // threshold: W7's 784 × 128 weight gradient runs on both threads, 255 × 256 on the caller, and one thread when
    // only one is allowed.
    [Fact]
    public void Rank_one_products_are_split_from_64K_elements_of_C()
    {
        if (ParallelRunner.WorkerCount == 0)
            return;   // one core: nothing can be split
        float[] a = GemmReference.Matrix(new System.Random(3), 1, 784, 784, tail: 0), b = GemmReference.Matrix(new System.Random(4), 1, 256, 256, tail: 0);
        var c = new float[784 * 256];
        long before = ParallelRunner.BatchCount;
        Gemm.Multiply(true, false, 255, 256, 1, a, 255, b, 256, c, 256);
        Assert.Equal(before, ParallelRunner.BatchCount);
        Gemm.Multiply(true, false, 256, 256, 1, a, 256, b, 256, c, 256);
        Assert.Equal(before + 1, ParallelRunner.BatchCount);
        Gemm.Multiply(true, false, 784, 128, 1, a, 784, b, 128, c, 128);
        Assert.Equal(before + 2, ParallelRunner.BatchCount);

        Gemm.MaxThreads = 1;
        Gemm.Multiply(true, false, 784, 128, 1, a, 784, b, 128, c, 128);
        Assert.Equal(before + 2, ParallelRunner.BatchCount);
    }

    // A product whose depth is its largest size, with neither operand transposed (a Dense layer's forward x·W), is cut
    // over k when the partial product is at most 32,768 floats and the product is worth two threads at the default
    // threshold; each part then reads the rows of W that the optimizer's update on the same thread wrote
    // (WeightShares). The rule sees the shape only.
    [Theory]
    [InlineData(32, 128, 784, false, false, true)]     // W4's forward at batch 32
    [InlineData(256, 128, 784, false, false, true)]    // and at batch 256: 32,768 partial floats, the limit
    [InlineData(257, 128, 784, false, false, false)]   // one row more
    [InlineData(128, 512, 784, false, false, false)]   // W3's first layer: 65,536
    [InlineData(20, 256, 256, false, false, true)]     // W2's 256 → 256 layers at batch 20
    [InlineData(20, 256, 255, false, false, false)]    // shallower than wide
    [InlineData(20, 256, 256, false, true, false)]     // the input gradient dZ·Wᵀ: already cut along W's rows
    [InlineData(256, 256, 20, true, false, false)]     // the weight gradient xᵀ·dZ: likewise
    [InlineData(8, 8, 31, false, false, false)]        // under 16 depths a part
    [InlineData(64, 64, 64, false, false, false)]      // 0.5 MFLOP: one thread's worth
    [InlineData(81, 81, 81, false, false, true)]       // 1.06 MFLOP: two
    [InlineData(512, 512, 512, false, false, false)]
    public void Forward_products_deeper_than_wide_are_split_over_their_depth(int m, int n, int k, bool transposeA, bool transposeB, bool split)
    {
        var g = new GemmOperands { M = m, N = n, K = k, TransposeA = transposeA, TransposeB = transposeB };
        Assert.Equal(split, Gemm.SplitsDepth(in g));
    }

    // The gradients of a Dense layer are cut along the weight's rows when that costs at most a tenth more than the
    // cheapest cut: W3's 512 × 512 weight gradient xᵀ·dZ (batch 128) by rows, which costs 2% more than by columns.
    [Fact]
    public void Weight_and_input_gradients_are_cut_along_the_weights_rows()
    {
        Assert.Equal(1, Gemm.WeightAxis(new GemmOperands { TransposeA = true }));
        Assert.Equal(2, Gemm.WeightAxis(new GemmOperands { TransposeB = true }));
        Assert.Equal(0, Gemm.WeightAxis(new GemmOperands()));
        Assert.Equal(0, Gemm.WeightAxis(new GemmOperands { TransposeA = true, TransposeB = true }));

        // 512 rows are 43 tiles of 12, 512 columns 16 tiles of 32.
        Assert.Equal((1, 2), Gemm.ChooseGrid(2, 43, 16, 12, 32, weightAxis: 0));
        Assert.Equal((2, 1), Gemm.ChooseGrid(2, 43, 16, 12, 32, weightAxis: 1));
        Assert.Equal((1, 2), Gemm.ChooseGrid(2, 43, 16, 12, 32, weightAxis: 2));

        // Not at any price: 4,096 × 64 is far cheaper cut into rows than into columns.
        Assert.Equal((2, 1), Gemm.ChooseGrid(2, 342, 2, 12, 32, weightAxis: 2));
    }

    // The depth-split products of the workloads, on every path and thread count: part 0 overwrites C or adds to it as
    // asked, the partial product is added after (NaN in an overwritten C would show if it were read).
    [Theory]
    [InlineData(32, 128, 784)]
    [InlineData(256, 128, 784)]
    [InlineData(20, 256, 256)]
    [InlineData(9, 33, 2100)]   // parts deeper than Kc: C accumulates over k blocks within a part
    public void Depth_split_products_match_reference_on_every_path(int m, int n, int k)
    {
        foreach (GemmPath path in Paths)
        {
            foreach (int threads in ThreadCounts.Append(4).Append(3))
            {
                Use(path, threads, Gemm.DefaultMinFlopsPerThread);
                long before = ParallelRunner.BatchCount;
                CheckProduct(false, false, m, n, k, pad: 3, accumulate: false, seed: m + n);
                CheckProduct(false, false, m, n, k, pad: 0, accumulate: true, seed: k);
                if (threads == 1 || ParallelRunner.WorkerCount == 0)
                    Assert.Equal(before, ParallelRunner.BatchCount);
                else
                    Assert.Equal(before + 2, ParallelRunner.BatchCount);
            }
        }
    }

    // The depth split is set by the shape: the same bits on one thread as on all, as convolutions and models moved
    // between machines need.
    [Theory]
    [InlineData(32, 128, 784)]
    [InlineData(81, 81, 81)]
    public void Depth_split_products_give_the_same_bits_on_any_thread_count(int m, int n, int k)
    {
        var random = new System.Random(m);
        float[] a = GemmReference.Matrix(random, m, k, k, tail: 0), b = GemmReference.Matrix(random, k, n, n, tail: 0);
        float[] one = new float[m * n], all = new float[m * n];
        Use(GemmPath.Auto, 1, Gemm.DefaultMinFlopsPerThread);
        Gemm.Multiply(false, false, m, n, k, a, k, b, n, one, n);
        Use(GemmPath.Auto, Environment.ProcessorCount, Gemm.DefaultMinFlopsPerThread);
        Gemm.Multiply(false, false, m, n, k, a, k, b, n, all, n);
        Assert.Equal(one.Select(BitConverter.SingleToInt32Bits), all.Select(BitConverter.SingleToInt32Bits));
    }

    // A product cut in two parts gives the caller's part as many tiles as the measured speeds say (CallerSpeed); the
    // cut moves which thread computes an element, never how: the same bits at every ratio as on one thread. The shapes
    // are cut along rows (784 × 512 weight gradient) or columns (the others), with edge tiles on either side of a cut.
    [Theory]
    [InlineData(false, false, 128, 512, 784)]
    [InlineData(true, false, 784, 512, 128)]
    [InlineData(false, true, 128, 512, 512)]
    [InlineData(false, false, 65, 257, 63)]
    [InlineData(true, false, 257, 33, 40)]
    [InlineData(false, true, 13, 70, 17)]
    public void Uneven_two_part_cuts_give_the_same_bits_as_one_thread(bool transposeA, bool transposeB, int m, int n, int k)
    {
        var random = new System.Random(m + n);
        int lda = transposeA ? m : k, ldb = transposeB ? k : n;
        float[] a = GemmReference.Matrix(random, transposeA ? k : m, transposeA ? m : k, lda, tail: 0);
        float[] b = GemmReference.Matrix(random, transposeB ? n : k, transposeB ? k : n, ldb, tail: 0);
        float[] one = new float[m * n];
        Use(GemmPath.Auto, 1, 0);
        Gemm.Multiply(transposeA, transposeB, m, n, k, a, lda, b, ldb, one, n);
        GemmReference.AssertClose(GemmReference.Multiply(transposeA, transposeB, m, n, k, a, lda, b, ldb), one, m, n, n, Atol(k), Rtol);

        Use(GemmPath.Auto, 2, 0);
        try
        {
            foreach (double ratio in new[] { CallerSpeed.MaxRatio, 1 / CallerSpeed.MaxRatio, 0.7, 1.0 })
            {
                float[] two = new float[m * n];
                CallerSpeed.Shared.Reset(ratio);
                Gemm.Multiply(transposeA, transposeB, m, n, k, a, lda, b, ldb, two, n);
                Assert.Equal(one.Select(BitConverter.SingleToInt32Bits), two.Select(BitConverter.SingleToInt32Bits));
            }
        }
        finally
        {
            CallerSpeed.Shared.Reset();
        }
    }

    // Products that the caller and a worker share measure the two threads' speeds: after an even start the estimate
    // moves (the two parts never take exactly the same time).
    [Fact]
    public void Products_shared_with_a_worker_measure_the_threads_speeds()
    {
        if (ParallelRunner.WorkerCount == 0)
            return;   // one core: nothing is shared
        const int m = 128, n = 512, k = 300;
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        Use(GemmPath.Auto, 2, 0);
        CallerSpeed.Shared.Reset();
        try
        {
            for (int i = 0; i < 200 && CallerSpeed.Shared.Ratio == 1.0; i++)
                Gemm.Multiply(false, false, m, n, k, a, k, b, n, c, n);
            Assert.NotEqual(1.0, CallerSpeed.Shared.Ratio);
        }
        finally
        {
            CallerSpeed.Shared.Reset();
        }
    }

    // Four threads multiplying at once: one at a time gets the worker, the others run their blocks alone, and every
    // parallel product records into the shared estimate while the others read it to cut theirs; a fifth thread flips
    // the estimate between its bounds all along, so a call whose blocks read it twice would cut C with a gap. Every
    // result keeps the bits of one thread's.
    [Fact]
    public void Products_from_racing_threads_keep_their_bits_while_the_estimate_moves()
    {
        const int m = 128, n = 256, k = 200, threads = 4, rounds = 100;
        var random = new System.Random(5);
        float[] a = GemmReference.Matrix(random, m, k, k, tail: 0), b = GemmReference.Matrix(random, k, n, n, tail: 0);
        float[] expected = new float[m * n];
        Use(GemmPath.Auto, 1, 0);
        Gemm.Multiply(false, false, m, n, k, a, k, b, n, expected, n);

        Use(GemmPath.Auto, Environment.ProcessorCount, 0);
        var wrong = new int[threads];
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var c = new float[m * n];
            for (int round = 0; round < rounds; round++)
            {
                Array.Clear(c);
                Gemm.Multiply(false, false, m, n, k, a, k, b, n, c, n);
                if (!MemoryMarshal.Cast<float, int>(c).SequenceEqual(MemoryMarshal.Cast<float, int>(expected)))
                    wrong[t]++;
            }
        })).ToArray();
        int done = 0;
        var flipper = new Thread(() =>
        {
            for (int i = 0; Volatile.Read(ref done) == 0; i++)
                CallerSpeed.Shared.Reset(i % 2 == 0 ? 1 / CallerSpeed.MaxRatio : CallerSpeed.MaxRatio);
        });
        try
        {
            flipper.Start();
            foreach (Thread t in workers)
                t.Start();
            foreach (Thread t in workers)
                t.Join();
        }
        finally
        {
            Volatile.Write(ref done, 1);
            flipper.Join();
            CallerSpeed.Shared.Reset();
        }

        Assert.Equal(new int[threads], wrong);
    }

    // Pack buffers are per-thread and reused, and the runner dispatches without allocating.
    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    public void Warm_calls_do_not_allocate(int threads)
    {
        Gemm.MaxThreads = threads == 0 ? Environment.ProcessorCount : threads;
        const int m = 128, n = 130, k = 300;
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        AllocationAssert.DoesNotAllocate(() =>
        {
            for (int i = 0; i < 5; i++)
            {
                Gemm.Multiply(false, false, m, n, k, a, k, b, n, c, n);
                Gemm.Multiply(false, true, m, n, k, a, k, b, k, c, n, accumulate: true);
                Gemm.Multiply(true, false, m, n, k, a, m, b, n, c, n);
                Gemm.Multiply(false, false, 17, 33, 9, a, 9, b, 33, c, 33);
                Gemm.MultiplyBatched(false, false, 3, 20, 30, 40, a, 40, 800, b, 30, 0, c, 30, 600);
            }
        });
    }

    private static double Atol(int k) => (1e-5 * k) + 1e-6;

    private const double Rtol = 1e-4;

    private static void Use(string path, int threads, double minFlopsPerThread) =>
        Use(Enum.Parse<GemmPath>(path), threads, minFlopsPerThread);

    private static void Use(GemmPath path, int threads, double minFlopsPerThread)
    {
        Gemm.ForcedPath = path;
        Gemm.MaxThreads = threads;
        Gemm.MinFlopsPerThread = minFlopsPerThread;
    }

    private static void ResetSettings()
    {
        Gemm.ForcedPath = GemmPath.Auto;
        Gemm.MaxThreads = Environment.ProcessorCount;
        Gemm.MinFlopsPerThread = Gemm.DefaultMinFlopsPerThread;
    }

    // Runs one product with NaN in every padding float of A and B (any stray read poisons C),
    // NaN in C when overwriting (any stray read of C shows) and a sentinel around C.
    private static void CheckProduct(bool transposeA, bool transposeB, int m, int n, int k, int pad, bool accumulate, int seed)
    {
        var random = new System.Random(seed);
        int lda = (transposeA ? m : k) + pad, ldb = (transposeB ? k : n) + pad, ldc = n + pad;
        float[] a = GemmReference.Matrix(random, transposeA ? k : m, transposeA ? m : k, lda);
        float[] b = GemmReference.Matrix(random, transposeB ? n : k, transposeB ? k : n, ldb);
        float[] c = GemmReference.Matrix(random, m, n, ldc, padding: Sentinel);
        if (!accumulate)
        {
            for (int i = 0; i < m; i++)
                c.AsSpan(i * ldc, n).Fill(float.NaN);
        }

        float[] c0 = (float[])c.Clone();
        double[] expected = GemmReference.Multiply(transposeA, transposeB, m, n, k, a, lda, b, ldb);
        if (accumulate)
        {
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                    expected[(i * n) + j] += c0[(i * ldc) + j];
            }
        }

        Gemm.Multiply(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);

        GemmReference.AssertClose(expected, c, m, n, ldc, Atol(k), Rtol);
        for (int i = 0; i < c.Length; i++)
        {
            bool inside = ldc > 0 && i / ldc < m && i % ldc < n;
            if (!inside)
                Assert.True(c[i] == Sentinel, $"C[{i}] outside the {m}×{n} block changed to {c[i]}.");
        }
    }

    private readonly struct ProductsJob(float[][] a, float[] b, float[][] c) : IParallelJob
    {
        public float[][] A => a;

        public float[] B => b;

        public float[][] C => c;

        public void Execute(int index) =>
            Gemm.Multiply(false, false, 70, 90, 300, a[index], 300, b, 90, c[index], 90);
    }

    private static float[] Filled(System.Random random, int length)
    {
        var data = new float[length];
        for (int i = 0; i < length; i++)
            data[i] = (random.NextSingle() * 2) - 1;
        return data;
    }

    // Stores a logical rows×cols matrix either as is or transposed, with padded rows.
    private static (float[] Data, int Ld) Store(float[] logical, int rows, int cols, bool transpose, int pad)
    {
        int storedRows = transpose ? cols : rows, storedCols = transpose ? rows : cols, ld = storedCols + pad;
        var data = new float[storedRows * ld];
        Array.Fill(data, float.NaN);
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
                data[transpose ? (c * ld) + r : (r * ld) + c] = logical[(r * cols) + c];
        }

        return (data, ld);
    }
}
