namespace Nabla.Tests.Tensors;

/// <summary>
/// ToString against what NumPy prints for <c>str(np.array(values, dtype=np.float32))</c> (NumPy 2.0–2.2; several
/// strings are from NumPy's own test_arrayprint.py, which runs them in float64 where the digits agree).
/// </summary>
public class TensorFormatTests
{
    public static TheoryData<float[], int[], string> Arrays() => new()
    {
        { [1f, 2f, 3f, 4f], [2, 2], "[[1. 2.]\n [3. 4.]]" },
        { [0.1f, 0.25f], [2], "[0.1  0.25]" },
        { [1f, 2f, 3f], [3], "[1. 2. 3.]" },
        { [1f, 2f, -10f], [3], "[  1.   2. -10.]" },
        { [100f, 2f, -1f], [3], "[100.   2.  -1.]" },
        { [-100f, 2f, 1f], [3], "[-100.    2.    1.]" },
        { [0f, -0f], [2], "[ 0. -0.]" },
        { [1.5f, 0f, 1.23456789f], [3], "[1.5       0.        1.2345679]" },
        { [0.00123456789f, 0.5f], [2], "[0.00123457 0.5       ]" },
        { [-1.5f, 2.25f, 100f, 0f], [2, 2], "[[ -1.5    2.25]\n [100.     0.  ]]" },
        { [0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f], [2, 2, 2], "[[[0. 1.]\n  [2. 3.]]\n\n [[4. 5.]\n  [6. 7.]]]" },
        { [5f], [1, 1, 1], "[[[5.]]]" },

        // Non-finite values are right-aligned in the width of the finite ones.
        { [float.NaN, float.PositiveInfinity], [2], "[nan inf]" },
        { [float.NaN, float.NegativeInfinity], [2], "[ nan -inf]" },
        { [1f, float.NaN], [2], "[ 1. nan]" },
        { [float.PositiveInfinity, 100000f, 1.1234f], [3], "[       inf 1.0000e+05 1.1234e+00]" },

        // Scientific notation: max >= 1e8, min non-zero < 1e-4, or max/min > 1000.
        { [1.234e9f], [1], "[1.234e+09]" },
        { [1e6f, 1e7f], [2], "[ 1000000. 10000000.]" },
        { [1e7f, 1e8f], [2], "[1.e+07 1.e+08]" },
        { [999999f, 999999f], [2], "[999999. 999999.]" },
        { [1e-5f, 1f], [2], "[1.e-05 1.e+00]" },
        { [1.5e-5f, 1f], [2], "[1.5e-05 1.0e+00]" },
        { [0f, 1e-5f, -2f], [3], "[ 0.e+00  1.e-05 -2.e+00]" },
        { [1f, 2000f], [2], "[1.e+00 2.e+03]" },

        // Every mantissa gets the digits of the longest; the extra ones are the exact value's, rounded.
        { [1e-5f, 1.2345678f], [2], "[9.9999997e-06 1.2345678e+00]" },
    };

    [Theory]
    [MemberData(nameof(Arrays))]
    public void Arrays_print_like_NumPy(float[] values, int[] shape, string expected)
    {
        Assert.Equal(expected, Tensor.FromArray(values, shape).ToString());
    }

    [Theory]
    [InlineData(1f, "1.0")]
    [InlineData(0.1f, "0.1")]
    [InlineData(-2.5f, "-2.5")]
    [InlineData(0f, "0.0")]
    [InlineData(-0f, "-0.0")]
    [InlineData(1e-5f, "1e-05")]
    [InlineData(1.5e-7f, "1.5e-07")]
    [InlineData(1e20f, "1e+20")]
    [InlineData(3.4028235e38f, "3.4028235e+38")]
    [InlineData(123456789f, "123456790.0")]
    [InlineData(0.0001f, "1e-04")]   // float32(1e-4) is just below 1e-4, the cut-over
    [InlineData(0.00011f, "0.00011")]
    [InlineData(float.NaN, "nan")]
    [InlineData(float.NegativeInfinity, "-inf")]
    public void Scalars_print_like_NumPy_scalars(float value, string expected)
    {
        Assert.Equal(expected, Tensor.Scalar(value).ToString());
    }

    [Fact]
    public void Long_rows_wrap_at_75_characters()
    {
        Assert.Equal(
            "[ 0.  1.  2.  3.  4.  5.  6.  7.  8.  9. 10. 11. 12. 13. 14. 15. 16. 17.\n 18. 19.]",
            Tensor.Arange(20f).ToString());
    }

    [Fact]
    public void Large_tensors_are_summarised_with_three_edge_items()
    {
        Assert.Equal("[0.000e+00 1.000e+00 2.000e+00 ... 1.997e+03 1.998e+03 1.999e+03]", Tensor.Arange(2000f).ToString());
        Assert.Equal("[   0.    1.    2. ...  998.  999. 1000.]", Tensor.Arange(1001f).ToString());
        Assert.Equal(
            "[[0.000e+00 1.000e+00 2.000e+00 ... 9.970e+02 9.980e+02 9.990e+02]\n" +
            " [1.000e+03 1.001e+03 1.002e+03 ... 1.997e+03 1.998e+03 1.999e+03]]",
            Tensor.Arange(2000f).Reshape(2, 1000).ToString());
        string row = "[1. 1. 1. ... 1. 1. 1.]";
        Assert.Equal($"[{row}\n {row}\n {row}\n ...\n {row}\n {row}\n {row}]", Tensor.Ones(40, 40).ToString());
        string zeros = "[0. 0. 0. ... 0. 0. 0.]";
        string block = $"[{zeros}\n  {zeros}\n  {zeros}\n  ...\n  {zeros}\n  {zeros}\n  {zeros}]";
        Assert.Equal($"[{block}\n\n {block}]", Tensor.Zeros(2, 30, 30).ToString());
        Assert.Equal(1000, Tensor.Zeros(1000).ToString().Count(c => c == '0'));   // exactly at the threshold: no summary
    }

    [Fact]
    public void Empty_tensors_print_as_empty_brackets()
    {
        Assert.Equal("[]", Tensor.Zeros(0).ToString());
        Assert.Equal("[]", Tensor.Zeros(2, 0).ToString());
    }
}
