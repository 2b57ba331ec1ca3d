using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Merging;

public class ConcatenateTests
{
    [Fact]
    public void Harness_on_the_last_axis()
    {
        LayerTest.RunList(() => new Concatenate(), [[2, 3, 4], [2, 3, 1], [2, 3, 2]], expectedOutputShape: [2, 3, 7]);
    }

    [Fact]
    public void Harness_on_a_middle_axis()
    {
        LayerTest.RunList(() => new Concatenate(axis: 1), [[2, 3, 4], [2, 5, 4]], expectedOutputShape: [2, 8, 4]);
    }

    [Fact]
    public void Hand_computed_values()
    {
        // Keras's example: x = arange(20).reshape(2, 2, 5), y = arange(20, 30).reshape(2, 1, 5), axis=1 → shape (2, 3, 5).
        Tensor x = Tensor.FromArray([.. Enumerable.Range(0, 20).Select(i => (float)i)], 2, 2, 5);
        Tensor y = Tensor.FromArray([.. Enumerable.Range(20, 10).Select(i => (float)i)], 2, 1, 5);
        Tensor z = new Concatenate(axis: 1).Apply([x, y]);
        Assert.Equal([2, 3, 5], z.Shape);
        Assert.Equal([.. Enumerable.Range(0, 10), .. Enumerable.Range(20, 5), .. Enumerable.Range(10, 10), .. Enumerable.Range(25, 5)],
            z.ToArray().Select(v => (int)v));
    }

    [Fact]
    public void Gradients_match_finite_differences()
    {
        var layer = new Concatenate(axis: -1);
        GradCheck.Assert(t => layer.Apply(t), [TestData.Uniform([3, 2], seed: 1), TestData.Uniform([3, 4], seed: 2)]);
    }

    [Fact]
    public void Output_shapes_sum_the_axis_and_keep_unknown_lengths_unknown()
    {
        Assert.Equal([-1, 74], new Concatenate().ComputeOutputShape([[-1, 64], [-1, 10]]));
        Assert.Equal([-1, -1, 4], new Concatenate(axis: 1).ComputeOutputShape([[-1, -1, 4], [-1, 3, 4]]));
        Assert.Equal([-1, 3, 9], new Concatenate().ComputeOutputShape([[-1, -1, 4], [-1, 3, 5]]));
        Assert.Equal([-1, 5], new Concatenate().ComputeOutputShape([[-1, 5]]));   // one input, as Keras 3 allows
    }

    [Fact]
    public void Shapes_that_differ_off_the_axis_are_rejected()
    {
        var layer = new Concatenate(name: "cat");
        AssertEx.Throws<ShapeMismatchException>(() => layer.Apply([new Input(shape: [3, 4]), new Input(shape: [5, 2])]),
            "Layer 'cat' (Concatenate, axis=-1) requires inputs with matching shapes except for the concatenation axis, but received [None, 3, 4] and [None, 5, 2].");
        AssertEx.Throws<ShapeMismatchException>(() => new Concatenate().Apply([new Input(shape: [3]), new Input(shape: [3, 1])]),
            "requires inputs with matching shapes except for the concatenation axis, but received [None, 3] and [None, 3, 1].");

        var eager = new Concatenate(name: "cat_e");
        eager.Apply([Tensor.Ones(2, 3), Tensor.Ones(2, 1)]);
        AssertEx.Throws<ShapeMismatchException>(() => eager.Apply([Tensor.Ones(2, 3), Tensor.Ones(4, 1)]),
            "Layer 'cat_e' (Concatenate, axis=-1) requires inputs with matching shapes except for the concatenation axis, but received [2, 3] and [4, 1].");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new Concatenate(axis: 3, name: "cat3").Apply([new Input(shape: [3]), new Input(shape: [3])]),
            "Layer 'cat3' (Concatenate, axis=3): axis 3 is out of range for inputs of rank 2 (valid: -2..1).");
        AssertEx.Throws<ArgumentException>(() => new Concatenate().Apply(Array.Empty<Tensor>()), "should be called on a list of at least 1 inputs, but received an empty list.");
    }
}
