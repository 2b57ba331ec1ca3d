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
    public override void Transpose(Tensor x, int rows, int cols, Tensor y)
    {
        Enter();
        Kernels.Layout.Transpose(View(x), rows, cols, View(y));
    }
}
