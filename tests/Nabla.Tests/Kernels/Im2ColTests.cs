using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

public class Im2ColTests
{
    // Row r holds pixel firstPixel + r's window in (kh, kw, ic) order, zero in the padding; col2im is its adjoint.
    [Theory]
    [InlineData(2, 5, 4, 3, 1, 1, 1, 1, true)]      // one group, dilation 1: each kernel row moves as one block
    [InlineData(2, 5, 4, 6, 2, 2, 1, 2, true)]      // two groups: every tap separately
    [InlineData(1, 7, 5, 1, 1, 1, 2, 1, false)]
    [InlineData(3, 6, 6, 4, 4, 2, 2, 2, true)]      // depthwise, strided and dilated
    public void Pack_matches_a_naive_gather_and_accumulate_is_its_adjoint(int batch, int h, int w, int c, int groups, int group, int stride, int dilation, bool same)
    {
        var conv = new ConvCase(batch, h, w, c, 2 * groups, 3, 2, same, stride, dilation, groups);
        Conv2DGeometry g = ConvolutionTests.Geometry(conv);
        float[] x = ConvReference.Random(g.InputLength, 1);
        int first = 1, rows = g.OutputPixels - 2, depth = g.GroupDepth, cg = c / groups;
        var col = new float[(rows * depth) + 2];
        col[^2] = col[^1] = float.NaN;
        Im2Col.Pack(g, x, group - 1, first, rows, col);
        (int oh, int top) = conv.RowsOut;
        (int ow, int left) = conv.ColsOut;
        for (int r = 0; r < rows; r++)
        {
            int p = first + r, n = p / (oh * ow), i = p / ow % oh, j = p % ow;
            for (int a = 0; a < 3; a++)
            {
                for (int b = 0; b < 2; b++)
                {
                    for (int q = 0; q < cg; q++)
                    {
                        int hh = (i * conv.SH) + (a * conv.DH) - top, ww = (j * conv.SW) + (b * conv.DW) - left;
                        float expected = hh < 0 || hh >= h || ww < 0 || ww >= w ? 0f : x[(((n * h) + hh) * w + ww) * c + ((group - 1) * cg) + q];
                        Assert.Equal(expected, col[(r * depth) + (((a * 2) + b) * cg) + q]);
                    }
                }
            }
        }

        Assert.True(float.IsNaN(col[^1]) && float.IsNaN(col[^2]));
        float[] z = ConvReference.Random(rows * depth, 2);
        var dx = new float[g.InputLength];
        Im2Col.Accumulate(g, z, group - 1, first, rows, dx);
        double lhs = ConvReference.Dot(col.AsSpan(0, rows * depth), z), rhs = ConvReference.Dot(x, dx);
        Assert.True(Math.Abs(lhs - rhs) < 1e-4 * (1 + Math.Abs(lhs)), $"⟨Pack(x), z⟩ = {lhs}, ⟨x, Accumulate(z)⟩ = {rhs}");
    }

    // The tap-major matrix is the transpose of the pixel-major one, and its col2im the same adjoint.
    [Theory]
    [InlineData(2, 5, 4, 1, 1, 1, 1, true)]
    [InlineData(3, 7, 9, 3, 1, 2, 1, false)]
    [InlineData(2, 6, 6, 4, 2, 1, 2, true)]
    [InlineData(1, 5, 13, 1, 1, 3, 2, true)]
    public unsafe void Tap_major_packing_is_the_transpose(int batch, int h, int w, int c, int groups, int stride, int dilation, bool same)
    {
        var conv = new ConvCase(batch, h, w, c, 2 * groups, 3, 2, same, stride, dilation, groups);
        Conv2DGeometry g = ConvolutionTests.Geometry(conv);
        float[] x = ConvReference.Random(g.InputLength, 3);
        int first = 2, rows = g.OutputPixels - 3, depth = g.GroupDepth, ld = rows + 5;
        for (int group = 0; group < groups; group++)
        {
            var col = new float[rows * depth];
            Im2Col.Pack(g, x, group, first, rows, col);
            var colT = new float[depth * ld];
            Array.Fill(colT, float.NaN);
            fixed (float* px = x, pt = colT)
                Im2Col.PackTransposedRows(g, px, group, first, rows, pt, ld);
            for (int r = 0; r < rows; r++)
            {
                for (int k = 0; k < depth; k++)
                    Assert.Equal(col[(r * depth) + k], colT[(k * ld) + r]);
            }

            float[] z = ConvReference.Random(depth * ld, 5);
            var dx = new float[g.InputLength];
            fixed (float* pz = z, pdx = dx)
                Im2Col.AccumulateTransposedRows(g, pz, ld, group, first, rows, pdx, VectorWidth.Current);
            double lhs = 0;
            for (int r = 0; r < rows; r++)
            {
                for (int k = 0; k < depth; k++)
                    lhs += (double)col[(r * depth) + k] * z[(k * ld) + r];
            }

            double rhs = ConvReference.Dot(x, dx);
            Assert.True(Math.Abs(lhs - rhs) < 1e-4 * (1 + Math.Abs(lhs)), $"⟨PackT(x), z⟩ = {lhs}, ⟨x, AccumulateT(z)⟩ = {rhs}");
        }
    }

    [Fact]
    public void Ranges_outside_the_geometry_throw()
    {
        Conv2DGeometry g = Conv2DGeometry.Create(1, 4, 4, 2, 2, 3, 3, PaddingMode.Same, groups: 2);
        var x = new float[g.InputLength];
        var col = new float[16 * 9];
        Assert.Throws<ArgumentOutOfRangeException>(() => Im2Col.Pack(g, x, 2, 0, 1, col));
        Assert.Throws<ArgumentOutOfRangeException>(() => Im2Col.Pack(g, x, 0, 10, 7, col));
        var e = Assert.Throws<ArgumentException>(() => Im2Col.Pack(g, x, 0, 0, 16, col.AsSpan(1)));
        Assert.Contains("'col' is too short", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Im2Col.Accumulate(g, col, 0, 0, 16, col));
    }
}
