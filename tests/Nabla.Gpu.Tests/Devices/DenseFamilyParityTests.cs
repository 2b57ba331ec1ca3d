using Nabla.Autodiff;
using Nabla.Gpu.Tests.Support;

namespace Nabla.Gpu.Tests.Devices;

/// <summary>
/// The ops of the dense family on the <c>ilgpu-cpu</c> device against the CPU engine, forward and backward: elementwise
/// arithmetic with broadcasting, unary math, activations, matrix products, the fused dense op, reductions, softmax and
/// the cross-entropies.
/// </summary>
[Collection(DeviceCollection.Name)]
public class DenseFamilyParityTests
{
    private static readonly Dictionary<string, (Func<Tensor[], Tensor> Op, Func<Tensor[]> Inputs, int? Watched)> Cases = new()
    {
        ["Add broadcast"] = (t => Ops.Add(t[0], t[1]), () => [R(1, 5, 7), R(2, 7)], null),
        ["Subtract broadcast"] = (t => Ops.Subtract(t[0], t[1]), () => [R(3, 4, 1, 3), R(4, 5, 1)], null),
        ["Multiply broadcast"] = (t => Ops.Multiply(t[0], t[1]), () => [R(5, 3, 17), R(6, 17)], null),
        ["Divide"] = (t => Ops.Divide(t[0], t[1]), () => [R(7, 6, 5), Positive(8, 6, 5)], null),
        ["Scalars"] = (t => Ops.Subtract(2f, Ops.Divide(Ops.Multiply(Ops.Add(t[0], 1.5f), 3f), 2f)), () => [R(9, 65)], null),
        ["Scalar divide left"] = (t => Ops.Divide(1f, t[0]), () => [Positive(10, 7, 3)], null),
        ["Negate"] = (t => Ops.Negate(t[0]), () => [R(11, 63)], null),
        ["Maximum"] = (t => Ops.Maximum(t[0], t[1]), () => [R(12, 4, 9), R(13, 4, 9)], null),
        ["Minimum scalar"] = (t => Ops.Minimum(t[0], 0.1f), () => [R(14, 33)], null),
        ["Exp"] = (t => Ops.Exp(t[0]), () => [R(15, 17)], null),
        ["Log"] = (t => Ops.Log(t[0]), () => [Positive(16, 17)], null),
        ["Sqrt"] = (t => Ops.Sqrt(t[0]), () => [Positive(17, 17)], null),
        ["Sin Cos"] = (t => Ops.Add(Ops.Sin(t[0]), Ops.Cos(t[0])), () => [R(18, 31)], null),
        ["Abs Square"] = (t => Ops.Add(Ops.Abs(t[0]), Ops.Square(t[0])), () => [R(19, 31)], null),
        ["Relu"] = (t => Ops.Relu(t[0]), () => [R(20, 8, 9)], null),
        ["Sigmoid"] = (t => Ops.Sigmoid(t[0]), () => [R(21, 8, 9)], null),
        ["Tanh"] = (t => Ops.Tanh(t[0]), () => [R(22, 8, 9)], null),
        ["Elu"] = (t => Ops.Elu(t[0], 0.7f), () => [R(23, 8, 9)], null),
        ["Selu"] = (t => Ops.Selu(t[0]), () => [R(24, 8, 9)], null),
        ["Gelu"] = (t => Ops.Gelu(t[0]), () => [R(25, 8, 9)], null),
        ["Gelu tanh"] = (t => Ops.Gelu(t[0], approximate: true), () => [R(26, 8, 9)], null),
        ["LeakyRelu"] = (t => Ops.LeakyRelu(t[0], 0.3f), () => [R(27, 8, 9)], null),
        ["Softplus"] = (t => Ops.Softplus(t[0]), () => [R(28, 8, 9)], null),
        ["Swish"] = (t => Ops.Swish(t[0]), () => [R(29, 8, 9)], null),
        ["Relu thresholded capped sloped"] = (t => Ops.Relu(t[0], 0.1f, 0.6f, 0.2f), () => [R(30, 8, 9)], null),
        ["Relu6"] = (t => Ops.Relu(t[0], maxValue: 1.5f), () => [R(86, 1, 13)], null),
        ["Relu threshold only"] = (t => Ops.Relu(t[0], threshold: -0.4f), () => [R(87, 7, 3, 5)], null),
        ["Relu slope and negative threshold"] = (t => Ops.Relu(t[0], 0.3f, null, -0.5f), () => [R(88, 1)], null),
        ["Dense with capped relu"] = (t => Ops.Dense(t[0], t[1], t[2], ActivationTable.ReluWith(0.05f, 1f, 0.1f)), () => [R(89, 5, 7), R(90, 7, 3), R(91, 3)], null),
        ["MatMul"] = (t => Ops.MatMul(t[0], t[1]), () => [R(31, 7, 17), R(32, 17, 5)], null),
        ["MatMul batched"] = (t => Ops.MatMul(t[0], t[1]), () => [R(33, 3, 4, 6), R(34, 3, 6, 5)], null),
        ["MatMul transposed"] = (t => Ops.MatMul(t[0], t[1], transposeA: true, transposeB: true), () => [R(35, 6, 4), R(36, 5, 6)], null),
        ["Dense linear"] = (t => Ops.Dense(t[0], t[1], t[2]), () => [R(37, 9, 13), R(38, 13, 7), R(39, 7)], null),
        ["Dense relu"] = (t => Ops.Dense(t[0], t[1], t[2], "relu"), () => [R(40, 9, 13), R(41, 13, 7), R(42, 7)], null),
        ["Dense gelu no bias"] = (t => Ops.Dense(t[0], t[1], null, "gelu"), () => [R(43, 9, 13), R(44, 13, 7)], null),
        ["Dense softmax"] = (t => Ops.Dense(t[0], t[1], t[2], "softmax"), () => [R(45, 1, 13), R(46, 13, 10), R(47, 10)], null),
        ["Dense tanh rank 3"] = (t => Ops.Dense(t[0], t[1], t[2], "tanh"), () => [R(48, 2, 3, 5), R(49, 5, 4), R(50, 4)], null),
        ["Sum all"] = (t => Ops.Sum(t[0]), () => [R(51, 7, 9)], null),
        ["Mean axis 0"] = (t => Ops.Mean(t[0], 0), () => [R(52, 7, 9)], null),
        ["Sum axis 1 keepdims"] = (t => Ops.Sum(t[0], 1, keepDims: true), () => [R(53, 3, 5, 4)], null),
        ["Max axis 1"] = (t => Ops.Max(t[0], 1), () => [R(54, 6, 11)], null),
        ["Min axis 0 with ties"] = (t => Ops.Min(t[0], 0), () => [Tensor.FromArray(new float[] { 1, 2, 3, 1, 0, 3, 2, 0, 5 }, 3, 3)], null),
        ["Clip"] = (t => Ops.Clip(t[0], -0.5f, 0.7f), () => [R(64, 5, 13)], null),
        ["Softmax"] = (t => Ops.Softmax(t[0]), () => [R(55, 5, 10)], null),
        ["LogSoftmax"] = (t => Ops.LogSoftmax(t[0]), () => [R(56, 5, 10)], null),
        ["Sparse softmax cross-entropy"] = (t => Ops.SparseSoftmaxCrossEntropy(t[0], t[1]), () => [R(57, 6, 10), Tensor.FromArray(new float[] { 0, 9, 3, 3, 1, 7 }, 6)], 1),
        ["Softmax cross-entropy"] = (t => Ops.SoftmaxCrossEntropy(t[0], t[1]), () => [R(58, 6, 4), Ops.Softmax(R(59, 6, 4))], null),
        ["Concatenate axis 1"] = (t => Ops.Concatenate([t[0], t[1]], 1), () => [R(65, 3, 2, 4), R(66, 3, 5, 4)], null),
        ["Slice"] = (t => Ops.Slice(t[0], 1, 2), () => [R(67, 4, 3)], null),
        ["Transpose"] = (t => Ops.Transpose(t[0]), () => [R(68, 5, 7)], null),
        ["Pow scalar"] = (t => Ops.Pow(t[0], 2.5f), () => [Positive(69, 17)], null),
        ["Pow tensor"] = (t => Ops.Pow(t[0], t[1]), () => [Positive(70, 4, 5), R(71, 5)], null),
        ["Sigmoid cross-entropy"] = (t => Ops.SigmoidCrossEntropy(t[0], t[1]), () => [R(72, 6, 3), Parity.Random(73, 0f, 1f, 6, 3)], null),
        ["L2Normalize middle axis"] = (t => Ops.L2Normalize(t[0], 1), () => [R(74, 3, 4, 5)], null),
        ["L2Normalize last axis with a tiny row"] = (t => Ops.L2Normalize(t[0], -1, 1e-2f), () => [Tensor.FromArray(new float[] { 1, -2, 3, 1e-3f, -2e-3f, 1e-3f, 0, 0, 0 }, 3, 3)], null),
        ["Softmax middle axis"] = (t => Ops.Softmax(t[0], 1), () => [R(75, 3, 4, 5)], null),
        ["Softmax axis 0"] = (t => Ops.Softmax(t[0], 0), () => [R(84, 6, 7)], null),
        ["Softmax axis 2 of 4"] = (t => Ops.Softmax(t[0], 2), () => [R(85, 2, 3, 4, 3)], null),
        ["ArgMax (no gradient)"] = (t => Ops.ArgMax(t[0], 1), () => [R(76, 4, 6)], 0),
        ["ArgMin keepdims (no gradient)"] = (t => Ops.ArgMin(t[0], 0, keepDims: true), () => [R(77, 4, 6)], 0),
        ["ArgMax middle axis odd shape (no gradient)"] = (t => Ops.ArgMax(t[0], 1), () => [R(92, 3, 7, 5)], 0),
        ["ArgMin batch 1 (no gradient)"] = (t => Ops.ArgMin(t[0], -1), () => [R(93, 1, 11)], 0),
        ["ArgMax with ties, NaN and signed zeros (no gradient)"] = (t => Ops.ArgMax(t[0], -1), () => [Ties()], 0),
        ["ArgMin with ties, NaN and signed zeros (no gradient)"] = (t => Ops.ArgMin(t[0], -1), () => [Ties()], 0),
        ["ArgMax axis 0 with ties, NaN and signed zeros (no gradient)"] = (t => Ops.ArgMax(t[0], 0), () => [Ties()], 0),
        ["ArgMin axis 0 with ties, NaN and signed zeros (no gradient)"] = (t => Ops.ArgMin(t[0], 0), () => [Ties()], 0),
        ["Index"] = (t => Ops.Index(t[0], -2), () => [R(78, 4, 3, 2)], null),
        ["Reshape"] = (t => Ops.Reshape(t[0], [3, -1]), () => [R(79, 2, 3, 2)], null),
        ["Silu"] = (t => Ops.Silu(t[0]), () => [R(80, 9, 7)], null),
        ["Max all"] = (t => Ops.Max(t[0]), () => [R(81, 5, 7)], null),
        ["Scalars on the left"] = (t => Ops.Add(3f, Ops.Subtract(1f, Ops.Multiply(t[0], -2f))), () => [R(82, 23)], null),
        ["Linear"] = (t => Ops.Multiply(Ops.Linear(t[0]), t[0]), () => [R(83, 11)], null),
    };

