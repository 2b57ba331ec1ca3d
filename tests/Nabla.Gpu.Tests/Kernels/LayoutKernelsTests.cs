using Nabla.Gpu.Kernels;
using Nabla.Gpu.Tests.Support;

namespace Nabla.Gpu.Tests.Kernels;

[Collection(CpuDeviceCollection.Name)]
public sealed class LayoutKernelsTests(CpuDeviceFixture fixture)
{
    private readonly GpuDevice _device = fixture.Device;

    [Theory]
    [InlineData(1, 1, 1, 0)]
    [InlineData(7, 3, 17, 5)]
    [InlineData(17, 63, 65, 2)]
    [InlineData(5, 4, 4, 0)]
    public void Copy_runs_into_and_out_of_blocks_match_a_naive_loop(int outer, int run, int stride, int offset)
    {
        float[] part = TestData.Uniform(outer * run, 1);
        float[] joined = TestData.Uniform(((outer - 1) * stride) + offset + run, 2);
        float[] into = (float[])joined.Clone(), outOf = new float[outer * run];
        for (int o = 0; o < outer; o++)
        {
            for (int j = 0; j < run; j++)
            {
                into[(o * stride) + offset + j] = part[(o * run) + j];
                outOf[(o * run) + j] = joined[(o * stride) + offset + j];
            }
        }

        using var arrays = new DeviceArrays(_device);
        var dJoined = arrays.Upload(joined);
        _device.Kernels.Layout.CopyRuns(arrays.Upload(part), dJoined, outer, run, stride, offset, toBlocks: true);
        Assert.Equal(into, arrays.Download(dJoined));
        var dPart = arrays.Poisoned(outer * run);
        _device.Kernels.Layout.CopyRuns(arrays.Upload(joined), dPart, outer, run, stride, offset, toBlocks: false);
        Assert.Equal(outOf, arrays.Download(dPart));
    }

    [Theory]
    [InlineData(1, 1, 1, 1, 1, 0)]
    [InlineData(3, 4, 5, 7, 40, 2)]
    [InlineData(7, 17, 3, 5, 100, 1)]
    public void Copy_runs_in_blocks_match_a_naive_loop(int blocks, int rows, int run, int stride, int blockStride, int offset)
    {
        float[] dense = TestData.Uniform(blocks * rows * run, 4);
        int length = ((blocks - 1) * blockStride) + ((rows - 1) * stride) + offset + run;
        float[] framed = TestData.Uniform(length, 5), into = (float[])framed.Clone(), outOf = new float[dense.Length];
        for (int b = 0, i = 0; b < blocks; b++)
        {
            for (int r = 0; r < rows; r++)
            {
                for (int j = 0; j < run; j++, i++)
                {
                    into[(b * blockStride) + (r * stride) + offset + j] = dense[i];
                    outOf[i] = framed[(b * blockStride) + (r * stride) + offset + j];
                }
            }
        }

        using var arrays = new DeviceArrays(_device);
        var dFramed = arrays.Upload(framed);
        _device.Kernels.Layout.CopyRuns(arrays.Upload(dense), dFramed, blocks, rows, run, stride, blockStride, offset, toBlocks: true);
        Assert.Equal(into, arrays.Download(dFramed));
        var dDense = arrays.Poisoned(dense.Length);
        _device.Kernels.Layout.CopyRuns(arrays.Upload(framed), dDense, blocks, rows, run, stride, blockStride, offset, toBlocks: false);
        Assert.Equal(outOf, arrays.Download(dDense));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 65)]
    [InlineData(7, 17)]
    [InlineData(63, 65)]
    public void Transpose_matches_a_naive_loop(int rows, int cols)
    {
        float[] x = TestData.Uniform(rows * cols, 3), expected = new float[x.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                expected[(c * rows) + r] = x[(r * cols) + c];
            }
        }

        using var arrays = new DeviceArrays(_device);
        var y = arrays.Poisoned(x.Length);
        _device.Kernels.Layout.Transpose(arrays.Upload(x), rows, cols, y);
        Assert.Equal(expected, arrays.Download(y));
    }

    [Theory]
    [InlineData(1, 1, 1, 1, 1, 1)]
    [InlineData(2, 3, 5, 7, 2, 3)]
    [InlineData(3, 4, 1, 17, 3, 1)]
    public void Up_sampling_and_its_adjoint_match_the_cpu_engine(int n, int h, int w, int c, int sh, int sw)
    {
        float[] x = TestData.Uniform(n * h * w * c, 6), g = TestData.Uniform(x.Length * sh * sw, 7);
        float[] y = new float[g.Length], dx = new float[x.Length];
        Nabla.Kernels.Resize.UpSample2D(x, n, h, w, c, sh, sw, y);
        Nabla.Kernels.Resize.UpSample2DBackward(g, n, h, w, c, sh, sw, dx);

        using var arrays = new DeviceArrays(_device);
        var dy = arrays.Poisoned(y.Length);
        _device.Kernels.Layout.UpSample(arrays.Upload(x), dy, n, h, w, c, sh, sw, backward: false);
        Assert.Equal(y, arrays.Download(dy));
        var ddx = arrays.Poisoned(x.Length);
        _device.Kernels.Layout.UpSample(arrays.Upload(g), ddx, n, h, w, c, sh, sw, backward: true);
        Close.All(dx, arrays.Download(ddx), 1e-6, 1e-5, "adjoint");
    }

    [Fact]
    public void Short_views_are_refused_before_launching()
    {
        using var arrays = new DeviceArrays(_device);
        Assert.Throws<ArgumentException>(() => _device.Kernels.Layout.CopyRuns(arrays.Upload(new float[6]), arrays.Upload(new float[7]), 2, 3, 4, 1, toBlocks: true));
        Assert.Throws<ArgumentException>(() => _device.Kernels.Layout.Transpose(arrays.Upload(new float[5]), 2, 3, arrays.Poisoned(6)));
    }
}
