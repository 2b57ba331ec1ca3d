using Nabla.Autodiff;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

public class ActivationsTests
{
    public static TheoryData<string> Names() =>
        ["relu", "sigmoid", "tanh", "elu", "selu", "gelu", "gelu_tanh", "leaky_relu", "softplus", "swish", "silu"];

    public static TheoryData<string, int[]> NamesAndShapes()
    {
        var data = new TheoryData<string, int[]>();
        foreach (string name in Names())
        {
            data.Add(name, [5]);
            data.Add(name, [3, 4]);
            data.Add(name, [2, 3, 17]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(NamesAndShapes))]
    public void Gradients_match_finite_differences(string name, int[] shape)
    {
        // |x| ≥ 0.1 keeps relu and leaky_relu away from their kink at 0; |x| ≤ 3 covers both saturating sides.
        Tensor x = TestData.AwayFromZero(shape, minAbs: 0.1f, maxAbs: 3f, seed: shape.Sum());
        GradCheck.Assert(t => Apply(name, t[0]), [x]);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Forward_matches_the_double_reference(string name)
    {
        Tensor x = TestData.Uniform([4, 9], -5f, 5f, seed: 3);
        Tensor y = Apply(name, x);
        string reference = name == "silu" ? "swish" : name;
        AssertEx.Close(x.ToArray().Select(v => (float)ReferenceMath.Activation(reference, v)).ToArray(), [4, 9], y, atol: 1e-6, rtol: 2e-6);
    }

    // Values from Keras 3 (keras.activations.*, float32) and from the definitions.
    [Theory]
    [InlineData("relu", new[] { -2f, -0.5f, 0f, 1.5f }, new[] { 0f, 0f, 0f, 1.5f })]
    [InlineData("sigmoid", new[] { 0f, 2f, -2f }, new[] { 0.5f, 0.8807971f, 0.11920292f })]
    [InlineData("tanh", new[] { 0f, 1f, -0.5f }, new[] { 0f, 0.7615942f, -0.46211717f })]
    [InlineData("elu", new[] { -1f, 0f, 2f }, new[] { -0.63212055f, 0f, 2f })]
    [InlineData("selu", new[] { -1f, 1f, 0f }, new[] { -1.1113307f, 1.050701f, 0f })]
    [InlineData("gelu", new[] { 1f, -1f, 0f, 3f }, new[] { 0.8413447f, -0.15865526f, 0f, 2.9959502f })]
    [InlineData("gelu_tanh", new[] { 1f, -1f, 0f }, new[] { 0.8411920f, -0.15880796f, 0f })]
    [InlineData("leaky_relu", new[] { -1f, 2f, -10f }, new[] { -0.2f, 2f, -2f })]
    [InlineData("softplus", new[] { 0f, 1f, -1f, 100f }, new[] { 0.6931472f, 1.3132616f, 0.31326169f, 100f })]
    [InlineData("swish", new[] { 1f, -1f, 0f }, new[] { 0.7310586f, -0.26894143f, 0f })]
    [InlineData("silu", new[] { -20f, 20f }, new[] { -4.1223075e-08f, 20f })]
    public void Known_values(string name, float[] x, float[] expected)
    {
        AssertEx.Close(expected, Apply(name, Tensor.FromArray(x, x.Length)).ToArray(), atol: 1e-7, rtol: 1e-6);
    }

    [Fact]
    public void Parameters_change_the_function()
    {
        Tensor x = Tensor.FromArray([-1f, 2f], 2);
        AssertEx.Close([-1.2642411f, 2f], Ops.Elu(x, alpha: 2f).ToArray());          // 2·(e^−1 − 1)
        AssertEx.Close([-0.1f, 2f], Ops.LeakyRelu(x, negativeSlope: 0.1f).ToArray());
    }

    [Fact]
    public void Softplus_stays_accurate_far_out_in_both_tails()
    {
        Tensor y = Ops.Softplus(Tensor.FromArray([-30f, -90f, 1e4f, -1e4f], 4));
        Assert.Equal(9.357623e-14f, y.ToArray()[0], 1e-19f);   // ln(1 + e^−30) ≈ e^−30, not 0
        Assert.Equal(8.19401e-40f, y.ToArray()[1], 1e-44f);
        Assert.Equal([1e4f, 0f], y.ToArray()[2..]);
    }

    // Exact derivatives at chosen points (Σ y is the loss, so the gradient is f'(x)):
    //   relu'(−1) = 0, relu'(2) = 1;  sigmoid'(0) = 1/4;  tanh'(0) = 1;  elu'(−1) = e^−1;
    //   selu'(1) = scale, selu'(−1) = scale·alpha·e^−1;  gelu'(0) = Φ(0) = 1/2;  leaky_relu'(−1) = 0.2;
    //   softplus'(0) = σ(0) = 1/2;  swish'(0) = σ(0) = 1/2.
    [Theory]
    [InlineData("relu", -1f, 0f)]
    [InlineData("relu", 2f, 1f)]
    [InlineData("sigmoid", 0f, 0.25f)]
    [InlineData("tanh", 0f, 1f)]
    [InlineData("elu", -1f, 0.36787944f)]
    [InlineData("selu", 1f, 1.05070098f)]
    [InlineData("selu", -1f, 0.6467686f)]
    [InlineData("gelu", 0f, 0.5f)]
    [InlineData("gelu_tanh", 0f, 0.5f)]
    [InlineData("leaky_relu", -1f, 0.2f)]
    [InlineData("softplus", 0f, 0.5f)]
    [InlineData("swish", 0f, 0.5f)]
    public void Known_derivatives(string name, float x, float expected)
    {
        Tensor t = Tensor.FromArray([x], 1);
        using var tape = new GradientTape();
        tape.Watch(t);
        Tensor y = Apply(name, t);
        Assert.Equal(expected, tape.Gradient(y, [t])[0].Item(), 1e-6f);
    }

    [Fact]
    public void Linear_returns_its_input_without_recording()
    {
        Tensor x = Tensor.Ones(3);
        using var tape = new GradientTape();
        tape.Watch(x);
        Assert.Same(x, Ops.Linear(x));
        Assert.Same(x, Ops.Activate(x, ActivationTable.Linear));
    }

    [Fact]
    public void Activate_dispatches_every_kind_with_keras_defaults()
    {
        Tensor x = TestData.Uniform([3, 5], -3f, 3f, seed: 4);
        AssertEx.Close(Ops.Relu(x), Ops.Activate(x, ActivationTable.Relu));
        AssertEx.Close(Ops.Sigmoid(x), Ops.Activate(x, ActivationTable.Sigmoid));
        AssertEx.Close(Ops.Tanh(x), Ops.Activate(x, ActivationTable.Tanh));
        AssertEx.Close(Ops.Softmax(x), Ops.Activate(x, ActivationTable.Softmax));
        AssertEx.Close(Ops.Elu(x, 1f), Ops.Activate(x, ActivationTable.Elu));
        AssertEx.Close(Ops.Selu(x), Ops.Activate(x, ActivationTable.Selu));
        AssertEx.Close(Ops.Gelu(x, approximate: false), Ops.Activate(x, ActivationTable.Gelu));
        AssertEx.Close(Ops.LeakyRelu(x, 0.2f), Ops.Activate(x, ActivationTable.LeakyRelu));
        AssertEx.Close(Ops.Softplus(x), Ops.Activate(x, ActivationTable.Softplus));
        AssertEx.Close(Ops.Swish(x), Ops.Activate(x, ActivationTable.Swish));
    }

    [Fact]
    public void Outside_a_tape_nothing_is_recorded()
    {
        Tensor y = Ops.Tanh(Tensor.Ones(2));
        Assert.Equal(-1, y.NodeIndex);
    }

    internal static Tensor Apply(string name, Tensor x) => name switch
    {
        "relu" => Ops.Relu(x),
        "sigmoid" => Ops.Sigmoid(x),
        "tanh" => Ops.Tanh(x),
        "elu" => Ops.Elu(x),
        "selu" => Ops.Selu(x),
        "gelu" => Ops.Gelu(x),
        "gelu_tanh" => Ops.Gelu(x, approximate: true),
        "leaky_relu" => Ops.LeakyRelu(x),
        "softplus" => Ops.Softplus(x),
        "swish" => Ops.Swish(x),
        "silu" => Ops.Silu(x),
        _ => throw new ArgumentException(name),
    };
}
