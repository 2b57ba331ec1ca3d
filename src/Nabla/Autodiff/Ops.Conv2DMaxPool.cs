using System.Diagnostics;
using Nabla.Kernels;

namespace Nabla.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// A 2-D convolution layer followed by a max pooling, in one pass for inference: maxpool(activation(conv(x, kernel)
    /// + bias)), the same bits as <see cref="Conv2D"/> then <see cref="MaxPool2D"/>, without writing the convolution's
    /// output out whole; or null, having computed nothing, when the pair cannot run fused.
    /// </summary>
    /// <remarks>
    /// The convolution hands each block of whole pool rows, activated, to the pooling while it is still in cache (see
    /// <see cref="Convolution.ForwardInto"/>): on W5's batch-256 inference the first layer's output is 25.7 MB, which
    /// the separate pooling read back from memory. Fused only where nothing needs the convolution's output: no tape
    /// tracks an input (no gradient), the tensors are in host memory, the pooling tiles whole rows of one image
    /// (<see cref="Pooling.CanPoolBlocks"/>), and the convolution's algorithm can stream its output.
    /// </remarks>
    internal static Tensor? Conv2DMaxPool(Tensor x, Tensor kernel, Tensor? bias, in Conv2DGeometry geometry, ActivationDescriptor activation, in Pool2DGeometry pool)
    {
        Debug.Assert(x.Size == geometry.InputLength && kernel.Size == geometry.KernelLength, "the layer passes matching shapes");
        Debug.Assert(pool.InputLength == geometry.OutputLength && pool.Channels == geometry.OutputChannels, "the pooling reads the convolution's output");
        if (x.Memory is not null || kernel.Memory is not null || OpSupport.TapeFor(x, kernel, bias) is not null
            || !Pooling.CanPoolBlocks(in pool) || !Convolution.CanStreamForward(in geometry, pool.PoolHeight))
        {
            return null;
        }

        Tensor y = OpSupport.Empty([pool.Batch, pool.OutputHeight, pool.OutputWidth, pool.Channels], x);
        unsafe
        {
            fixed (float* py = y.Span)
            {
                Pooling.MaxPoolSink sink = Pooling.MaxPoolSink.Start(in pool, py);
                bool fused = Convolution.ForwardInto(in geometry, x.Span, kernel.Span, bias is null ? default : bias.Span,
                    activation.IsLinear ? null : activation, sink);
                Debug.Assert(fused, "CanStreamForward held");
            }
        }

        return y;
    }
}
