using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Merging;

public class SubtractTests
{
    [Fact]
    public void Harness()
    {
        LayerTest.RunList(() => new Subtract(), [[2, 3, 4], [2, 3, 4]], expectedOutputShape: [2, 3, 4]);
    }

    [Fact]
    public void Harness_with_broadcasting()
    {
        LayerTest.RunList(() => new Subtract(), [[2, 3, 4], [2, 1, 4]], expectedOutputShape: [2, 3, 4]);
    }

    [Fact]
    public void Hand_computed_values()
    {
        Tensor a = Tensor.FromArray([1f, -2f, 3f, 4f], 2, 2), b = Tensor.FromArray([5f, 6f, -7f, 0.5f], 2, 2);
        Assert.Equal([-4f, -8f, 10f, 3.5f], new Subtract().Apply([a, b]).ToArray());
    }

    [Fact]
    public void Gradients_match_finite_differences()
    {
        var layer = new Subtract();
        Tensor a = TestData.AwayFromZero([3, 4], 0.1f, 1f, seed: 1), b = TestData.AwayFromZero([3, 4], 0.1f, 1f, seed: 2);
        GradCheck.Assert(t => layer.Apply(t), [a, b]);
    }

    [Fact]
    public void Takes_exactly_two_inputs()
    {
        var layer = new Subtract(name: "sub");
        Tensor a = Tensor.Ones(2, 3);
        AssertEx.Throws<ArgumentException>(() => layer.Apply([a, a, a]),
            "Layer 'sub' (Subtract) should be called on exactly 2 inputs, but received 3: [None, 3], [None, 3], [None, 3].");

        // Once built, every call is checked again, with the batches' shapes.
        layer.Apply([a, a]);
        AssertEx.Throws<ArgumentException>(() => layer.Apply([a, a, a]), "should be called on exactly 2 inputs, but received 3: [2, 3], [2, 3], [2, 3].");
        AssertEx.Throws<ArgumentException>(() => new Subtract().Apply([new Input(shape: [3])]), "should be called on exactly 2 inputs, but received 1: [None, 3].");
    }
}
