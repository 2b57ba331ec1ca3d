namespace Nabla.Kernels;

/// <summary>
/// Takes a convolution's forward output block by block in place of the output tensor: the layer that reads the output
/// (a max pooling) fused into the pass that computes it, so that the output is never written out whole.
/// </summary>
/// <remarks>
/// <see cref="Convolution.ForwardInto"/> computes each block of whole output rows (rows numbered
/// n·OutputHeight + oh) into a per-thread buffer, applies the epilogue, and hands the block to <see cref="Consume"/>
/// while it is still in cache. Called from the worker threads, concurrently on disjoint blocks, so it must write only
/// what its block determines.
/// </remarks>
internal unsafe interface IOutputSink
{
    /// <summary>Every block starts at a multiple of this many output rows and covers a whole multiple of them.</summary>
    int RowMultiple { get; }

    /// <summary>Consumes output rows [<paramref name="firstRow"/>, <paramref name="firstRow"/> + <paramref name="rows"/>).</summary>
    /// <param name="block">The rows, OutputWidth·OutputChannels floats each, in order; the sink may overwrite them.</param>
    /// <param name="firstRow">The block's first output row.</param>
    /// <param name="rows">Rows in the block.</param>
    void Consume(float* block, int firstRow, int rows);
}
