using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nabla.Autodiff;
using Nabla.Gpu;
using Nabla.Gpu.Kernels;
using CpuGemm = Nabla.Kernels.Gemm;
using CpuSoftmax = Nabla.Kernels.Softmax;

// The GPU measurement and self-check program that bench/gpu/run.sh runs on a machine with an NVIDIA GPU (published
// self-contained by bench/gpu/prepare.sh, because that machine may have no .NET SDK and no network). Every step is
// timed and fail-soft: a failing step records its error and the next one runs; the JSON file is rewritten after each
// step, so a crash or a timeout still leaves every finished step on disk.
//
//   Nabla.GpuBench [--device cuda:0|cpu] [--out results.json] [--quick] [--only step,step]
//
// Steps: devices, compile, checks, launch, bandwidth, sgemm, cpu_sgemm, workloads.
string deviceName = GpuDevice.IsCudaAvailable ? "cuda:0" : "cpu";
string outPath = "gpubench.json";
bool quick = false;
HashSet<string>? only = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--device": deviceName = args[++i]; break;
        case "--out": outPath = args[++i]; break;
        case "--quick": quick = true; break;
        case "--only": only = [.. args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries)]; break;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: Nabla.GpuBench [--device cuda:0|cpu] [--out file.json] [--quick] [--only steps]");
            return 2;
    }
}

var report = new JsonObject
{
    ["program"] = "Nabla.GpuBench",
    ["started_utc"] = DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture),
    ["machine"] = new JsonObject
    {
        ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        ["runtime"] = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        ["cores"] = Environment.ProcessorCount,
    },
    ["requested_device"] = deviceName,
    ["quick"] = quick,
    ["steps"] = new JsonObject(),
};
var steps = (JsonObject)report["steps"]!;
int failures = 0;

void Save()
{
    File.WriteAllText(outPath, report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
}

void Step(string name, Func<JsonObject> body)
{
    if (only is not null && !only.Contains(name))
    {
        return;
    }

    Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {name} ...");
    var sw = Stopwatch.StartNew();
    JsonObject result;
    try
    {
        result = body();
        result["ok"] ??= true;
    }
    catch (Exception e)
    {
        result = new JsonObject { ["ok"] = false, ["error"] = $"{e.GetType().Name}: {e.Message}", ["stack"] = e.StackTrace };
    }

    if (result["ok"]?.GetValue<bool>() == false)
    {
        failures++;
    }

    result["seconds"] = Math.Round(sw.Elapsed.TotalSeconds, 3);
    steps[name] = result;
    Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {name}: {(result["ok"]!.GetValue<bool>() ? "ok" : "FAILED " + result["error"])} ({sw.Elapsed.TotalSeconds:F1} s)");
    Save();
}

Save();
GpuDevice? device = null;
Step("devices", () =>
{
    var list = new JsonArray();
    foreach (GpuDeviceInfo d in GpuDevice.List())
    {
        list.Add(new JsonObject { ["name"] = d.Name, ["kind"] = d.Kind.ToString(), ["description"] = d.Description, ["memory_bytes"] = d.MemoryBytes, ["compute_capability"] = d.ComputeCapability });
    }

    var sw = Stopwatch.StartNew();
    device = GpuDevice.Open(deviceName);
    double open = sw.Elapsed.TotalMilliseconds;
    return new JsonObject
    {
        ["devices"] = list,
        ["cuda_unavailable_reason"] = GpuDevice.CudaUnavailableReason,
        ["opened"] = device.ToString(),
        ["open_ms"] = Math.Round(open, 1),
        ["cublas_available"] = device.Kernels.Gemm.CuBlasAvailable,
        ["cublas_unavailable_reason"] = device.Kernels.Gemm.CuBlasUnavailableReason,
    };
});

if (device is null)
{
    report["finished_utc"] = DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture);
    report["failures"] = failures;
    Save();
    return 1;
}

using GpuDevice dev = device;
Step("compile", () => GpuSteps.CompileTimes(dev));
Step("checks", () => GpuSteps.Checks(dev, quick));
Step("launch", () => GpuSteps.LaunchOverhead(dev, quick));
Step("bandwidth", () => GpuSteps.Bandwidth(dev, quick));
Step("sgemm", () => GpuSteps.Sgemm(dev, quick ? 256 : 4096, quick ? 2 : 10));
Step("cpu_sgemm", () => GpuSteps.CpuSgemm(quick ? 256 : 4096));
Step("workloads", () => DeviceWorkloads.Run(deviceName, quick));

report["finished_utc"] = DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture);
report["failures"] = failures;
Save();
Console.WriteLine($"Wrote {outPath}: {failures} failed step(s).");
return failures == 0 ? 0 : 1;

