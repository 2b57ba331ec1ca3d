using Nabla.Gpu.Kernels;
using Nabla.Gpu.Tests.Support;

namespace Nabla.Gpu.Tests.Kernels;

[Collection(CpuDeviceCollection.Name)]
public sealed class ConvolutionKernelsTests(CpuDeviceFixture fixture)
{
    private readonly GpuDevice _device = fixture.Device;

    public static TheoryData<int, int, int, int, int, bool, int, int, int> Geometries() => new()
    {
        // batch, height, width, channels, kernel, same, stride, dilation, groups
        { 1, 5, 5, 1, 3, true, 1, 1, 1 },
        { 2, 7, 6, 4, 3, false, 2, 1, 2 },
        { 1, 9, 8, 3, 3, true, 2, 2, 1 },
        { 3, 4, 7, 6, 2, true, 1, 1, 3 },
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Im2col_matches_a_naive_gather_and_col2im_is_its_adjoint(int batch, int h, int w, int c, int kernel, bool same, int stride, int dilation, int groups)
    {
        ConvGeometry g = ConvGeometry.Create(batch, h, w, c, 2 * groups, kernel, kernel, same, stride, stride, dilation, dilation, groups);
        float[] x = TestData.Uniform(g.InputLength, 91);
        int first = g.OutputPixels > 2 ? 1 : 0, rows = g.OutputPixels - first, depth = g.GroupDepth;
        for (int group = 0; group < groups; group++)
        {
            float[] expected = new float[rows * depth];
            float[] cols = TestData.Uniform(rows * depth, 92 + group);
            float[] dx0 = TestData.Uniform(g.InputLength, 93), dx = (float[])dx0.Clone();
            for (int r = 0; r < rows; r++)
            {
                int p = first + r, ow = p % g.OutputWidth, oh = p / g.OutputWidth % g.OutputHeight, n = p / g.OutputWidth / g.OutputHeight;
                for (int kh = 0; kh < kernel; kh++)
                {
                    for (int kw = 0; kw < kernel; kw++)
                    {
                        for (int ic = 0; ic < g.GroupInputChannels; ic++)
                        {
                            int ih = (oh * stride) - g.PadTop + (kh * dilation), iw = (ow * stride) - g.PadLeft + (kw * dilation);
                            int d = (((kh * kernel) + kw) * g.GroupInputChannels) + ic;
                            if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                            int at = (((((n * h) + ih) * w) + iw) * c) + (group * g.GroupInputChannels) + ic;
                            expected[(r * depth) + d] = x[at];
                            dx[at] += cols[(r * depth) + d];   // the naive scatter col2im
                        }
                    }
                }
            }

            using var arrays = new DeviceArrays(_device);
            var dcol = arrays.Poisoned(rows * depth);
            var ddx = arrays.Upload(dx0);
            _device.Kernels.Convolution.Im2Col(g, arrays.Upload(x), group, first, rows, dcol);
            _device.Kernels.Convolution.Col2Im(g, arrays.Upload(cols), group, first, rows, ddx);
            Close.All(expected, arrays.Download(dcol), atol: 0, rtol: 0, what: $"im2col group {group}");
            Close.All(dx, arrays.Download(ddx), atol: 1e-6, rtol: 1e-6, what: $"col2im group {group}");
        }
    }

    [Theory]
    [InlineData(1, 4, 4, 1, 2, 2, false)]
    [InlineData(2, 7, 5, 3, 3, 2, true)]
    [InlineData(1, 6, 7, 2, 3, 1, true)]
    [InlineData(2, 5, 5, 4, 2, 3, false)]
    public void Pooling_matches_a_naive_reference(int batch, int h, int w, int c, int pool, int stride, bool same)
    {
        PoolGeometry g = PoolGeometry.Create(batch, h, w, c, pool, pool, stride, stride, same);
        float[] x = TestData.Uniform(g.InputLength, 94);
        x[1] = x[1 + c];   // a tie: the first in window order wins
        float[] dy = TestData.Uniform(g.OutputLength, 95);
        float[] max = new float[g.OutputLength], avg = new float[g.OutputLength], dmax = new float[g.InputLength], davg = new float[g.InputLength];
        int[] arg = new int[g.OutputLength];
        for (int o = 0; o < g.OutputLength; o++)
        {
            int ch = o % c, ow = o / c % g.OutputWidth, oh = o / c / g.OutputWidth % g.OutputHeight, n = o / c / g.OutputWidth / g.OutputHeight;
            float best = float.NegativeInfinity;
            int bestAt = -1, count = 0;
            double sum = 0;
            for (int ih = (oh * stride) - g.PadTop; ih < (oh * stride) - g.PadTop + pool; ih++)
            {
                for (int iw = (ow * stride) - g.PadLeft; iw < (ow * stride) - g.PadLeft + pool; iw++)
                {
                    if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                    int at = (((((n * h) + ih) * w) + iw) * c) + ch;
                    if (bestAt < 0 || x[at] > best) { best = x[at]; bestAt = at; }
                    sum += x[at];
                    count++;
                }
            }

            (max[o], arg[o], avg[o]) = (best, bestAt, (float)(sum / count));
            dmax[bestAt] += dy[o];
            for (int ih = (oh * stride) - g.PadTop; ih < (oh * stride) - g.PadTop + pool; ih++)
            {
                for (int iw = (ow * stride) - g.PadLeft; iw < (ow * stride) - g.PadLeft + pool; iw++)
                {
                    if (ih >= 0 && ih < h && iw >= 0 && iw < w) davg[(((((n * h) + ih) * w) + iw) * c) + ch] += dy[o] / count;
                }
            }
        }

        using var arrays = new DeviceArrays(_device);
        var dx = arrays.Upload(x);
        var ddy = arrays.Upload(dy);
        var ymax = arrays.Poisoned(g.OutputLength);
        var yavg = arrays.Poisoned(g.OutputLength);
        var darg = arrays.PoisonedInts(g.OutputLength);
        var gmax = arrays.Poisoned(g.InputLength);
        var gavg = arrays.Upload(new float[g.InputLength]);
        var k = _device.Kernels.Pooling;
        k.MaxForward(g, dx, ymax, darg);
        k.AverageForward(g, dx, yavg);
        k.MaxBackward(g, ddy, darg, gmax);
        k.AverageBackward(g, ddy, gavg, accumulate: true);
        Close.All(max, arrays.Download(ymax), atol: 0, rtol: 0, what: "max pool");
        Assert.Equal(arg, arrays.Download(darg));
        Close.All(avg, arrays.Download(yavg), atol: 1e-6, rtol: 1e-6, what: "average pool");
        Close.All(dmax, arrays.Download(gmax), atol: 1e-6, rtol: 1e-6, what: "max pool backward");
        Close.All(davg, arrays.Download(gavg), atol: 1e-6, rtol: 1e-5, what: "average pool backward");
    }

    [Theory]
    [InlineData(1, 1, true)]
    [InlineData(37, 3, true)]
    [InlineData(200, 8, false)]
    public void Batch_norm_matches_a_double_reference(int rows, int channels, bool affine)
    {
        const float eps = 1e-3f;
        int n = rows * channels;
        float[] x = TestData.Uniform(n, 96, 3f, 5f), dy = TestData.Uniform(n, 97);
        float[] gamma = affine ? TestData.Uniform(channels, 98, 0.5f, 1.5f) : [], beta = affine ? TestData.Uniform(channels, 99) : [];
        float[] mean = new float[channels], variance = new float[channels], y = new float[n], dx = new float[n], dgamma = new float[channels], dbeta = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            double m = 0, v = 0, sdy = 0, sdyx = 0;
            for (int r = 0; r < rows; r++) m += x[(r * channels) + c];
            m /= rows;
            for (int r = 0; r < rows; r++) v += Math.Pow(x[(r * channels) + c] - m, 2);
            v /= rows;
            double inv = 1 / Math.Sqrt(v + eps), gm = affine ? gamma[c] : 1, bt = affine ? beta[c] : 0;
            for (int r = 0; r < rows; r++)
            {
                int i = (r * channels) + c;
                y[i] = (float)(((x[i] - m) * inv * gm) + bt);
                sdy += dy[i];
                sdyx += dy[i] * (x[i] - m) * inv;
            }

            for (int r = 0; r < rows; r++)
            {
                int i = (r * channels) + c;
                dx[i] = (float)(gm * inv * (dy[i] - (sdy / rows) - ((x[i] - m) * inv * sdyx / rows)));
            }

            (mean[c], variance[c], dgamma[c], dbeta[c]) = ((float)m, (float)v, (float)sdyx, (float)sdy);
        }

        using var arrays = new DeviceArrays(_device);
        var dX = arrays.Upload(x);
        var dMean = arrays.Poisoned(channels);
        var dVar = arrays.Poisoned(channels);
        var dY = arrays.Poisoned(n);
        var dDx = arrays.Poisoned(n);
        var dG = arrays.Poisoned(channels);
        var dB = arrays.Poisoned(channels);
        var k = _device.Kernels.BatchNorm;
        var dGamma = affine ? arrays.Upload(gamma) : default;
        k.Statistics(dX, rows, channels, dMean, dVar);
        k.Forward(dX, dMean, dVar, dGamma, affine ? arrays.Upload(beta) : default, eps, dY, rows, channels);
        k.Backward(arrays.Upload(dy), dX, dMean, dVar, dGamma, eps, dDx, dG, dB, rows, channels);
        Close.All(mean, arrays.Download(dMean), atol: 1e-6, rtol: 1e-6, what: "mean");
        Close.All(variance, arrays.Download(dVar), atol: 1e-6, rtol: 1e-4, what: "variance");
        Close.All(y, arrays.Download(dY), atol: 1e-5, rtol: 1e-4, what: "normalized");
        Close.All(dx, arrays.Download(dDx), atol: 1e-5, rtol: 1e-4, what: "dx");
        Close.All(dgamma, arrays.Download(dG), atol: 1e-4, rtol: 1e-4, what: "dgamma");
        Close.All(dbeta, arrays.Download(dB), atol: 1e-5, rtol: 1e-5, what: "dbeta");

        float[] moving = TestData.Uniform(channels, 100), expected = new float[channels];
        for (int c = 0; c < channels; c++) expected[c] = (moving[c] * 0.99f) + (mean[c] * (1f - 0.99f));
        var dMoving = arrays.Upload(moving);
        k.UpdateMoving(dMoving, dMean, channels, 0.99f);
        Close.All(expected, arrays.Download(dMoving), atol: 1e-6, rtol: 1e-6, what: "moving mean");
    }
}
