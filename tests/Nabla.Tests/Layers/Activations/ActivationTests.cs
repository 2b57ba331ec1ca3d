using Nabla.Tests.Support;
using ActivationLayer = Nabla.Layers.Activation;

namespace Nabla.Tests.Layers.Activations;

public class ActivationTests
{
    [Theory]
    [InlineData("tanh")]
    [InlineData("relu")]
    [InlineData("softmax")]
    public void Harness(string name) => LayerTest.Run(() => new ActivationLayer(name), inputShape: [2, 5], expectedOutputShape: [2, 5]);

    [Fact]
    public void Applies_the_function()
    {
        Tensor y = new ActivationLayer("relu").Apply(Tensor.FromArray([-1f, 2f], 1, 2));
        Assert.Equal([0f, 2f], y.ToArray());
    }

    [Fact]
    public void Gradients_match_finite_differences() =>
        GradCheck.Assert(i => new ActivationLayer("tanh").Apply(i[0]), [TestData.Uniform([3, 4])]);

    [Fact]
    public void Unknown_name_lists_the_known_ones() =>
        AssertEx.Throws<ArgumentException>(() => new ActivationLayer("tahn"), "Unknown activation 'tahn'", "relu", "Did you mean 'tanh'?");
}
