using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Merging;

public class MaximumTests
{
    [Fact]
    public void Harness()
    {
        LayerTest.RunList(() => new Maximum(), [[2, 3, 4], [2, 3, 4]], expectedOutputShape: [2, 3, 4]);
    }

    [Fact]
    public void Harness_with_broadcasting()
    {
        LayerTest.RunList(() => new Maximum(), [[2, 3, 4], [2, 1, 4]], expectedOutputShape: [2, 3, 4]);
    }

    [Fact]
    public void Hand_computed_values()
    {
        Tensor a = Tensor.FromArray([1f, -2f, 3f, 4f], 2, 2), b = Tensor.FromArray([5f, 6f, -7f, 0.5f], 2, 2);
        Assert.Equal([5f, 6f, 3f, 4f], new Maximum().Apply([a, b]).ToArray());
        Assert.Equal([5f, 6f, 3f, 9f], new Maximum().Apply([a, b, Tensor.FromArray([0f, 0f, 0f, 9f], 2, 2)]).ToArray());
    }

    [Fact]
    public void Gradients_match_finite_differences()
    {
        var layer = new Maximum();
        Tensor a = TestData.AwayFromZero([3, 4], 0.1f, 1f, seed: 1), b = TestData.AwayFromZero([3, 4], 0.1f, 1f, seed: 2);
        GradCheck.Assert(t => layer.Apply(t), [a, b]);
    }
}
