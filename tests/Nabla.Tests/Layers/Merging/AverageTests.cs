using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Merging;

public class AverageTests
{
    [Fact]
    public void Harness()
    {
        LayerTest.RunList(() => new Average(), [[2, 3, 4], [2, 3, 4], [2, 3, 4]], expectedOutputShape: [2, 3, 4]);
    }

    [Fact]
    public void Harness_with_broadcasting()
    {
        LayerTest.RunList(() => new Average(), [[2, 3, 4], [2, 1, 4]], expectedOutputShape: [2, 3, 4]);
    }

    [Fact]
    public void Hand_computed_values()
    {
        Tensor a = Tensor.FromArray([1f, -2f, 3f, 4f], 2, 2), b = Tensor.FromArray([5f, 6f, -7f, 0.5f], 2, 2);
        Assert.Equal([3f, 2f, -2f, 2.25f], new Average().Apply([a, b]).ToArray());

        // Three inputs: the sum over 3, as Keras divides by the count.
        Assert.Equal([7f / 3f, 2f / 3f, -1f / 3f, 8.5f / 3f], new Average().Apply([a, b, a]).ToArray());
    }

    [Fact]
    public void Gradients_match_finite_differences()
    {
        var layer = new Average();
        Tensor a = TestData.AwayFromZero([3, 4], 0.1f, 1f, seed: 1), b = TestData.AwayFromZero([3, 4], 0.1f, 1f, seed: 2), c = TestData.Uniform([3, 4], seed: 3);
        GradCheck.Assert(t => layer.Apply(t), [a, b, c]);
    }
}
