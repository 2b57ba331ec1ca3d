using Nabla.Tensors;
using Nabla.Tests.Support;

namespace Nabla.Tests.Tensors;

public class ShapeUtilTests
{
    [Fact]
    public void A_shape_too_large_for_an_array_is_rejected_with_its_size()
    {
        AssertEx.Throws<ArgumentException>(() => Tensor.Zeros(50_000, 50_000),
            $"A tensor of shape [50000, 50000] would hold 2500000000 elements, more than the {Array.MaxLength} a .NET array allows.");
    }

    [Theory]
    [InlineData(new[] { 65536, 65536, 65536, 65536 }, "18446744073709551616")]      // 2^64: wraps a long to 0
    [InlineData(new[] { 3, 1 << 21, 1 << 21, 1 << 21 }, "27670116110564327424")]     // 3·2^63: wraps a long to −2^63
    [InlineData(new[] { 1 << 30, 1 << 30, 1 << 30, 1 << 30, 7 }, "9304595970494411110326649421962412032")]
    public void A_product_that_overflows_a_long_is_still_rejected_with_its_exact_size(int[] shape, string elements)
    {
        AssertEx.Throws<ArgumentException>(() => Tensor.Zeros(shape), $"would hold {elements} elements, more than the {Array.MaxLength}");
    }

    [Fact]
    public void The_limit_is_exactly_the_largest_array()
    {
        Assert.Equal(Array.MaxLength, ShapeUtil.Product([Array.MaxLength]));
        Assert.Equal(Array.MaxLength, ShapeUtil.Product([1, Array.MaxLength, 1]));
        AssertEx.Throws<ArgumentException>(() => ShapeUtil.Product([Array.MaxLength + 1]), "more than the");
        Assert.Equal(1, ShapeUtil.Product([]));
    }

    [Theory]
    [InlineData(new[] { 0, 1 << 30, 1 << 30 })]
    [InlineData(new[] { 1 << 30, 1 << 30, 0 })]
    [InlineData(new[] { 1 << 30, 1 << 30, 1 << 30, 1 << 30, 0, 5 })]
    public void A_zero_length_axis_makes_an_empty_tensor_however_long_the_others(int[] shape)
    {
        Tensor t = Tensor.Zeros(shape);   // NumPy: np.zeros((0, 2**30, 2**30)).size == 0
        Assert.Equal(0, t.Size);
        Assert.Equal(shape, t.Shape);
    }
}
