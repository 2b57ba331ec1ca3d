namespace Nabla.Gpu.Devices;

// Concatenation's strided copies and the matrix transpose.
internal sealed partial class GpuBackend
{
    /// <inheritdoc/>
    public override void CopyRuns(Tensor from, Tensor to, int outer, int run, int stride, int offset, bool toBlocks)
    {
        Enter();
        Kernels.Layout.CopyRuns(View(from), View(to), outer, run, stride, offset, toBlocks);
    }

    /// <inheritdoc/>
    public override void CopyImageRows(Tensor dense, Tensor framed, int top, int bottom, int left, int right, bool toBlocks)
    {
        // dense [n, h, w, c]; framed [n, h + top + bottom, w + left + right, c]; run = one dense row of w·c values.
        int n = dense.Dim(0), h = dense.Dim(1), w = dense.Dim(2), c = dense.Dim(3);
        int framedWidth = w + left + right, rowStride = framedWidth * c, imageStride = (h + top + bottom) * rowStride;
        int offset = (top * rowStride) + (left * c);
        Enter();
        if (toBlocks)
        {
            Kernels.Layout.CopyRuns(View(dense), View(framed), n, h, w * c, rowStride, imageStride, offset, toBlocks: true);
        }
        else
        {
            Kernels.Layout.CopyRuns(View(framed), View(dense), n, h, w * c, rowStride, imageStride, offset, toBlocks: false);
        }
    }

    /// <inheritdoc/>
    public override void UpSample2D(Tensor small, Tensor large, int sizeHeight, int sizeWidth, bool backward)
    {
        Enter();
        int n = small.Dim(0), h = small.Dim(1), w = small.Dim(2), c = small.Dim(3);
        if (backward)
        {
            Kernels.Layout.UpSample(View(large), View(small), n, h, w, c, sizeHeight, sizeWidth, backward: true);
        }
        else
        {
            Kernels.Layout.UpSample(View(small), View(large), n, h, w, c, sizeHeight, sizeWidth, backward: false);
        }
    }

    /// <inheritdoc/>
    public override void Transpose(Tensor x, int rows, int cols, Tensor y)
    {
        Enter();
        Kernels.Layout.Transpose(View(x), rows, cols, View(y));
    }
}
