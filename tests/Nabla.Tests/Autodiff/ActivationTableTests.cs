using Nabla.Autodiff;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

public class ActivationTableTests
{
    [Theory]
    [InlineData(null, "linear")]
    [InlineData("linear", "linear")]
    [InlineData("relu", "relu")]
    [InlineData("sigmoid", "sigmoid")]
    [InlineData("tanh", "tanh")]
    [InlineData("softmax", "softmax")]
    [InlineData("elu", "elu")]
    [InlineData("selu", "selu")]
    [InlineData("gelu", "gelu")]
    [InlineData("leaky_relu", "leaky_relu")]
    [InlineData("softplus", "softplus")]
    [InlineData("swish", "silu")]
    [InlineData("silu", "silu")]
    public void Keras_names_parse_to_the_descriptor_keras_serializes(string? name, string serialized) =>
        Assert.Equal(serialized, ActivationTable.Parse(name).Name);

    [Fact]
    public void Every_activation_round_trips_through_its_keras_name()
    {
        foreach (ActivationDescriptor activation in ActivationTable.All)
        {
            Assert.Same(activation, ActivationTable.Parse(activation.Name));
        }

        Assert.Equal(11, ActivationTable.All.Count());
        Assert.Same(ActivationTable.Swish, ActivationTable.Parse("swish"));   // serialized as "silu", Keras 3's function name
    }

    [Fact]
    public void The_derivative_source_is_declared_per_activation()
    {
        string[] fromOutput = [.. ActivationTable.All.Where(a => a.DerivativeFromOutput).Select(a => a.Name).Order()];
        string[] needInput = [.. ActivationTable.All.Where(a => a.NeedsInput).Select(a => a.Name).Order()];
        Assert.Equal(["relu", "sigmoid", "softmax", "tanh"], fromOutput);
        Assert.Equal(["elu", "gelu", "leaky_relu", "selu", "silu", "softplus"], needInput);
        Assert.Equal(["sigmoid", "softmax"], ActivationTable.All.Where(a => a.KeepsLogits).Select(a => a.Name).Order());
    }

    [Fact]
    public void Unknown_name_lists_the_known_names_and_the_closest()
    {
        AssertEx.Throws<ArgumentException>(() => ActivationTable.Parse("rleu"),
            "Unknown activation 'rleu'.",
            "Known: elu, gelu, leaky_relu, linear, relu, selu, sigmoid, silu, softmax, softplus, swish, tanh.",
            "Did you mean 'relu'?");
        AssertEx.Throws<ArgumentException>(() => ActivationTable.Parse("ReLU"), "Did you mean 'relu'?");
        AssertEx.Throws<ArgumentException>(() => ActivationTable.Parse("leaky-relu"), "Did you mean 'leaky_relu'?");
        AssertEx.Throws<ArgumentException>(() => ActivationTable.Parse("sigmod"), "Did you mean 'sigmoid'?");
    }

    [Theory]
    [InlineData("")]
    [InlineData("xyzzy")]
    [InlineData("convolution")]
    public void Far_off_names_get_no_suggestion(string name)
    {
        ArgumentException ex = AssertEx.Throws<ArgumentException>(() => ActivationTable.Parse(name), $"Unknown activation '{name}'.", "Known:");
        Assert.DoesNotContain("Did you mean", ex.Message, StringComparison.Ordinal);
    }
}
