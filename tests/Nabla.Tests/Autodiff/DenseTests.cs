using Nabla.Autodiff;
using Nabla.Tensors;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

public class DenseTests
{
    private static readonly string[] Activations =
        ["linear", "relu", "sigmoid", "tanh", "softmax", "elu", "selu", "gelu", "leaky_relu", "softplus", "swish"];

    public static TheoryData<string, int[]> ActivationsAndInputShapes()
    {
        var data = new TheoryData<string, int[]>();
        foreach (string a in Activations)
        {
            data.Add(a, [3, 4]);
            data.Add(a, [2, 3, 4]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ActivationsAndInputShapes))]
    public void Gradients_match_finite_differences(string activation, int[] inputShape)
    {
        (Tensor x, Tensor kernel, Tensor bias) = Data(inputShape, units: 5, seed: 1);
        GradCheck.Assert(t => Ops.Dense(t[0], t[1], t[2], activation), [x, kernel, bias]);
    }

    [Fact]
    public void Gradients_flow_to_variables_and_without_a_bias()
    {
        (Tensor x, Tensor kernel, _) = Data([4, 3], units: 6, seed: 2);
        var w = new Variable(kernel, "kernel");
        GradCheck.Assert(t => Ops.Dense(t[0], w, null, "tanh"), [x], [w]);
    }

    [Theory]
    [MemberData(nameof(ActivationsAndInputShapes))]
    public void Fused_equals_matmul_plus_bias_plus_activation_forward_and_backward(string activation, int[] inputShape)
    {
        (Tensor x, Tensor kernel, Tensor bias) = Data(inputShape, units: 19, seed: 3);
        Tensor r = TestData.Uniform([.. inputShape[..^1], 19], seed: 4);
        ActivationDescriptor kind = ActivationTable.Parse(activation);

        (Tensor yFused, Tensor[] gFused) = Gradients.Of(() => Ops.Dense(x, kernel, bias, activation), r, x, kernel, bias);
        (Tensor yComposed, Tensor[] gComposed) = Gradients.Of(
            () => Ops.Activate(Ops.Add(Ops.MatMul(x, kernel), bias), kind), r, x, kernel, bias);

        AssertEx.Close(yComposed, yFused, atol: 1e-6, rtol: 1e-5);
        for (int i = 0; i < 3; i++)
        {
            AssertEx.Close(gComposed[i], gFused[i], atol: 1e-5, rtol: 1e-4);   // dX, dKernel, dBias
        }
    }

    [Fact]
    public void Hand_computed_relu_layer()
    {
        // z = x·W + b = [[2.1, −2.2, −4.7], [5.1, −4.2, −10.7]]; relu keeps column 0.
        // With L = Σy: dZ = [[1, 0, 0], [1, 0, 0]], dW = xᵀ·dZ = [[4, 0, 0], [6, 0, 0]], db = [2, 0, 0],
        // dx = dZ·Wᵀ = [[1, 0.5], [1, 0.5]].
        Tensor x = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
        Tensor w = Tensor.FromArray([1f, 0f, -1f, 0.5f, -1f, -2f], 2, 3);
        Tensor b = Tensor.FromArray([0.1f, -0.2f, 0.3f], 3);
        using var tape = new GradientTape();
        tape.Watch(x);
        tape.Watch(w);
        tape.Watch(b);
        Tensor y = Ops.Dense(x, w, b, "relu");
        AssertEx.Close([2.1f, 0f, 0f, 5.1f, 0f, 0f], [2, 3], y);
        IReadOnlyList<Tensor> g = tape.Gradient(y, [x, w, b]);
        AssertEx.Close([1f, 0.5f, 1f, 0.5f], [2, 2], g[0]);
        AssertEx.Close([4f, 0f, 0f, 6f, 0f, 0f], [2, 3], g[1]);
        AssertEx.Close([2f, 0f, 0f], [3], g[2]);
    }

    [Theory]
    [InlineData("relu", false)]
    [InlineData("sigmoid", false)]
    [InlineData("tanh", false)]
    [InlineData("softmax", false)]
    [InlineData(null, false)]
    [InlineData("gelu", true)]
    [InlineData("elu", true)]
    [InlineData("swish", true)]
    public void The_pre_activation_is_kept_only_when_recording_and_only_if_the_derivative_needs_it(string? activation, bool needsIt)
    {
        (Tensor x, Tensor kernel, Tensor bias) = Data([2, 3], units: 4, seed: 5);
        var w = new Variable(kernel, "kernel");
        Arena arena = StepContext.Current.Arena;
        using (StepContext.Current.BeginTrainingStep())   // the trainer's step: an arena and a tape
        {
            int before = arena.Position;
            _ = Ops.Dense(x, w, bias, activation);
            Assert.Equal(needsIt ? 2 : 1, arena.Position - before);   // the output, plus the saved pre-activation
        }

        using (StepContext.Current.BeginInferenceBatch())   // inference: an arena but no tape
        {
            int before = arena.Position;
            _ = Ops.Dense(x, w, bias, activation);
            Assert.Equal(1, arena.Position - before);
        }
    }

