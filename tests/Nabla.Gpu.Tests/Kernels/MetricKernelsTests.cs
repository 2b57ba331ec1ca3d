using Nabla.Gpu.Kernels;
using Nabla.Gpu.Tests.Support;

namespace Nabla.Gpu.Tests.Kernels;

/// <summary>
/// The metric kernels against naive references: the weighted sums are the host's doubles bit for bit, the values follow
/// the span code's rules, and bad arguments are refused with the kernel's name.
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public sealed class MetricKernelsTests(CpuDeviceFixture fixture)
{
    private readonly GpuDevice _device = fixture.Device;

    [Theory]
    [InlineData(1, 1, false, false)]
    [InlineData(7, 3, true, true)]
    [InlineData(33, 5, true, false)]
    [InlineData(1, 257, false, true)]
    public void Weighted_sums_are_the_hosts_doubles(int outer, int inner, bool weighted, bool mean)
    {
        float[] values = TestData.Uniform(outer * inner, 3, -2f, 2f), weights = TestData.Uniform(outer, 4, 0f, 2f);
        double sumW = 0, sumWV = 0;
        for (int g = 0; g < outer; g++)
        {
            double w = weighted ? weights[g] : 1.0, group = 0;
            for (int j = 0; j < inner; j++)
            {
                group += values[(g * inner) + j];
            }

            sumW += w;
            sumWV += w * (mean ? group / inner : group);
        }

        using var arrays = new DeviceArrays(_device);
        var sums = arrays.Poisoned(4);
        _device.Kernels.Metrics.WeightedSums(arrays.Upload(values), arrays.Upload(weights), weighted, outer, inner, mean, sums);
        float[] back = arrays.Download(sums);
        Assert.Equal(sumWV, Load(back, 0));
        Assert.Equal(sumW, Load(back, 2));
    }

    [Fact]
    public void Binary_accuracy_thresholds_strictly_and_divides_as_the_cpu()
    {
        // Row 0: 0.5 is not above 0.5 (a miss against label 1); row 1: 3 of 3 match.
        float[] t = [1f, 0f, 1f, 0f, 0f, 1f], p = [0.5f, 0.2f, 0.9f, 0.1f, 0.5f, 0.51f];
        using var arrays = new DeviceArrays(_device);
        var values = arrays.Poisoned(2);
        _device.Kernels.Metrics.Values(MetricKernels.Binary, arrays.Upload(t), arrays.Upload(p), 2, 3, 0.5f, 0, values);
        Assert.Equal([2f / 3f, 1f], arrays.Download(values));
    }

    [Fact]
    public void Bad_arguments_name_the_kernel()
    {
        using var arrays = new DeviceArrays(_device);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            _device.Kernels.Metrics.Values(9, arrays.Upload([0f]), arrays.Upload([0f]), 1, 1, 0.5f, 1, arrays.Poisoned(1)));
        Assert.Contains("MetricValues: expected a metric kind from 0 to 5, but received 9", e.Message);
        var short1 = Assert.Throws<ArgumentException>(() =>
            _device.Kernels.Metrics.Values(MetricKernels.Categorical, arrays.Upload([0f, 1f]), arrays.Upload([0f, 1f, 2f]), 2, 2, 0f, 0, arrays.Poisoned(2)));
        Assert.Contains("'MetricValues' expects yPred to hold at least 4 elements", short1.Message);
        var short2 = Assert.Throws<ArgumentException>(() =>
            _device.Kernels.Metrics.WeightedSums(arrays.Upload([1f, 2f]), arrays.Upload([1f]), true, 2, 1, true, arrays.Poisoned(4)));
        Assert.Contains("'MetricSums' expects weights to hold at least 2 elements", short2.Message);
    }

    private static double Load(float[] sums, int at) => BitConverter.Int64BitsToDouble(
        ((long)BitConverter.SingleToUInt32Bits(sums[at]) << 32) | BitConverter.SingleToUInt32Bits(sums[at + 1]));
}
