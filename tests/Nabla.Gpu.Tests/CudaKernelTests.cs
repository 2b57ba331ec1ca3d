using Nabla.Gpu.Kernels;
using Nabla.Gpu.Tests.Kernels;
using Nabla.Gpu.Tests.Support;
using NablaSoftmax = Nabla.Kernels.Softmax;

namespace Nabla.Gpu.Tests;

/// <summary>
/// Checks that need a real GPU: the PTX path (ILGPU's code generator, the driver's JIT, the hardware approximations behind
/// MathF) and cuBLAS. Skipped where no CUDA device is usable.
/// </summary>
[Trait("Category", "Cuda")]
public sealed class CudaKernelTests
{
    [CudaFact]
    public void Tiled_gemm_and_cublas_match_a_double_reference_on_the_gpu()
    {
        using GpuDevice device = GpuDevice.Open("cuda:0");
        using var arrays = new DeviceArrays(device);
        foreach ((int m, int n, int k) in new[] { (1, 1, 1), (65, 33, 17), (300, 257, 129), (1024, 512, 256) })
        {
            float[] a = TestData.Uniform(m * k, 1), b = TestData.Uniform(n * k, 2);
            float[] expected = GemmKernelsTests.Reference(false, true, m, n, k, a, k, b, k, new float[m * n], n, false);
            var da = arrays.Upload(a);
            var db = arrays.Upload(b);
            var tiled = arrays.Poisoned(m * n);
            device.Kernels.Gemm.Multiply(false, true, m, n, k, da, k, db, k, tiled, n, engine: GemmEngine.Tiled);
            Close.All(expected, arrays.Download(tiled), atol: 1e-4, rtol: 1e-4, what: $"tiled {m}x{n}x{k}");
            if (device.Kernels.Gemm.CuBlasAvailable)
            {
                var blas = arrays.Poisoned(m * n);
                device.Kernels.Gemm.Multiply(false, true, m, n, k, da, k, db, k, blas, n, engine: GemmEngine.CuBlas);
                Close.All(expected, arrays.Download(blas), atol: 1e-4, rtol: 1e-4, what: $"cuBLAS {m}x{n}x{k}");
            }
        }
    }

    [CudaFact]
    public void Transcendental_kernels_stay_accurate_with_the_ptx_math()
    {
        using GpuDevice device = GpuDevice.Open("cuda:0");
        using var arrays = new DeviceArrays(device);
        const int rows = 64, cols = 1000, n = rows * cols;
        float[] x = TestData.Uniform(n, 3, -20f, 20f), soft = new float[n], expected = new float[n];
        NablaSoftmax.LogSoftmaxRows(x, soft, rows, cols);
        var dx = arrays.Upload(x);
        var y = arrays.Poisoned(n);
        device.Kernels.Rows.LogSoftmax(dx, y, rows, cols);
        Close.All(soft, arrays.Download(y), atol: 1e-5, rtol: 1e-5, what: "log-softmax on the GPU");
        foreach (UnaryOp op in new[] { UnaryOp.Exp, UnaryOp.Log })
        {
            float[] input = op == UnaryOp.Log ? TestData.Uniform(n, 4, 1e-3f, 1e3f) : x;
            for (int i = 0; i < n; i++) expected[i] = op == UnaryOp.Exp ? MathF.Exp(input[i]) : MathF.Log(input[i]);
            var u = arrays.Poisoned(n);
            device.Kernels.Elementwise.Unary(op, arrays.Upload(input), u, n);
            Close.All(expected, arrays.Download(u), atol: 1e-7, rtol: 1e-6, what: $"{op} on the GPU");
        }

        var act = arrays.Poisoned(n);
        float[] tanh = [.. x.Select(MathF.Tanh)];
        device.Kernels.Activations.Forward(GpuActivation.From(Nabla.Autodiff.ActivationTable.Tanh), dx, act, n);
        Close.All(tanh, arrays.Download(act), atol: 1e-7, rtol: 1e-6, what: "tanh on the GPU");
    }

    [CudaFact]
    public void A_kernel_fault_names_the_device_and_the_operation()
    {
        using GpuDevice device = GpuDevice.Open("cuda:0");
        // A failing allocation is a driver error that does not poison the context, unlike a faulting kernel.
        var e = Assert.Throws<GpuException>(() => device.Allocate(long.MaxValue / 8));
        Assert.Equal("cuda:0", e.Device);
        Assert.Equal("Allocate", e.Operation);
    }
}
