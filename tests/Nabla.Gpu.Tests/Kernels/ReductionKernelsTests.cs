using Nabla.Gpu.Tests.Support;
using Nabla.Kernels;

namespace Nabla.Gpu.Tests.Kernels;

[Collection(CpuDeviceCollection.Name)]
public sealed class ReductionKernelsTests(CpuDeviceFixture fixture)
{
    private readonly GpuDevice _device = fixture.Device;

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(1, 1000, 1)]
    [InlineData(7, 17, 1)]
    [InlineData(3, 5, 7)]
    [InlineData(1, 257, 10)]
    [InlineData(2, 65, 3)]
    [InlineData(4, 0, 3)]
    public void Sum_mean_max_min_and_adjoints_match_the_cpu_engine(int outer, int n, int inner)
    {
        int total = outer * n * inner, outputs = outer * inner;
        float[] x = TestData.Uniform(total, 51, -4f, 4f), g = TestData.Uniform(outputs, 52);
        if (total > 3)
        {
            x[2] = x[1];   // a tie
        }

        float[] sum = new float[outputs], max = new float[outputs], min = new float[outputs], spread = new float[total], back = new float[total];
        Reduction.Sum(x, outer, n, inner, sum);
        float[] mean = [.. sum.Select(s => n == 0 ? 0f : s / n)];
        if (n > 0)
        {
            Reduction.Max(x, outer, n, inner, max);
            Reduction.Min(x, outer, n, inner, min);
            Reduction.ExtremumBackward(x, max, g, outer, n, inner, new float[outputs], back);
        }

        Reduction.Spread(g, outer, n, inner, 0.5f, spread);

        using var arrays = new DeviceArrays(_device);
        var dx = arrays.Upload(x);
        var ys = arrays.Poisoned(outputs);
        var ym = arrays.Poisoned(outputs);
        var k = _device.Kernels.Reductions;
        k.Sum(dx, outer, n, inner, ys);
        k.Sum(dx, outer, n, inner, ym, n == 0 ? 1f : 1f / n);
        Close.All(sum, arrays.Download(ys), atol: 1e-5, rtol: 1e-5, what: "sum");
        Close.All(mean, arrays.Download(ym), atol: 1e-6, rtol: 1e-5, what: "mean");
        var dsp = arrays.Poisoned(Math.Max(total, 1));
        k.Spread(arrays.Upload(g), outer, n, inner, 0.5f, dsp);
        Close.All(spread, arrays.Download(dsp), what: "spread");
        if (n == 0)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => k.Max(dx, outer, n, inner, ys));
            return;
        }

        var yx = arrays.Poisoned(outputs);
        var yn = arrays.Poisoned(outputs);
        var dback = arrays.Poisoned(total);
        k.Max(dx, outer, n, inner, yx);
        k.Min(dx, outer, n, inner, yn);
        k.ExtremumBackward(dx, yx, arrays.Upload(g), outer, n, inner, dback);
        Close.All(max, arrays.Download(yx), atol: 0, rtol: 0, what: "max");
        Close.All(min, arrays.Download(yn), atol: 0, rtol: 0, what: "min");
        Close.All(back, arrays.Download(dback), what: "max backward");
    }

    [Fact]
    public void Max_and_min_propagate_nan()
    {
        using var arrays = new DeviceArrays(_device);
        var x = arrays.Upload(new[] { 1f, float.NaN, 3f, 2f, 5f, 4f });
        var y = arrays.Poisoned(2);
        _device.Kernels.Reductions.Max(x, 2, 3, 1, y);
        float[] got = arrays.Download(y);
        Assert.True(float.IsNaN(got[0]));
        Assert.Equal(5f, got[1]);
    }

    [Fact]
    public void Column_deviation_sums_match_a_double_reference()
    {
        const int rows = 300, cols = 5;
        float[] x = TestData.Uniform(rows * cols, 53, 10f, 12f), other = TestData.Uniform(rows * cols, 54), center = TestData.Uniform(cols, 55, 10f, 12f);
        float[] sq = new float[cols], prod = new float[cols];
        for (int c = 0; c < cols; c++)
        {
            double s = 0, p = 0;
            for (int r = 0; r < rows; r++) { double d = x[(r * cols) + c] - center[c]; s += d * d; p += other[(r * cols) + c] * d; }
            sq[c] = (float)(s / rows);
            prod[c] = (float)p;
        }

        using var arrays = new DeviceArrays(_device);
        var dx = arrays.Upload(x);
        var dc = arrays.Upload(center);
        var y1 = arrays.Poisoned(cols);
        var y2 = arrays.Poisoned(cols);
        _device.Kernels.Reductions.ColumnSquaredDeviations(dx, dc, rows, cols, y1, 1f / rows);
        _device.Kernels.Reductions.ColumnDeviationProducts(dx, dc, arrays.Upload(other), rows, cols, y2);
        Close.All(sq, arrays.Download(y1), atol: 1e-5, rtol: 1e-4, what: "squared deviations");
        Close.All(prod, arrays.Download(y2), atol: 1e-4, rtol: 1e-4, what: "deviation products");
    }
}