/// <summary>The measurement and check steps.</summary>
internal static class GpuSteps
{
    /// <summary>First call (compile + launch + sync) against a warm call, per kernel family.</summary>
    public static JsonObject CompileTimes(GpuDevice device)
    {
        const int n = 4096;
        using var x = device.Upload(Data(n, 1));
        using var y = device.Allocate(n);
        var result = new JsonObject();
        void Time(string name, Action launch)
        {
            var sw = Stopwatch.StartNew();
            launch();
            device.Synchronize();
            double first = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            launch();
            device.Synchronize();
            result[name] = new JsonObject { ["first_ms"] = Math.Round(first, 2), ["warm_ms"] = Math.Round(sw.Elapsed.TotalMilliseconds, 3) };
        }

        var k = device.Kernels;
        Time("unary", () => k.Elementwise.Unary(UnaryOp.Exp, x.View, y.View, n));
        Time("activation", () => k.Activations.Forward(GpuActivation.From(ActivationTable.Gelu), x.View, y.View, n));
        Time("softmax", () => k.Rows.Softmax(x.View, y.View, 64, 64));
        Time("sum_columns", () => k.Reductions.ColumnSums(x.View, 64, 64, y.View));
        Time("gemm_tiled", () => k.Gemm.Multiply(false, false, 64, 64, 64, x.View, 64, x.View, 64, y.View, 64, engine: GemmEngine.Tiled));
        if (k.Gemm.CuBlasAvailable)
        {
            Time("gemm_cublas", () => k.Gemm.Multiply(false, false, 64, 64, 64, x.View, 64, x.View, 64, y.View, 64, engine: GemmEngine.CuBlas));
        }

        return result;
    }

    /// <summary>The Cuda-category checks: GPU results against the CPU engine, with the largest errors seen.</summary>
    public static JsonObject Checks(GpuDevice device, bool quick)
    {
        var result = new JsonObject();
        bool ok = true;
        void Record(string name, float[] expected, float[] actual, double atol, double rtol)
        {
            double worst = 0;
            bool pass = true;
            for (int i = 0; i < expected.Length; i++)
            {
                double e = expected[i], a = actual[i], d = Math.Abs(a - e);
                bool close = double.IsNaN(e) ? double.IsNaN(a) : d <= atol + (rtol * Math.Abs(e));
                pass &= close;
                if (!double.IsNaN(d))
                {
                    worst = Math.Max(worst, d / (atol + (rtol * Math.Abs(e))));
                }
            }

            ok &= pass;
            result[name] = new JsonObject { ["pass"] = pass, ["worst_error_over_tolerance"] = Math.Round(worst, 4) };
        }

        float[] Down(ILGPU.ArrayView<float> v)
        {
            device.Synchronize();
            var host = new float[v.Length];
            ILGPU.Runtime.ArrayViewExtensions.CopyToCPU(v, host);
            return host;
        }

        // GEMM, every engine, against the CPU engine.
        int size = quick ? 96 : 777;
        float[] a = Data(size * size, 2), b = Data(size * size, 3), c = new float[size * size];
        CpuGemm.Multiply(false, true, size, size, size, a, size, b, size, c, size);
        using var da = device.Upload(a);
        using var db = device.Upload(b);
        using var dc = device.Allocate(size * size);
        device.Kernels.Gemm.Multiply(false, true, size, size, size, da.View, size, db.View, size, dc.View, size, engine: GemmEngine.Tiled);
        Record("gemm_tiled", c, Down(dc.View), 1e-4, 1e-4);
        if (device.Kernels.Gemm.CuBlasAvailable)
        {
            device.Kernels.Gemm.Multiply(false, true, size, size, size, da.View, size, db.View, size, dc.View, size, engine: GemmEngine.CuBlas);
            Record("gemm_cublas", c, Down(dc.View), 1e-4, 1e-4);
        }

        // Every activation and its derivative, with the PTX math.
        const int rows = 256, cols = 129, n = rows * cols;
        float[] x = Data(n, 4, 12f), g = Data(n, 5), bias = Data(cols, 6);
        using var dx = device.Upload(x);
        using var dg = device.Upload(g);
        using var dbias = device.Upload(bias);
        using var dy = device.Allocate(n);
        using var dpre = device.Allocate(n);
        using var dd = device.Allocate(n);
        using var dsum = device.Allocate(cols);
        foreach (ActivationDescriptor cpu in ActivationTable.All)
        {
            if (cpu == ActivationTable.Softmax)
            {
                continue;
            }

            GpuActivation gpu = GpuActivation.From(cpu);
            float[] y = new float[n], pre = new float[n], d = new float[n], sums = new float[cols];
            cpu.Forward(x, bias, y, pre, cols);
            cpu.Backward(g, cpu.DerivativeFromOutput ? y : pre, d, sums, cols);
            device.Kernels.Activations.BiasForward(gpu, dx.View, dbias.View, dy.View, dpre.View, rows, cols);
            device.Kernels.Activations.BiasBackward(gpu, dg.View, gpu.DerivativeFromOutput ? dy.View : dpre.View, dd.View, dsum.View, rows, cols);
            string name = cpu.Name;
            Record($"{name}_forward", y, Down(dy.View), 1e-6, 1e-5);
            Record($"{name}_backward", d, Down(dd.View), 1e-6, 1e-5);
            Record($"{name}_bias_gradient", sums, Down(dsum.View), 1e-5, 1e-5);
        }

        float[] logSoft = new float[n];
        CpuSoftmax.LogSoftmaxRows(x, logSoft, rows, cols);
        device.Kernels.Rows.LogSoftmax(dx.View, dy.View, rows, cols);
        Record("log_softmax", logSoft, Down(dy.View), 1e-5, 1e-5);

        result["ok"] = ok;
        return result;
    }

