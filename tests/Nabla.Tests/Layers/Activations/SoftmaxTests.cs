using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Activations;

public class SoftmaxTests
{
    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public void Harness(int axis) => LayerTest.Run(() => new Softmax(axis), inputShape: [2, 3, 4], expectedOutputShape: [2, 3, 4]);

    [Fact]
    public void Kerass_documented_example()
    {
        // Softmax()([1, 2, 1]) = [0.21194157, 0.5761169, 0.21194157].
        AssertEx.Close([0.21194157f, 0.5761169f, 0.21194157f], new Softmax().Apply(Tensor.FromArray([1f, 2f, 1f], 1, 3)).ToArray(), atol: 1e-7);
    }

    [Fact]
    public void Slices_along_the_axis_sum_to_one()
    {
        Tensor y = new Softmax(axis: 1).Apply(TestData.Uniform([2, 3, 4], -3f, 3f, seed: 5));
        float[] v = y.ToArray();
        for (int b = 0; b < 2; b++)
        {
            for (int i = 0; i < 4; i++)
            {
                Assert.Equal(1f, v[(b * 12) + i] + v[(b * 12) + 4 + i] + v[(b * 12) + 8 + i], 5);
            }
        }
    }

    [Fact]
    public void Gradients_match_finite_differences()
    {
        var layer = new Softmax(axis: 1);
        GradCheck.Assert(t => layer.Apply(t[0]), [TestData.Uniform([2, 3, 4], seed: 6)]);
    }

    [Fact]
    public void An_axis_outside_the_input_is_rejected_with_the_layer_named()
    {
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new Softmax(axis: 2, name: "sm").Apply(Tensor.Ones(2, 3)),
            "Layer 'sm' (Softmax, axis=2): axis 2 is out of range for input of shape [None, 3] (rank 2; valid: -2..1).");
    }
}
