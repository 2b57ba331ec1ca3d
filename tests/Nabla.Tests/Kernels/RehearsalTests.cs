using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

public class RehearsalTests
{
    [Fact]
    public void Every_rehearsal_on_this_machine_gets_the_values_it_must()
    {
        Assert.Equal(0, Rehearsal.Run());
    }

    [Fact]
    public void The_edge_tiles_of_every_supported_micro_kernel_write_their_corner_and_nothing_else()
    {
        Assert.Equal(0, Rehearsal.EdgeTiles<GemmMicroKernelScalar>());
        if (Gemm.IsSupported(GemmPath.Avx2))
        {
            Assert.Equal(0, Rehearsal.EdgeTiles<GemmMicroKernelAvx2>());
        }

        if (Gemm.IsSupported(GemmPath.Avx512))
        {
            Assert.Equal(0, Rehearsal.EdgeTiles<GemmMicroKernelAvx512>());
        }
    }

    [Theory]
    [InlineData(8)]
    [InlineData(10)]
    [InlineData(16)]
    [InlineData(24)]
    public void The_relu_column_sums_and_the_softmax_rows_are_right_at_vector_and_odd_widths(int cols)
    {
        Assert.Equal(0, Rehearsal.ReluColumnSums(cols));
        Assert.Equal(0, Rehearsal.SoftmaxRows(rows: 2, cols));
        Assert.Equal(0, Rehearsal.SoftmaxRows(rows: Softmax.NarrowMinRows, cols));
    }
}