    [Fact]
    public void The_input_gradient_is_computed_only_when_the_input_needs_one()
    {
        (Tensor x, Tensor kernel, Tensor bias) = Data([3, 4], units: 2, seed: 6);
        var w = new Variable(kernel, "kernel");
        var b = new Variable(bias, "bias");
        int Backward(bool watchInput)
        {
            using StepContext.TrainingStep step = StepContext.Current.BeginTrainingStep();
            if (watchInput)
            {
                step.Tape.Watch(x);
            }

            Tensor y = Ops.Dense(x, w, b, "tanh");
            int before = StepContext.Current.Arena.Position;
            var results = new Tensor[2];
            step.Tape.ComputeGradients(y, null, [w.Value, b.Value], results);
            return StepContext.Current.Arena.Position - before;
        }

        Assert.Equal(Backward(watchInput: false) + 1, Backward(watchInput: true));   // one more tensor: dx
    }

    [Fact]
    public void Shape_errors_name_both_shapes()
    {
        Tensor kernel = Tensor.Zeros(784, 128);
        ShapeMismatchException ex = AssertEx.Throws<ShapeMismatchException>(() => Ops.Dense(Tensor.Zeros(32, 28, 28), kernel),
            "Dense: kernel [784, 128] expects input with last axis 784, but received shape [32, 28, 28].",
            "Flatten the input to [32, 784] first");
        Assert.Equal("Dense", ex.Operation);
        Assert.Equal("[32, 28, 28]", ex.Actual);
        AssertEx.Throws<ShapeMismatchException>(() => Ops.Dense(Tensor.Zeros(32, 100), kernel),
            "expects input with last axis 784, but received shape [32, 100].");
        AssertEx.Throws<ShapeMismatchException>(() => Ops.Dense(Tensor.Zeros(784), kernel),
            "Dense: kernel [784, 128] expects input of rank 2 or more ([batch, ..., 784]), but received shape [784].", "x.Reshape(1, -1)");
        AssertEx.Throws<ShapeMismatchException>(() => Ops.Dense(Tensor.Zeros(2, 3), Tensor.Zeros(3)),
            "Dense expects a kernel of rank 2 ([inputDim, units]), but received kernel shape [3].");
        AssertEx.Throws<ShapeMismatchException>(() => Ops.Dense(Tensor.Zeros(32, 784), kernel, Tensor.Zeros(10)),
            "Dense: bias must have shape [128] to match kernel [784, 128], but received bias shape [10].");
    }

    [Fact]
    public void An_unknown_activation_name_is_rejected_with_a_suggestion()
    {
        AssertEx.Throws<ArgumentException>(() => Ops.Dense(Tensor.Zeros(2, 3), Tensor.Zeros(3, 4), null, "rleu"),
            "Unknown activation 'rleu'.", "Known: elu,", "Did you mean 'relu'?");
    }

    [Fact]
    public void Empty_batches_work()
    {
        (_, Tensor kernel, Tensor bias) = Data([1, 3], units: 4, seed: 7);
        Tensor y = Ops.Dense(Tensor.Zeros(0, 3), kernel, bias, "relu");
        Assert.Equal([0, 4], y.Shape);
    }

    /// <summary>
    /// x, kernel and bias for a dense layer, checked to keep every pre-activation at least 0.02 away from 0, so
    /// that finite differences (steps of 1e-3) never cross the kink of relu or leaky_relu.
    /// </summary>
    internal static (Tensor X, Tensor Kernel, Tensor Bias) Data(int[] inputShape, int units, int seed)
    {
        int inputDim = inputShape[^1];
        for (int s = seed; ; s += 1000)
        {
            Tensor x = TestData.Uniform(inputShape, -1f, 1f, seed: s);
            Tensor kernel = TestData.Uniform([inputDim, units], -1f, 1f, seed: s + 1);
            Tensor bias = TestData.Uniform([units], -0.5f, 0.5f, seed: s + 2);
            Tensor z = Ops.Add(Ops.MatMul(x, kernel), bias);
            if (z.ToArray().All(v => Math.Abs(v) >= 0.02f))
            {
                return (x, kernel, bias);
            }
        }
    }
}
