using System.Numerics.Tensors;
using Nabla.Gpu.Kernels;
using Nabla.Gpu.Tests.Support;

namespace Nabla.Gpu.Tests.Kernels;

[Collection(CpuDeviceCollection.Name)]
public sealed class ClipKernelsTests(CpuDeviceFixture fixture)
{
    private readonly GpuDevice _device = fixture.Device;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(257)]
    [InlineData(10_001)]
    public void Sum_of_squares_matches_the_cpu(int n)
    {
        float[] x = TestData.Uniform(n, 31, -3f, 3f);
        using var arrays = new DeviceArrays(_device);
        var sum = arrays.Poisoned(1);
        _device.Kernels.Clip.SumOfSquares(arrays.Upload(n == 0 ? [0f] : x), n, sum);
        Close.All([TensorPrimitives.SumOfSquares<float>(x)], arrays.Download(sum), atol: 1e-6, rtol: 1e-5, what: $"n = {n}");
    }

    [Theory]
    [InlineData(new float[] { 9f, 16f }, 2f, true)]            // norm 5 > 2: 2/5
    [InlineData(new float[] { 0.25f, 0f }, 2f, true)]          // norm 0.5 ≤ 2: 1
    [InlineData(new float[] { 0f }, 2f, true)]                  // zero gradients: 1
    [InlineData(new float[] { float.PositiveInfinity }, 2f, true)]   // diverged: NaN
    [InlineData(new float[] { 25f }, 2f, false)]               // clipnorm: 2/5
    [InlineData(new float[] { 3f }, 2f, false)]                // clipnorm, norm ≤ limit: 1
    [InlineData(new float[] { float.NaN }, 2f, false)]         // clipnorm of a NaN norm: NaN
    public void Clip_factor_follows_the_cpu_formulas(float[] sums, float limit, bool global)
    {
        double norm = Math.Sqrt(sums.Sum(s => (double)s));
        float expected = global
            ? (float)((limit * Math.Min(1.0 / norm, 1.0 / limit)) + (norm - norm))
            : norm <= limit ? 1f : (float)(limit / norm);
        using var arrays = new DeviceArrays(_device);
        var scale = arrays.Poisoned(1);
        _device.Kernels.Clip.Scale(arrays.Upload(sums), sums.Length, limit, global, scale);
        Assert.Equal(expected, arrays.Download(scale)[0]);
    }

    [Fact]
    public void An_empty_list_of_sums_is_refused()
    {
        using var arrays = new DeviceArrays(_device);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _device.Kernels.Clip.Scale(arrays.Upload([1f]), 0, 1f, true, arrays.Poisoned(1)));
        Assert.Contains("expects count ≥ 1", e.Message);
    }
}
