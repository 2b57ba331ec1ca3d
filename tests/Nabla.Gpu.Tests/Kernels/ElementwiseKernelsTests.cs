using System.Numerics.Tensors;
using Nabla.Gpu.Kernels;
using Nabla.Gpu.Tests.Support;
using Nabla.Kernels;

namespace Nabla.Gpu.Tests.Kernels;

[Collection(CpuDeviceCollection.Name)]
public sealed class ElementwiseKernelsTests(CpuDeviceFixture fixture)
{
    private readonly GpuDevice _device = fixture.Device;

    public static TheoryData<string> UnaryOps() => new(Enum.GetNames<UnaryOp>());

    [Theory]
    [MemberData(nameof(UnaryOps))]
    public void Unary_matches_the_cpu_engine(string name)
    {
        UnaryOp op = Enum.Parse<UnaryOp>(name);
        // Values over several decades, both signs, and the special values each function must pass through.
        float[] x = [.. TestData.Uniform(61, 3, -30f, 30f), .. TestData.Uniform(20, 4, -1e-3f, 1e-3f), 0f, -0f, 1f, float.NaN,
            float.PositiveInfinity, float.NegativeInfinity, 88f, -87f, 1e-30f, 3e-39f];
        float[] expected = new float[x.Length];
        switch (op)
        {
            case UnaryOp.Negate: TensorPrimitives.Negate(x, expected); break;
            case UnaryOp.Abs: TensorPrimitives.Abs(x, expected); break;
            case UnaryOp.Square: TensorPrimitives.Multiply(x, x, expected); break;
            case UnaryOp.Sqrt: TensorPrimitives.Sqrt(x, expected); break;
            case UnaryOp.Exp: TensorPrimitives.Exp(x, expected); break;
            case UnaryOp.Log: TensorPrimitives.Log(x, expected); break;
            case UnaryOp.Sin: TensorPrimitives.Sin(x, expected); break;
            case UnaryOp.Cos: TensorPrimitives.Cos(x, expected); break;
            case UnaryOp.Sign: Nabla.Kernels.Unary.Map<SignOp>(x, expected); break;
            case UnaryOp.SafeLog: Nabla.Kernels.Unary.Map<LogOrZeroOp>(x, expected); break;
        }

        using var arrays = new DeviceArrays(_device);
        var dx = arrays.Upload(x);
        var dy = arrays.Poisoned(x.Length);
        _device.Kernels.Elementwise.Unary(op, dx, dy, x.Length);
        Close.All(expected, arrays.Download(dy), atol: 1e-7, rtol: 4e-7, what: op.ToString());
    }

    public static TheoryData<string> BinaryOps() => new(Enum.GetNames<BinaryOp>());

    [Theory]
    [MemberData(nameof(BinaryOps))]
    public void Binary_and_scalar_forms_match_the_cpu_engine(string name)
    {
        BinaryOp op = Enum.Parse<BinaryOp>(name);
        const int n = 67;
        float[] a = TestData.Uniform(n, 5, 0.1f, 3f), b = TestData.Uniform(n, 6, -2f, 2f);
        b[3] = a[3];
        a[7] = float.NaN;
        b[9] = float.NaN;
        a[11] = -2f;
        b[11] = 3f;
        float[] expected = new float[n], left = new float[n], right = new float[n];
        CpuBinary(op, a, b, expected);
        float s = 1.5f;
        for (int i = 0; i < n; i++)
        {
            left[i] = CpuScalar(op, s, a[i]);
            right[i] = CpuScalar(op, a[i], s);
        }

        using var arrays = new DeviceArrays(_device);
        var da = arrays.Upload(a);
        var db = arrays.Upload(b);
        var dy = arrays.Poisoned(n);
        var dl = arrays.Poisoned(n);
        var dr = arrays.Poisoned(n);
        _device.Kernels.Elementwise.Binary(op, da, db, dy, n);
        _device.Kernels.Elementwise.Scalar(op, da, s, dl, n, scalarLeft: true);
        _device.Kernels.Elementwise.Scalar(op, da, s, dr, n);
        Close.All(expected, arrays.Download(dy), atol: 1e-7, rtol: 2e-6, what: $"{op} binary");
        Close.All(left, arrays.Download(dl), atol: 1e-7, rtol: 2e-6, what: $"{op} scalar left");
        Close.All(right, arrays.Download(dr), atol: 1e-7, rtol: 2e-6, what: $"{op} scalar right");
    }

