using Nabla.Autodiff;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

public class VariableTests
{
    // A variable's elements start on a 64-byte boundary (the kernels read weights in place), hold the initial value,
    // and keep that boundary through Assign and a training step; the value is a copy, not the initial tensor.
    [Fact]
    public unsafe void The_value_starts_on_a_cache_line_and_is_a_copy()
    {
        foreach (int size in new[] { 1, 7, 33, 3136 * 128 })
        {
            float[] data = TestData.UniformArray(size, seed: size);
            var initial = Tensor.FromArray(data, size);
            var v = new Variable(initial, "kernel");
            Assert.NotSame(initial, v.Value);
            Assert.Equal(data, v.Value.ToArray());
            fixed (float* p = v.Value.AsReadOnlySpan())
                Assert.Equal(0, (nint)p % 64);
            v.Assign(Tensor.FromArray(data.Select(x => -x).ToArray(), size));
            fixed (float* p = v.Value.AsReadOnlySpan())
                Assert.Equal(0, (nint)p % 64);
            Assert.Equal(data.Select(x => -x), v.Value.ToArray());
            Assert.Equal(data, initial.ToArray());
        }
    }

    [Fact]
    public void Assign_copies_the_value_into_the_same_tensor()
    {
        var v = new Variable(Tensor.Zeros(2, 3), "kernel");
        Tensor storage = v.Value;
        float[] data = [1f, 2f, 3f, 4f, 5f, 6f];
        var source = new Variable(Tensor.FromArray(data, 2, 3), "source");
        v.Assign(source);
        Assert.Same(storage, v.Value);
        Assert.Equal(data, v.Value.ToArray());

        source.Assign(Tensor.Zeros(2, 3));   // a copy was taken: changing the source later does not reach the variable
        Assert.Equal(data, v.Value.ToArray());
    }

    [Theory]
    [InlineData(new[] { 3, 2 }, "[3, 2]")]
    [InlineData(new[] { 6 }, "[6]")]              // same number of elements: still rejected, no silent reshape
    [InlineData(new int[0], "[]")]
    public void Assign_of_another_shape_names_the_variable_and_both_shapes_and_changes_nothing(int[] shape, string actual)
    {
        var v = new Variable(Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3), "kernel");
        var ex = AssertEx.Throws<ShapeMismatchException>(() => v.Assign(Tensor.Full(shape, 9f)),
            $"Variable 'kernel' has shape [2, 3], but was assigned a value of shape {actual}.");
        Assert.Equal("Variable.Assign", ex.Operation);
        Assert.Equal("[2, 3]", ex.Expected);
        Assert.Equal(actual, ex.Actual);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], v.Value.ToArray());
    }
}
