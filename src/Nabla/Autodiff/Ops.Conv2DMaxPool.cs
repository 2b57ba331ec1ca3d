using System.Diagnostics;
using System.Runtime.InteropServices;
using Nabla.Kernels;

namespace Nabla.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// A 2-D convolution layer followed by a max pooling, in one pass: maxpool(activation(conv(x, kernel) + bias)), the
    /// same bits as <see cref="Conv2D"/> then <see cref="MaxPool2D"/>, without writing the convolution's output out
    /// whole; or null, having computed nothing, when the pair cannot run fused.
    /// </summary>
    /// <remarks>
    /// The convolution hands each block of whole pool rows, activated, to the pooling while it is still in cache (see
    /// <see cref="Convolution.ForwardInto"/>): on W5's batch-256 inference the first layer's output is 25.7 MB, which
    /// the separate pooling read back from memory. Fused where the tensors are in host memory, the pooling tiles whole
    /// rows of one image (<see cref="Pooling.CanPoolBlocks"/>) and the convolution's algorithm can stream its output.
    /// Under a tape the activation must also be ReLU or linear: the pooling then keeps its argmax, and the backward
    /// pass takes the convolution's gradients from the pooled values alone (see <see cref="Conv2DMaxPoolNode"/>).
    /// </remarks>
    internal static Tensor? Conv2DMaxPool(Tensor x, Tensor kernel, Tensor? bias, in Conv2DGeometry geometry, ActivationDescriptor activation, in Pool2DGeometry pool)
    {
        Debug.Assert(x.Size == geometry.InputLength && kernel.Size == geometry.KernelLength, "the layer passes matching shapes");
        Debug.Assert(pool.InputLength == geometry.OutputLength && pool.Channels == geometry.OutputChannels, "the pooling reads the convolution's output");
        Tape? tape = OpSupport.TapeFor(x, kernel, bias);
        if (x.Memory is not null || kernel.Memory is not null || bias?.Memory is not null
            || (tape is not null && !activation.IsLinear && !activation.IsRelu)
            || !Pooling.CanPoolBlocks(in pool) || !Convolution.CanStreamForward(in geometry, pool.PoolHeight))
        {
            return null;
        }

        Tensor y = OpSupport.Empty([pool.Batch, pool.OutputHeight, pool.OutputWidth, pool.Channels], x);
        Tensor? argmax = tape is null ? null : OpSupport.Empty(y.Dims, x);
        unsafe
        {
            fixed (float* py = y.Span, pa = argmax is null ? default : argmax.Span)
            {
                Pooling.MaxPoolSink sink = Pooling.MaxPoolSink.Start(in pool, py, (int*)pa);
                if (!Convolution.ForwardInto(in geometry, x.Span, kernel.Span, bias is null ? default : bias.Span, activation.IsLinear ? null : activation, sink))
                {
                    throw new InvalidOperationException($"Conv2DMaxPool: the convolution {geometry} did not stream its output though CanStreamForward held.");
                }
            }
        }

        tape?.Record<Conv2DMaxPoolNode>(y, x, kernel, bias).Set(x, kernel, bias, argmax!, activation, in geometry, in pool);
        return y;
    }

    private sealed class Conv2DMaxPoolNode : TapeNode
    {
        public Tensor X = null!, Kernel = null!, Argmax = null!;
        public Tensor? Bias;
        public ActivationDescriptor Activation = null!;
        public Conv2DGeometry Geometry;
        public Pool2DGeometry Pool;

        public override string Name => "Conv2DMaxPool";

        public void Set(Tensor x, Tensor kernel, Tensor? bias, Tensor argmax, ActivationDescriptor activation, in Conv2DGeometry geometry, in Pool2DGeometry pool) =>
            (X, Kernel, Bias, Argmax, Activation, Geometry, Pool) = (x, kernel, bias, argmax, activation, geometry, pool);

        // y = maxpool(f(z)), z = conv(x, W) + b, f ReLU or linear, windows disjoint: y[o] = f(z[argmax[o]]), so
        //   dZ[argmax[o]] = g[o] ⊙ f'(y[o]) and dZ = 0 elsewhere: the same bits as the pooling's scatter then f''s
        //   derivative over the whole output, whose select leaves those zeros as they are;
        //   db = Σ_pixels dZ, summed as the unfused op sums it (ReLU's backward pass, or the linear bias gradient), so
        //   the two train to the same bits; dW and dx from dZ as the convolution's. Where the convolution and the
        //   pooling allow (Convolution.PooledInputGradientApplies, PooledWeightGradientApplies), dZ is not formed: the
        //   gradients are summed from g ⊙ f'(y) and the argmax directly, a quarter of the products for 2 × 2 windows,
        //   equal to the above to rounding (PooledGradients).
        public override void Backward(Tensor grad, Tape tape)
        {
            bool needX = tape.NeedsGradient(X), needKernel = tape.NeedsGradient(Kernel), needBias = tape.NeedsGradient(Bias);
            if (!needX && !needKernel && !needBias)
            {
                return;
            }

            Conv2DGeometry g = Geometry;
            Tensor pooled = ActivationGradient(grad, this, Activation, null, g.OutputChannels, null);
            bool pooledX = Convolution.PooledInputGradientApplies(in g, in Pool), pooledKernel = Convolution.PooledWeightGradientApplies(in g, in Pool);
            if ((pooledX || pooledKernel) && (pooledX || !needX) && (pooledKernel || !needKernel))
            {
                PooledGradients(tape, pooled, needX, needKernel, needBias);
                return;
            }

            Tensor dz = OpSupport.Empty([g.Batch, g.OutputHeight, g.OutputWidth, g.OutputChannels], grad);
            Pooling.MaxBackward(in Pool, pooled.Span, MemoryMarshal.Cast<float, int>(Argmax.Span), dz.Span);
            if (needBias)
            {
                Tensor db = OpSupport.Empty(Bias!.Dims, grad);
                if (Activation.IsLinear)
                {
                    Convolution.BiasGradient(dz.Span, g.OutputPixels, g.OutputChannels, db.Span);
                }
                else
                {
                    ActivationDriver.ColumnSums(dz.Span, db.Span);
                }

                tape.Accumulate(Bias, db, owned: true);
            }

            ConvolutionGradients(tape, this, X, Kernel, dz, in g, needX, needKernel);
        }

        // The gradients straight from the pooled gradient and the argmax (see Convolution.PooledInputGradientApplies),
        // where every one asked for can be so taken (a first layer's input gradient, which training never asks for,
        // cannot): dZ is never formed, and its products with the kernel and the input take only the windows' argmax
        // outputs. db sums the pooled gradient, whose values are dZ's nonzeros.
        private void PooledGradients(Tape tape, Tensor pooled, bool needX, bool needKernel, bool needBias)
        {
            ReadOnlySpan<int> argmax = MemoryMarshal.Cast<float, int>(Argmax.Span);
            if (needBias)
            {
                Tensor db = OpSupport.Empty(Bias!.Dims, pooled);
                Convolution.BiasGradient(pooled.Span, Pool.OutputLength / Pool.Channels, Pool.Channels, db.Span);
                tape.Accumulate(Bias, db, owned: true);
            }

            if (needKernel)
            {
                Tensor dk = OpSupport.Empty(Kernel.Dims, pooled);
                Convolution.PooledWeightGradient(in Geometry, in Pool, X.Span, pooled.Span, argmax, dk.Span);
                tape.Accumulate(Kernel, dk, owned: true);
            }

            if (needX)
            {
                Tensor dx = OpSupport.Empty(X.Dims, pooled);
                Convolution.PooledInputGradient(in Geometry, in Pool, pooled.Span, argmax, Kernel.Span, dx.Span);
                tape.Accumulate(X, dx, owned: true);
            }
        }
    }
}
