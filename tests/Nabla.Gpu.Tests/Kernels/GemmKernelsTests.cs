using Nabla.Gpu.Kernels;
using Nabla.Gpu.Tests.Support;

namespace Nabla.Gpu.Tests.Kernels;

[Collection(CpuDeviceCollection.Name)]
public sealed class GemmKernelsTests(CpuDeviceFixture fixture)
{
    private readonly GpuDevice _device = fixture.Device;

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 17, 63)]
    [InlineData(65, 33, 17)]
    [InlineData(32, 32, 8)]
    [InlineData(3, 70, 1)]
    [InlineData(40, 5, 0)]
    public void Every_transpose_matches_a_double_reference(int m, int n, int k)
    {
        foreach (bool ta in new[] { false, true })
        {
            foreach (bool tb in new[] { false, true })
            {
                int lda = (ta ? m : k) + 2, ldb = (tb ? k : n) + 1, ldc = n + 3;
                float[] a = TestData.Uniform(((ta ? k : m) * lda) + 1, 61), b = TestData.Uniform(((tb ? n : k) * ldb) + 1, 62);
                float[] c0 = TestData.Uniform(m * ldc, 63);
                foreach (bool accumulate in new[] { false, true })
                {
                    float[] expected = Reference(ta, tb, m, n, k, a, lda, b, ldb, c0, ldc, accumulate);
                    using var arrays = new DeviceArrays(_device);
                    var dc = arrays.Upload((float[])c0.Clone());
                    _device.Kernels.Gemm.Multiply(ta, tb, m, n, k, arrays.Upload(a), lda, arrays.Upload(b), ldb, dc, ldc, accumulate, GemmEngine.Tiled);
                    Close.All(expected, arrays.Download(dc), atol: 1e-5, rtol: 1e-5, what: $"{m}x{n}x{k} ta={ta} tb={tb} acc={accumulate}");
                }
            }
        }
    }

    [Fact]
    public void Batched_products_with_a_broadcast_operand_match_the_reference()
    {
        const int batch = 3, m = 9, n = 35, k = 12;
        float[] a = TestData.Uniform(batch * m * k, 64), b = TestData.Uniform(k * n, 65);
        float[] expected = new float[batch * m * n];
        for (int i = 0; i < batch; i++)
        {
            float[] part = Reference(false, false, m, n, k, a[(i * m * k)..], k, b, n, new float[m * n], n, false);
            part.CopyTo(expected, i * m * n);
        }

        using var arrays = new DeviceArrays(_device);
        var c = arrays.Poisoned(batch * m * n);
        _device.Kernels.Gemm.MultiplyBatched(false, false, batch, m, n, k, arrays.Upload(a), k, m * k, arrays.Upload(b), n, 0, c, n, m * n);
        Close.All(expected, arrays.Download(c), atol: 1e-5, rtol: 1e-5, what: "batched");
    }

    [Fact]
    public void Cublas_is_reported_unavailable_on_the_cpu_accelerator_and_refused_when_forced()
    {
        Assert.False(_device.Kernels.Gemm.CuBlasAvailable);
        Assert.Contains("not a CUDA GPU", _device.Kernels.Gemm.CuBlasUnavailableReason);
        using var arrays = new DeviceArrays(_device);
        var v = arrays.Poisoned(4);
        var e = Assert.Throws<InvalidOperationException>(() => _device.Kernels.Gemm.Multiply(false, false, 2, 2, 2, v, 2, v, 2, arrays.Poisoned(4), 2, engine: GemmEngine.CuBlas));
        Assert.Contains("cuBLAS was requested but is unavailable", e.Message);
    }

    [Fact]
    public void Bad_sizes_name_the_argument()
    {
        using var arrays = new DeviceArrays(_device);
        var v = arrays.Poisoned(4);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _device.Kernels.Gemm.Multiply(false, false, 2, 3, 2, v, 2, v, 2, v, 3));
        Assert.Contains("ldb ≥ 3", e.Message);
        var s = Assert.Throws<ArgumentException>(() => _device.Kernels.Gemm.Multiply(false, false, 2, 2, 2, v, 2, v, 2, arrays.Poisoned(3), 2));
        Assert.Contains("expects c to hold at least 4 elements, but it holds 3", s.Message);
    }

    internal static float[] Reference(bool ta, bool tb, int m, int n, int k, float[] a, int lda, float[] b, int ldb, float[] c0, int ldc, bool accumulate)
    {
        float[] c = (float[])c0.Clone();
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                {
                    s += (double)(ta ? a[(p * lda) + i] : a[(i * lda) + p]) * (tb ? b[(j * ldb) + p] : b[(p * ldb) + j]);
                }

                c[(i * ldc) + j] = (float)(accumulate ? c[(i * ldc) + j] + s : s);
            }
        }

        return c;
    }
}
