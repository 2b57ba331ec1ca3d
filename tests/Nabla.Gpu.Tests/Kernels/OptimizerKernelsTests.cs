using Nabla.Gpu.Tests.Support;
using Nabla.Kernels;

namespace Nabla.Gpu.Tests.Kernels;

[Collection(CpuDeviceCollection.Name)]
public sealed class OptimizerKernelsTests(CpuDeviceFixture fixture)
{
    private readonly GpuDevice _device = fixture.Device;

    [Theory]
    [InlineData("sgd", 0f)]
    [InlineData("momentum", 0f)]
    [InlineData("nesterov", 0.01f)]
    [InlineData("adam", 0f)]
    [InlineData("amsgrad", 0.004f)]
    [InlineData("rmsprop", 0f)]
    [InlineData("rmsprop_centered_momentum", 0.01f)]
    [InlineData("adagrad", 0f)]
    public void Three_steps_match_the_cpu_engine(string rule, float decay)
    {
        const int n = 37;
        float[] w = TestData.Uniform(n, 71), s1 = new float[n], s2 = new float[n], s3 = new float[n];
        if (rule == "adagrad") Array.Fill(s1, 0.1f);
        using var arrays = new DeviceArrays(_device);
        var dw = arrays.Upload((float[])w.Clone());
        var d1 = arrays.Upload((float[])s1.Clone());
        var d2 = arrays.Upload((float[])s2.Clone());
        var d3 = arrays.Upload((float[])s3.Clone());
        var k = _device.Kernels.Optimizers;
        const float lr = 0.05f;
        for (int step = 1; step <= 3; step++)
        {
            float[] g = TestData.Uniform(n, 72 + step);
            var dg = arrays.Upload(g);
            if (decay != 0f)
            {
                for (int i = 0; i < n; i++) w[i] = (w[i] * -(decay * lr)) + w[i];
            }

            float alpha = lr * MathF.Sqrt(1f - MathF.Pow(0.999f, step)) / (1f - MathF.Pow(0.9f, step));
            switch (rule)
            {
                case "sgd":
                    OptimizerSteps.Sgd(w, g, lr);
                    k.Sgd(dw, dg, n, lr, decay * lr);
                    break;
                case "momentum":
                case "nesterov":
                    OptimizerSteps.SgdMomentum(w, g, s1, lr, 0.9f, rule == "nesterov");
                    k.SgdMomentum(dw, dg, d1, n, lr, 0.9f, rule == "nesterov", decay * lr);
                    break;
                case "adam":
                case "amsgrad":
                    bool ams = rule == "amsgrad";
                    OptimizerSteps.Adam(w, g, s1, s2, ams ? s3 : default, 0.1f, 0.001f, alpha, 1e-7f);
                    k.Adam(dw, dg, d1, d2, ams ? d3 : default, n, 0.1f, 0.001f, alpha, 1e-7f, decay * lr);
                    break;
                case "rmsprop":
                    OptimizerSteps.RmsProp(w, g, s1, default, default, lr, 0.9f, 0f, 1e-7f);
                    k.RmsProp(dw, dg, d1, default, default, n, lr, 0.9f, 0f, 1e-7f, decay * lr);
                    break;
                case "rmsprop_centered_momentum":
                    OptimizerSteps.RmsProp(w, g, s1, s2, s3, lr, 0.9f, 0.5f, 1e-7f);
                    k.RmsProp(dw, dg, d1, d2, d3, n, lr, 0.9f, 0.5f, 1e-7f, decay * lr);
                    break;
                default:
                    OptimizerSteps.Adagrad(w, g, s1, lr, 1e-7f);
                    k.Adagrad(dw, dg, d1, n, lr, 1e-7f, decay * lr);
                    break;
            }
        }

        Close.All(w, arrays.Download(dw), atol: 1e-6, rtol: 1e-5, what: $"{rule} weights");
        Close.All(s1, arrays.Download(d1), atol: 1e-6, rtol: 1e-5, what: $"{rule} first slot");
        Close.All(s2, arrays.Download(d2), atol: 1e-6, rtol: 1e-5, what: $"{rule} second slot");
        Close.All(s3, arrays.Download(d3), atol: 1e-6, rtol: 1e-5, what: $"{rule} third slot");
    }

    [Fact]
    public void Momentum_flushes_subnormals_to_zero_as_the_cpu_engine()
    {
        using var arrays = new DeviceArrays(_device);
        var w = arrays.Upload(new[] { 1f });
        var m = arrays.Upload(new[] { 1e-38f });
        _device.Kernels.Optimizers.SgdMomentum(w, arrays.Upload(new[] { 0f }), m, 1, 0.1f, 0.9f, nesterov: false);
        Assert.Equal(0f, arrays.Download(m)[0]);
    }
}
