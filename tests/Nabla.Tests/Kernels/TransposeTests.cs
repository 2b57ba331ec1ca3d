using Nabla.Tests.Support;

namespace Nabla.Tests.Kernels;

public class TransposeTests
{
    public static TheoryData<string, int, int> Shapes()
    {
        var data = new TheoryData<string, int, int>();
        int[][] shapes = [[0, 0], [0, 5], [1, 1], [1, 17], [17, 1], [2, 3], [7, 63], [8, 8], [9, 15], [16, 24], [32, 32], [33, 31], [40, 72], [65, 257], [100, 3]];
        foreach (string path in ForcedSimd.All)
        {
            foreach (int[] s in shapes)
            {
                data.Add(path, s[0], s[1]);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Matrix_matches_the_index_definition_on_every_path(string path, int rows, int cols)
    {
        float[] x = TestData.UniformArray(rows * cols, seed: rows + cols);
        var y = new float[rows * cols];
        using (new ForcedSimd(path))
        {
            Nabla.Kernels.Transpose.Matrix(x, rows, cols, y);
        }

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
