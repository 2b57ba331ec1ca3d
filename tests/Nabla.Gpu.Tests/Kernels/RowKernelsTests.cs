using Nabla.Gpu.Tests.Support;
using NablaSoftmax = Nabla.Kernels.Softmax;

namespace Nabla.Gpu.Tests.Kernels;

[Collection(CpuDeviceCollection.Name)]
public sealed class RowKernelsTests(CpuDeviceFixture fixture)
{
    private readonly GpuDevice _device = fixture.Device;

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 10)]
    [InlineData(5, 17)]
    [InlineData(2, 65)]
    [InlineData(9, 300)]
    public void Softmax_family_matches_the_cpu_engine(int rows, int cols)
    {
        int n = rows * cols;
        float[] x = TestData.Uniform(n, 31, -8f, 8f), g = TestData.Uniform(n, 32), bias = TestData.Uniform(cols, 33);
        x[0] = 1e4f;   // stable for large logits
        float[] soft = new float[n], logSoft = new float[n], dSoft = new float[n], dLog = new float[n], z = new float[n], biasSoft = new float[n];
        NablaSoftmax.SoftmaxRows(x, soft, rows, cols);
        NablaSoftmax.LogSoftmaxRows(x, logSoft, rows, cols);
        NablaSoftmax.SoftmaxBackwardRows(soft, g, dSoft, rows, cols);
        NablaSoftmax.LogSoftmaxBackwardRows(logSoft, g, dLog, rows, cols);
        for (int i = 0; i < n; i++) z[i] = x[i] + bias[i % cols];
        NablaSoftmax.SoftmaxRows(z, biasSoft, rows, cols);

        using var arrays = new DeviceArrays(_device);
        var dx = arrays.Upload(x);
        var dg = arrays.Upload(g);
        var y1 = arrays.Poisoned(n);
        var y2 = arrays.Poisoned(n);
        var d1 = arrays.Poisoned(n);
        var d2 = arrays.Poisoned(n);
        var y3 = arrays.Poisoned(n);
        var pre = arrays.Poisoned(n);
        var k = _device.Kernels.Rows;
        k.Softmax(dx, y1, rows, cols);
        k.LogSoftmax(dx, y2, rows, cols);
        k.SoftmaxBackward(y1, dg, d1, rows, cols);
        k.LogSoftmaxBackward(y2, dg, d2, rows, cols);
        k.BiasSoftmax(dx, arrays.Upload(bias), y3, pre, rows, cols);
        Close.All(soft, arrays.Download(y1), atol: 1e-7, rtol: 1e-5, what: "softmax");
        Close.All(logSoft, arrays.Download(y2), atol: 1e-5, rtol: 1e-5, what: "log-softmax");
        Close.All(dSoft, arrays.Download(d1), atol: 1e-6, rtol: 1e-5, what: "softmax backward");
        Close.All(dLog, arrays.Download(d2), atol: 1e-6, rtol: 1e-5, what: "log-softmax backward");
        Close.All(biasSoft, arrays.Download(y3), atol: 1e-7, rtol: 1e-5, what: "bias softmax");
        Close.All(z, arrays.Download(pre), what: "bias softmax pre-activation");
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(7, 10)]
    [InlineData(33, 17)]
    public void Cross_entropy_matches_the_cpu_engine_formulas(int rows, int cols)
    {
        int n = rows * cols;
        float[] logits = TestData.Uniform(n, 41, -5f, 5f), g = TestData.Uniform(rows, 42), targets = TestData.Uniform(n, 43, 0f, 1f);
        var rng = new System.Random(44);
        float[] labels = new float[rows];
        for (int r = 0; r < rows; r++) labels[r] = rng.Next(cols);

        float[] lp = new float[n], sparseLoss = new float[rows], denseLoss = new float[rows], dSparse = new float[n], dDense = new float[n];
        NablaSoftmax.LogSoftmaxRows(logits, lp, rows, cols);
        for (int r = 0; r < rows; r++)
        {
            double dot = 0, tsum = 0;
            for (int c = 0; c < cols; c++) { dot += targets[(r * cols) + c] * lp[(r * cols) + c]; tsum += targets[(r * cols) + c]; }
            sparseLoss[r] = -lp[(r * cols) + (int)labels[r]];
            denseLoss[r] = (float)-dot;
            for (int c = 0; c < cols; c++)
            {
                double p = Math.Exp(lp[(r * cols) + c]);
                dSparse[(r * cols) + c] = (float)((p - (c == (int)labels[r] ? 1 : 0)) * g[r]);
                dDense[(r * cols) + c] = (float)(((p * tsum) - targets[(r * cols) + c]) * g[r]);
            }
        }

        using var arrays = new DeviceArrays(_device);
        var dLogits = arrays.Upload(logits);
        var dLabels = arrays.Upload(labels);
        var dTargets = arrays.Upload(targets);
        var dg = arrays.Upload(g);
        var lp1 = arrays.Poisoned(n);
        var lp2 = arrays.Poisoned(n);
        var l1 = arrays.Poisoned(rows);
        var l2 = arrays.Poisoned(rows);
        var dx1 = arrays.Poisoned(n);
        var dx2 = arrays.Poisoned(n);
        var k = _device.Kernels.Rows;
        k.SparseCrossEntropy(dLogits, dLabels, lp1, l1, rows, cols);
        k.SparseCrossEntropyBackward(lp1, dLabels, dg, dx1, rows, cols);
        k.CrossEntropy(dLogits, dTargets, lp2, l2, rows, cols);
        k.CrossEntropyBackward(lp2, dTargets, dg, dx2, rows, cols);
        Close.All(lp, arrays.Download(lp1), atol: 1e-5, rtol: 1e-5, what: "log-probabilities");
        Close.All(sparseLoss, arrays.Download(l1), atol: 1e-5, rtol: 1e-5, what: "sparse loss");
        Close.All(dSparse, arrays.Download(dx1), atol: 1e-6, rtol: 1e-5, what: "sparse gradient");
        Close.All(denseLoss, arrays.Download(l2), atol: 1e-5, rtol: 1e-5, what: "dense loss");
        Close.All(dDense, arrays.Download(dx2), atol: 1e-6, rtol: 1e-5, what: "dense gradient");
    }

    [Fact]
    public void An_invalid_label_gives_a_nan_loss_and_gradient_row_only()
    {
        using var arrays = new DeviceArrays(_device);
        var logits = arrays.Upload(TestData.Uniform(6, 45));
        var labels = arrays.Upload(new[] { 1f, 3f });
        var lp = arrays.Poisoned(6);
        var loss = arrays.Poisoned(2);
        var dx = arrays.Poisoned(6);
        _device.Kernels.Rows.SparseCrossEntropy(logits, labels, lp, loss, 2, 3);
        _device.Kernels.Rows.SparseCrossEntropyBackward(lp, labels, arrays.Upload(new[] { 1f, 1f }), dx, 2, 3);
        float[] l = arrays.Download(loss), d = arrays.Download(dx);
        Assert.False(float.IsNaN(l[0]));
        Assert.True(float.IsNaN(l[1]));
        Assert.All(d[..3], v => Assert.False(float.IsNaN(v)));
        Assert.All(d[3..], v => Assert.True(float.IsNaN(v)));
    }
}