    [Theory]
    [InlineData(new[] { 2, 3, 4 }, new[] { 4 }, new[] { 2, 3, 4 })]
    [InlineData(new[] { 2, 1, 4 }, new[] { 3, 1 }, new[] { 2, 3, 4 })]
    [InlineData(new[] { 1 }, new[] { 5, 7 }, new[] { 5, 7 })]
    [InlineData(new[] { 2, 1, 3, 1, 5, 1 }, new[] { 1, 4, 1, 6, 1, 7 }, new[] { 2, 4, 3, 6, 5, 7 })]
    [InlineData(new[] { 3, 1, 1, 2, 1, 1, 2 }, new[] { 1, 2, 1, 1, 3, 1, 1 }, new[] { 3, 2, 1, 2, 3, 1, 2 })]
    [InlineData(new int[0], new int[0], new int[0])]
    public void Broadcast_matches_the_cpu_engine(int[] aDims, int[] bDims, int[] yDims)
    {
        int na = Product(aDims), nb = Product(bDims), ny = Product(yDims);
        float[] a = TestData.Uniform(na, 7), b = TestData.Uniform(nb, 8, 0.5f, 2f);
        foreach (BinaryOp op in new[] { BinaryOp.Subtract, BinaryOp.Divide })
        {
            float[] expected = new float[ny];
            if (op == BinaryOp.Subtract)
                Nabla.Kernels.Binary.Broadcast<SubtractOp>(a, aDims, b, bDims, expected, yDims);
            else
                Nabla.Kernels.Binary.Broadcast<DivideOp>(a, aDims, b, bDims, expected, yDims);

            using var arrays = new DeviceArrays(_device);
            var dy = arrays.Poisoned(ny);
            _device.Kernels.Elementwise.Broadcast(op, arrays.Upload(a), aDims, arrays.Upload(b), bDims, dy, yDims);
            Close.All(expected, arrays.Download(dy), what: $"{op} [{string.Join(",", aDims)}] [{string.Join(",", bDims)}]");
        }
    }

    [Theory]
    [InlineData(new[] { 5, 7 }, new[] { 7 })]
    [InlineData(new[] { 5, 7 }, new[] { 5, 1 })]
    [InlineData(new[] { 2, 3, 4, 5 }, new[] { 3, 1, 5 })]
    [InlineData(new[] { 2, 3, 4, 5 }, new[] { 1 })]
    [InlineData(new[] { 6, 4 }, new[] { 6, 4 })]
    [InlineData(new[] { 2, 2, 3, 2, 2, 3 }, new[] { 2, 1, 3, 1, 2, 1 })]
    public void SumTo_matches_the_cpu_engine(int[] srcDims, int[] dstDims)
    {
        float[] src = TestData.Uniform(Product(srcDims), 9);
        float[] expected = new float[Product(dstDims)];
        BroadcastReduce.SumTo(src, srcDims, expected, dstDims);
        using var arrays = new DeviceArrays(_device);
        var dst = arrays.Poisoned(expected.Length);
        _device.Kernels.Elementwise.SumTo(arrays.Upload(src), srcDims, dst, dstDims);
        Close.All(expected, arrays.Download(dst), atol: 1e-5, what: "SumTo");
    }

    [Fact]
    public void Fill_writes_exactly_n_elements()
    {
        using var arrays = new DeviceArrays(_device);
        var y = arrays.Poisoned(10);
        _device.Kernels.Elementwise.Fill(y, 9, 2.5f);
        float[] got = arrays.Download(y);
        Assert.All(got[..9], v => Assert.Equal(2.5f, v));
        Assert.True(float.IsNaN(got[9]));
    }

    [Fact]
    public void Errors_name_the_kernel_and_the_sizes()
    {
        using var arrays = new DeviceArrays(_device);
        var x = arrays.Poisoned(4);
        var e = Assert.Throws<ArgumentException>(() => _device.Kernels.Elementwise.Unary(UnaryOp.Exp, x, x, 5));
        Assert.Contains("GPU kernel 'Unary' expects x to hold at least 5 elements, but it holds 4", e.Message);
        var b = Assert.Throws<ArgumentException>(() => _device.Kernels.Elementwise.Broadcast(BinaryOp.Add, x, [2, 2], x, [3], x, [2, 2]));
        Assert.Contains("expects b of shape [3] to broadcast to [2, 2]", b.Message);
        var r = Assert.Throws<ArgumentException>(() => _device.Kernels.Elementwise.SumTo(x, [2, 2, 3, 2, 2, 3, 2], x, [2, 1, 3, 1, 2, 1, 2]));
        Assert.Contains("broadcasts over at most 6 axes, but [2, 2, 3, 2, 2, 3, 2] needs 7 after merging", r.Message);
    }

    private static int Product(int[] dims)
    {
        int p = 1;
        foreach (int d in dims) p *= d;
        return p;
    }

    private static void CpuBinary(BinaryOp op, float[] a, float[] b, float[] y)
    {
        switch (op)
        {
            case BinaryOp.Add: Nabla.Kernels.Binary.Map<AddOp>(a, b, y); break;
            case BinaryOp.Subtract: Nabla.Kernels.Binary.Map<SubtractOp>(a, b, y); break;
            case BinaryOp.Multiply: Nabla.Kernels.Binary.Map<MultiplyOp>(a, b, y); break;
            case BinaryOp.Divide: Nabla.Kernels.Binary.Map<DivideOp>(a, b, y); break;
            case BinaryOp.Maximum: Nabla.Kernels.Binary.Map<MaximumOp>(a, b, y); break;
            case BinaryOp.Minimum: Nabla.Kernels.Binary.Map<MinimumOp>(a, b, y); break;
            case BinaryOp.Pow: Nabla.Kernels.Binary.Map<PowOp>(a, b, y); break;
            case BinaryOp.GreaterEqual: Nabla.Kernels.Binary.Map<GreaterOrEqualMaskOp>(a, b, y); break;
            case BinaryOp.LessEqual: Nabla.Kernels.Binary.Map<LessOrEqualMaskOp>(a, b, y); break;
            case BinaryOp.Equal: Nabla.Kernels.Binary.Map<EqualMaskOp>(a, b, y); break;
        }
    }

    private static float CpuScalar(BinaryOp op, float a, float b)
    {
        float[] y = new float[1];
        CpuBinary(op, [a], [b], y);
        return y[0];
    }
}
