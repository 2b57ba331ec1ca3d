using Nabla.Autodiff;
using Nabla.Gpu.Kernels;
using Nabla.Gpu.Tests.Support;

namespace Nabla.Gpu.Tests.Kernels;

[Collection(CpuDeviceCollection.Name)]
public sealed class ActivationKernelsTests(CpuDeviceFixture fixture)
{
    private readonly GpuDevice _device = fixture.Device;

    public static TheoryData<string, float, bool> Activations() => new()
    {
        { "linear", 0f, false }, { "relu", 0f, false }, { "sigmoid", 0f, false }, { "tanh", 0f, false }, { "elu", 1f, false },
        { "elu", 0.5f, false }, { "selu", 0f, false }, { "gelu", 0f, false }, { "gelu", 0f, true }, { "leaky_relu", 0.2f, false },
        { "softplus", 0f, false }, { "swish", 0f, false },
    };

    [Theory]
    [MemberData(nameof(Activations))]
    public void Forward_backward_and_bias_forms_match_the_cpu_engine(string name, float alpha, bool approximate)
    {
        ActivationDescriptor cpu = name switch
        {
            "elu" => ActivationTable.EluWith(alpha),
            "leaky_relu" => ActivationTable.LeakyReluWith(alpha),
            "gelu" when approximate => ActivationTable.GeluApproximate,
            _ => ActivationTable.Parse(name),
        };
        Compare(cpu, name, x => { });
    }

    public static TheoryData<float, float?, float> ReluOptions() => new()
    {
        { 0f, 6f, 0f }, { 0.1f, null, 0.5f }, { 0.2f, 0.6f, -0.3f }, { 0f, null, 1f }, { 0.3f, 2.5f, 0f },
    };

    [Theory]
    [MemberData(nameof(ReluOptions))]
    public void Relu_with_cap_threshold_or_slope_matches_the_cpu_engine_on_the_device(float slope, float? cap, float threshold)
    {
        ActivationDescriptor cpu = ActivationTable.ReluWith(slope, cap, threshold);
        Assert.Equal(GpuActivation.Code.ThresholdedRelu, GpuActivation.From(cpu).Function);
        Compare(cpu, $"relu({slope}, {cap}, {threshold})", x =>
        {
            // The kinks and the special values, where the two engines must take the same side.
            x[4] = threshold;
            x[5] = cap ?? 1e30f;
            x[6] = float.NaN;
            x[7] = float.NegativeInfinity;
            x[8] = float.PositiveInfinity;
        });
    }

    private void Compare(ActivationDescriptor cpu, string name, Action<float[]> edit)
    {
        GpuActivation gpu = GpuActivation.From(cpu);
        const int rows = 7, cols = 17, n = rows * cols;
        float[] x = TestData.Uniform(n, 21, -6f, 6f);
        x[0] = 1e-4f;
        x[1] = -1e-4f;
        x[2] = -30f;
        x[3] = 25f;
        edit(x);
        float[] bias = TestData.Uniform(cols, 22), g = TestData.Uniform(n, 23);

        // CPU engine: y = f(x + bias), pre = x + bias; then dx = g·f'(v) and the bias gradient.
        float[] y = new float[n], pre = new float[n], dx = new float[n], biasGrad = new float[cols], plain = new float[n];
        cpu.Forward(x, bias, y, pre, cols);
        cpu.Forward(x, default, plain, default, cols);
        float[] v = cpu.DerivativeFromOutput ? y : pre;
        cpu.Backward(g, v, dx, biasGrad, cols);

        using var arrays = new DeviceArrays(_device);
        var dX = arrays.Upload(x);
        var dY = arrays.Poisoned(n);
        var dPre = arrays.Poisoned(n);
        var dPlain = arrays.Poisoned(n);
        var dDx = arrays.Poisoned(n);
        var dSums = arrays.Poisoned(cols);
        ActivationKernels k = _device.Kernels.Activations;
        k.Forward(gpu, dX, dPlain, n);
        k.BiasForward(gpu, dX, arrays.Upload(bias), dY, dPre, rows, cols);
        k.BiasBackward(gpu, arrays.Upload(g), gpu.DerivativeFromOutput ? dY : dPre, dDx, dSums, rows, cols);
        Close.All(plain, arrays.Download(dPlain), atol: 1e-6, rtol: 1e-5, what: $"{name} forward");
        Close.All(y, arrays.Download(dY), atol: 1e-6, rtol: 1e-5, what: $"{name} bias forward");
        Close.All(pre, arrays.Download(dPre), what: $"{name} pre-activation");
        Close.All(dx, arrays.Download(dDx), atol: 1e-6, rtol: 1e-5, what: $"{name} backward");
        Close.All(biasGrad, arrays.Download(dSums), atol: 1e-5, rtol: 1e-5, what: $"{name} bias gradient");
    }

    [Fact]
    public void Softmax_is_refused_with_a_pointer_to_the_row_kernels()
    {
        var e = Assert.Throws<ArgumentException>(() => GpuActivation.From(ActivationTable.Softmax));
        Assert.Contains("'softmax' is not elementwise; use RowKernels.Softmax", e.Message);
    }
}
