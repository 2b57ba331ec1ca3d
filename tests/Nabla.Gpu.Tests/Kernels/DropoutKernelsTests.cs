using Nabla.Gpu.Kernels;
using Nabla.Gpu.Tests.Support;

namespace Nabla.Gpu.Tests.Kernels;

[Collection(CpuDeviceCollection.Name)]
public sealed class DropoutKernelsTests(CpuDeviceFixture fixture)
{
    private readonly GpuDevice _device = fixture.Device;

    [Theory]
    [InlineData(0f)]
    [InlineData(0.3f)]
    [InlineData(0.9f)]
    public void The_mask_follows_the_draws_keeps_the_expected_share_and_scales(float rate)
    {
        const int n = 20000;
        const ulong seed = 1234;
        float[] x = TestData.Uniform(n, 81);
        using var arrays = new DeviceArrays(_device);
        var mask = arrays.Poisoned(n);
        var y = arrays.Poisoned(n);
        _device.Kernels.Dropout.Forward(arrays.Upload(x), mask, y, n, rate, seed);
        float[] m = arrays.Download(mask), got = arrays.Download(y);
        uint threshold = (uint)(rate * 4294967296.0);
        float scale = 1f / (1f - rate);
        int kept = 0;
        for (int i = 0; i < n; i++)
        {
            float expected = DropoutKernels.Draw(seed, i) >= threshold ? scale : 0f;
            Assert.Equal(expected, m[i]);
            Assert.Equal(x[i] * expected, got[i]);
            kept += m[i] != 0f ? 1 : 0;
        }

        // Binomial share: within 5 standard deviations of 1 − rate.
        double sd = Math.Sqrt(n * rate * (1 - rate));
        Assert.InRange(kept, (n * (1 - rate)) - (5 * sd) - 1, (n * (1 - rate)) + (5 * sd) + 1);
    }

    [Fact]
    public void A_rate_of_one_is_refused()
    {
        using var arrays = new DeviceArrays(_device);
        var v = arrays.Poisoned(2);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _device.Kernels.Dropout.Forward(v, v, v, 2, 1f, 0));
        Assert.Contains("expects a rate in [0, 1), but received 1", e.Message);
    }
}
