using System.Diagnostics;
using Nabla.Kernels;

namespace Nabla.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// A 2-D convolution layer's computation, fused: activation(conv(x, kernel) + bias) over channels-last tensors, as
    /// Keras's <c>Conv2D</c>, <c>Conv1D</c> (height 1), <c>DepthwiseConv2D</c> (groups = input channels) and the
    /// pointwise half of <c>SeparableConv2D</c> compute it.
    /// </summary>
    /// <remarks>
    /// x is [Batch, InputHeight, InputWidth, InputChannels] and the result [Batch, OutputHeight, OutputWidth,
    /// OutputChannels] for the shapes of <paramref name="geometry"/>; the kernel holds the geometry's
    /// [KernelHeight, KernelWidth, InputChannels / Groups, OutputChannels] floats in that order whatever its own shape
    /// (a Conv1D kernel [k, in, out] and a depthwise kernel [kh, kw, in, multiplier] are laid out the same), and
    /// gradients take the kernel's shape. The convolution kernel adds the bias and applies the activation to each block
    /// of output as it finishes it (after the whole output when the pre-activation must be kept). Backward: dZ = g ⊙ f′
    /// (the output or a kept pre-activation), dBias = Σ_pixels dZ, dKernel and dx by the convolution's weight and input
    /// gradients. The caller (a layer) has checked the shapes.
    /// </remarks>
    internal static Tensor Conv2D(Tensor x, Tensor kernel, Tensor? bias, in Conv2DGeometry geometry, ActivationDescriptor activation)
    {
        Debug.Assert(x.Size == geometry.InputLength && kernel.Size == geometry.KernelLength, "the layer passes matching shapes");
        Debug.Assert(bias is null || bias.Size == geometry.OutputChannels, "the bias has one value per output channel");
        Conv2DGeometry g = geometry;
        Tensor y = OpSupport.Empty([g.Batch, g.OutputHeight, g.OutputWidth, g.OutputChannels], x);
        Tape? tape = OpSupport.TapeFor(x, kernel, bias);
        Tensor? pre;
        if (x.Memory is null)
        {
            // The activation runs on each block of output as the convolution finishes it, unless the backward pass
            // needs the pre-activation, which is then copied out of the whole output first.
            bool keepInput = tape is not null && activation.NeedsInput;
            IRowEpilogue? fused = keepInput || activation.IsLinear ? null : activation;
            Convolution.Forward(in g, x.Span, kernel.Span, bias is null ? default : bias.Span, y.Span, fused);
            pre = keepInput ? ActivateInPlace(y, activation, g.OutputChannels, keepInput: true) : null;
        }
        else
        {
            // The device convolves, then adds the bias and activates in one pass.
            Compute.Backend("Conv2D", x, kernel, y, bias).Conv2D(in g, x, kernel, y, ConvColumns(in g, x));
            pre = tape is not null && activation.NeedsInput ? OpSupport.Empty(y.Dims, y) : null;
            Compute.ActivationForward("Conv2D", activation, y, bias, y, pre, g.OutputChannels);
        }

        tape?.Record<Conv2DNode>(y, x, kernel, bias).Set(x, kernel, bias, pre, activation, g);
        return y;
    }

    /// <summary>The im2col scratch of a device convolution: OutputPixels·GroupDepth floats on x's device.</summary>
    private static Tensor ConvColumns(in Conv2DGeometry g, Tensor like) => OpSupport.Empty([Math.Max(1, g.OutputPixels * g.GroupDepth)], like);

    /// <summary>
    /// Applies <paramref name="activation"/> to <paramref name="y"/> in place (rows of <paramref name="channels"/>)
    /// and returns the pre-activation when the derivative needs it and <paramref name="keepInput"/> is set.
    /// </summary>
    private static Tensor? ActivateInPlace(Tensor y, ActivationDescriptor activation, int channels, bool keepInput)
    {
        if (activation.IsLinear)
        {
            return null;
        }

        Tensor? pre = keepInput && activation.NeedsInput ? OpSupport.Empty(y.Dims, y) : null;
        Compute.ActivationForward(activation.Name, activation, y, null, y, pre, channels);
        return pre;
    }

    /// <summary>
    /// dZ = g ⊙ f′ over rows of <paramref name="channels"/>, writing Σ_rows dZ into <paramref name="biasGrad"/> when it
    /// is not null; returns <paramref name="grad"/> itself for the identity.
    /// </summary>
    private static Tensor ActivationGradient(Tensor grad, TapeNode node, ActivationDescriptor activation, Tensor? preActivation,
        int channels, Tensor? biasGrad)
    {
        if (activation.IsLinear)
        {
            if (biasGrad is not null && grad.Memory is null)
            {
                Convolution.BiasGradient(grad.Span, grad.Size / channels, channels, biasGrad.Span);
            }
            else if (biasGrad is not null)
            {
                Compute.SumTo(node.Name, OpSupport.View(grad, 0, [grad.Size / channels, channels]), biasGrad);
            }

            return grad;
        }

        Tensor dz = OpSupport.Empty(grad.Dims, grad);
        Tensor v = activation.DerivativeFromOutput ? node.Output : preActivation!;
        Compute.ActivationBackward(node.Name, activation, grad, v, dz, biasGrad, channels);
        return dz;
    }

    /// <summary>
    /// The kernel's and the input's gradients of a convolution from dZ, its output's gradient before the activation,
    /// accumulated into <paramref name="tape"/>: dKernel = Σ_pixels x_window ⊗ dZ, dx = convᵀ(dZ, kernel).
    /// </summary>
    private static void ConvolutionGradients(Tape tape, TapeNode node, Tensor x, Tensor kernel, Tensor dz, in Conv2DGeometry g, bool needX, bool needKernel)
    {
        if (needKernel)
        {
            Tensor dk = OpSupport.Empty(kernel.Dims, dz);
            if (dz.Memory is null)
            {
                Convolution.WeightGradient(in g, x.Span, dz.Span, dk.Span);
            }
            else
            {
                Compute.Backend(node.Name, x, dz, dk).Conv2DWeightGradient(in g, x, dz, dk, ConvColumns(in g, dz));
            }

            tape.Accumulate(kernel, dk, owned: true);
        }

        if (needX)
        {
            Tensor dx = OpSupport.Empty(x.Dims, dz);
            if (dz.Memory is null)
            {
                Convolution.InputGradient(in g, dz.Span, kernel.Span, dx.Span);
            }
            else
            {
                Compute.Backend(node.Name, dz, kernel, dx).Conv2DInputGradient(in g, dz, kernel, dx, ConvColumns(in g, dz));
            }

            tape.Accumulate(x, dx, owned: true);
        }
    }

    private sealed class Conv2DNode : TapeNode
    {
        public Tensor X = null!, Kernel = null!;
        public Tensor? Bias, PreActivation;
        public ActivationDescriptor Activation = null!;
        public Conv2DGeometry Geometry;

        public override string Name => "Conv2D";

        public void Set(Tensor x, Tensor kernel, Tensor? bias, Tensor? preActivation, ActivationDescriptor activation, in Conv2DGeometry geometry) =>
            (X, Kernel, Bias, PreActivation, Activation, Geometry) = (x, kernel, bias, preActivation, activation, geometry);

        // y = f(z), z = conv(x, W) + b:
        //   dZ = g ⊙ f'(·),  db[c] = Σ_pixels dZ[·, c],
        //   dW = Σ_pixels x_window ⊗ dZ (the convolution's weight gradient),  dx = convᵀ(dZ, W) (its input gradient)
        public override void Backward(Tensor grad, Tape tape)
        {
            bool needX = tape.NeedsGradient(X), needKernel = tape.NeedsGradient(Kernel), needBias = tape.NeedsGradient(Bias);
            if (!needX && !needKernel && !needBias)
            {
                return;
            }

            Conv2DGeometry g = Geometry;
            Tensor? db = needBias ? OpSupport.Empty(Bias!.Dims, grad) : null;
            Tensor dz = ActivationGradient(grad, this, Activation, PreActivation, g.OutputChannels, db);
            ConvolutionGradients(tape, this, X, Kernel, dz, in g, needX, needKernel);
            if (db is not null)
            {
                tape.Accumulate(Bias, db, owned: true);
            }
        }
    }
}