    /// <summary>The case names.</summary>
    public static TheoryData<string> Names => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void Op_matches_the_cpu_engine_forward_and_backward(string name)
    {
        (Func<Tensor[], Tensor> op, Func<Tensor[]> inputs, int? watched) = Cases[name];
        Parity.Check(DeviceCollection.Accelerator, op, inputs(), differentiable: watched);
    }

    [Fact]
    public void Flat_argmax_and_argmin_read_the_device_tensor()
    {
        Tensor x = Tensor.FromArray(new float[] { 3, -1, 7, 2, -5, 7 }, 2, 3);
        Tensor d = x.To(DeviceCollection.Accelerator);
        Assert.Equal(Ops.ArgMax(x), Ops.ArgMax(d));
        Assert.Equal(Ops.ArgMin(x), Ops.ArgMin(d));
    }

    [Fact]
    public void Mixing_devices_names_the_op_and_both_devices()
    {
        Tensor a = R(60, 3, 4), b = R(61, 4, 2).To(DeviceCollection.Accelerator);
        var e = Assert.Throws<InvalidOperationException>(() => Ops.MatMul(a, b));
        Assert.Contains("MatMul", e.Message, StringComparison.Ordinal);
        Assert.Contains("'cpu'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'ilgpu-cpu'", e.Message, StringComparison.Ordinal);
        var add = Assert.Throws<InvalidOperationException>(() => Ops.Add(b, R(62, 4, 2)));
        Assert.Contains("Add", add.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_labels_on_the_device_are_reported_as_on_the_cpu()
    {
        Device d = DeviceCollection.Accelerator;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Ops.SparseSoftmaxCrossEntropy(R(63, 2, 3).To(d), Tensor.FromArray(new float[] { 0, 3 }, 2).To(d)));
        Assert.Contains("integer labels in [0, 3)", e.Message, StringComparison.Ordinal);
    }

    private static Tensor R(int seed, params int[] shape) => Parity.Random(seed, -2f, 2f, shape);

    // Rows (and columns) where the first index must win: repeated extrema, a NaN after a number, −0 before +0 and the reverse.
    private static Tensor Ties() => Tensor.FromArray(new float[]
    {
        1, 3, 3, -2, -2,
        float.NaN, 5, float.NaN, -7, 0,
        -0f, 0f, -0f, 0f, -1,
        0f, -0f, 0f, -0f, 1,
        4, 4, 4, 4, 4,
    }, 5, 5);

    private static Tensor Positive(int seed, params int[] shape) => Parity.Random(seed, 0.5f, 2f, shape);
}