    /// <summary>Latency of a tiny kernel launch followed by a synchronisation, and of a batch of launches (the W4 b32 regime).</summary>
    public static JsonObject LaunchOverhead(GpuDevice device, bool quick)
    {
        using var x = device.Upload(Data(1024, 7));
        int reps = quick ? 20 : 2000;
        device.Kernels.Elementwise.Unary(UnaryOp.Negate, x.View, x.View, 1024);
        device.Synchronize();
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < reps; i++)
        {
            device.Kernels.Elementwise.Unary(UnaryOp.Negate, x.View, x.View, 1024);
            device.Synchronize();
        }

        double synced = sw.Elapsed.TotalMilliseconds * 1000 / reps;
        sw.Restart();
        for (int i = 0; i < reps; i++)
        {
            device.Kernels.Elementwise.Unary(UnaryOp.Negate, x.View, x.View, 1024);
        }

        device.Synchronize();
        double queued = sw.Elapsed.TotalMilliseconds * 1000 / reps;
        return new JsonObject { ["launch_and_sync_us"] = Math.Round(synced, 2), ["queued_launch_us"] = Math.Round(queued, 2), ["reps"] = reps };
    }

    /// <summary>Effective bandwidth of y = a + b (12 bytes per element) on a large vector.</summary>
    public static JsonObject Bandwidth(GpuDevice device, bool quick)
    {
        int n = quick ? 1 << 16 : 1 << 26;
        using var a = device.Allocate(n);
        using var b = device.Allocate(n);
        using var y = device.Allocate(n);
        device.Kernels.Elementwise.Fill(a.View, n, 1f);
        device.Kernels.Elementwise.Fill(b.View, n, 2f);
        device.Kernels.Elementwise.Binary(BinaryOp.Add, a.View, b.View, y.View, n);
        device.Synchronize();
        int reps = quick ? 3 : 20;
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < reps; i++)
        {
            device.Kernels.Elementwise.Binary(BinaryOp.Add, a.View, b.View, y.View, n);
        }

        device.Synchronize();
        double seconds = sw.Elapsed.TotalSeconds / reps;
        return new JsonObject { ["elements"] = n, ["ms"] = Math.Round(seconds * 1000, 3), ["gb_per_s"] = Math.Round(12.0 * n / seconds / 1e9, 1) };
    }

    /// <summary>SGEMM size³: the tiled kernel and cuBLAS, best of several runs after a warm-up.</summary>
    public static JsonObject Sgemm(GpuDevice device, int size, int reps)
    {
        long n = (long)size * size;
        using var a = device.Upload(Data((int)n, 8));
        using var b = device.Upload(Data((int)n, 9));
        using var c = device.Allocate(n);
        var result = new JsonObject { ["size"] = size };
        double flops = 2.0 * size * size * size;
        double Best(GemmEngine engine)
        {
            device.Kernels.Gemm.Multiply(false, false, size, size, size, a.View, size, b.View, size, c.View, size, engine: engine);
            device.Synchronize();
            double best = double.MaxValue;
            for (int i = 0; i < reps; i++)
            {
                var sw = Stopwatch.StartNew();
                device.Kernels.Gemm.Multiply(false, false, size, size, size, a.View, size, b.View, size, c.View, size, engine: engine);
                device.Synchronize();
                best = Math.Min(best, sw.Elapsed.TotalSeconds);
            }

            return best;
        }

        double tiled = Best(GemmEngine.Tiled);
        result["tiled_ms"] = Math.Round(tiled * 1000, 3);
        result["tiled_gflops"] = Math.Round(flops / tiled / 1e9, 1);
        if (device.Kernels.Gemm.CuBlasAvailable)
        {
            double blas = Best(GemmEngine.CuBlas);
            result["cublas_ms"] = Math.Round(blas * 1000, 3);
            result["cublas_gflops"] = Math.Round(flops / blas / 1e9, 1);
            result["tiled_over_cublas"] = Math.Round(blas / tiled, 3);
        }

        return result;
    }

    /// <summary>The CPU engine's SGEMM on this machine's cores, the reference for the GPU ratios.</summary>
    public static JsonObject CpuSgemm(int size)
    {
        float[] a = Data(size * size, 10), b = Data(size * size, 11), c = new float[size * size];
        CpuGemm.Multiply(false, false, size, size, size, a, size, b, size, c, size);
        var sw = Stopwatch.StartNew();
        CpuGemm.Multiply(false, false, size, size, size, a, size, b, size, c, size);
        double s = sw.Elapsed.TotalSeconds;
        return new JsonObject { ["size"] = size, ["ms"] = Math.Round(s * 1000, 1), ["gflops"] = Math.Round(2.0 * size * size * size / s / 1e9, 1), ["threads"] = Environment.ProcessorCount };
    }

    private static float[] Data(int n, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = scale * ((2f * (float)rng.NextDouble()) - 1f);
        }

        return x;
    }
}
