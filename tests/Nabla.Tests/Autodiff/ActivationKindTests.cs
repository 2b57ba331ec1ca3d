using Nabla.Autodiff;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

public class ActivationKindTests
{
    [Theory]
    [InlineData(null, ActivationKind.Linear)]
    [InlineData("linear", ActivationKind.Linear)]
    [InlineData("relu", ActivationKind.Relu)]
    [InlineData("sigmoid", ActivationKind.Sigmoid)]
    [InlineData("tanh", ActivationKind.Tanh)]
    [InlineData("softmax", ActivationKind.Softmax)]
    [InlineData("elu", ActivationKind.Elu)]
    [InlineData("selu", ActivationKind.Selu)]
    [InlineData("gelu", ActivationKind.Gelu)]
    [InlineData("leaky_relu", ActivationKind.LeakyRelu)]
    [InlineData("softplus", ActivationKind.Softplus)]
    [InlineData("swish", ActivationKind.Swish)]
    [InlineData("silu", ActivationKind.Swish)]
    internal void Keras_names_parse(string? name, ActivationKind kind) => Assert.Equal(kind, ActivationKinds.Parse(name));

    [Fact]
    public void Every_kind_round_trips_through_its_keras_name()
    {
        for (var kind = ActivationKind.Linear; kind <= ActivationKind.Swish; kind++)
        {
            Assert.Equal(kind, ActivationKinds.Parse(ActivationKinds.Name(kind)));
        }

        Assert.Equal("silu", ActivationKinds.Name(ActivationKind.Swish));   // Keras 3's function name
    }

    [Fact]
    public void Unknown_name_lists_the_known_names_and_the_closest()
    {
        AssertEx.Throws<ArgumentException>(() => ActivationKinds.Parse("rleu"),
            "Unknown activation 'rleu'.",
            "Known: elu, gelu, leaky_relu, linear, relu, selu, sigmoid, silu, softmax, softplus, swish, tanh.",
            "Did you mean 'relu'?");
        AssertEx.Throws<ArgumentException>(() => ActivationKinds.Parse("ReLU"), "Did you mean 'relu'?");
        AssertEx.Throws<ArgumentException>(() => ActivationKinds.Parse("leaky-relu"), "Did you mean 'leaky_relu'?");
        AssertEx.Throws<ArgumentException>(() => ActivationKinds.Parse("sigmod"), "Did you mean 'sigmoid'?");
    }

    [Theory]
    [InlineData("")]
    [InlineData("xyzzy")]
    [InlineData("convolution")]
    public void Far_off_names_get_no_suggestion(string name)
    {
        ArgumentException ex = AssertEx.Throws<ArgumentException>(() => ActivationKinds.Parse(name), $"Unknown activation '{name}'.", "Known:");
        Assert.DoesNotContain("Did you mean", ex.Message, StringComparison.Ordinal);
    }
}
