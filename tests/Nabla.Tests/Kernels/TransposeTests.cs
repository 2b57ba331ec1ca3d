using Nabla.Tests.Support;

namespace Nabla.Tests.Kernels;

public class TransposeTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 5)]
    [InlineData(1, 1)]
    [InlineData(1, 17)]
    [InlineData(17, 1)]
    [InlineData(2, 3)]
    [InlineData(7, 63)]
    [InlineData(32, 32)]
    [InlineData(33, 31)]
    [InlineData(65, 257)]
    [InlineData(100, 3)]
    public void Matrix_matches_the_index_definition(int rows, int cols)
    {
        float[] x = TestData.UniformArray(rows * cols, seed: rows + cols);
        var y = new float[rows * cols];
        Nabla.Kernels.Transpose.Matrix(x, rows, cols, y);
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                Assert.Equal(x[(i * cols) + j], y[(j * rows) + i]);
            }
        }
    }

    [Fact]
    public void Matrix_checks_span_lengths()
    {
        AssertEx.Throws<ArgumentException>(() => Nabla.Kernels.Transpose.Matrix(new float[5], 2, 3, new float[6]), "'x'", "6");
        AssertEx.Throws<ArgumentException>(() => Nabla.Kernels.Transpose.Matrix(new float[6], 2, 3, new float[5]), "'y'", "6");
    }
}
