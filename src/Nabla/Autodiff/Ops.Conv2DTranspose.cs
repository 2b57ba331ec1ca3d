using System.Diagnostics;
using Nabla.Kernels;

namespace Nabla.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// A transposed 2-D convolution layer's computation, fused: activation(convᵀ(x, kernel) + bias), as Keras's
    /// <c>Conv2DTranspose</c> computes it (with <c>output_padding=None</c>).
    /// </summary>
    /// <remarks>
    /// <paramref name="geometry"/> comes from <see cref="Conv2DGeometry.CreateTranspose"/> and describes the convolution
    /// whose input gradient this is: x is that convolution's output shape [Batch, OutputHeight, OutputWidth,
    /// OutputChannels], the result its input shape [Batch, InputHeight, InputWidth, InputChannels], and the kernel is
    /// Keras's [kh, kw, filters, input channels]. Backward: dZ = g ⊙ f′, dBias = Σ_pixels dZ, dKernel = the
    /// convolution's weight gradient with x and dZ in each other's roles, dx = conv(dZ, kernel).
    /// </remarks>
    internal static Tensor Conv2DTranspose(Tensor x, Tensor kernel, Tensor? bias, in Conv2DGeometry geometry, ActivationDescriptor activation)
    {
        Debug.Assert(x.Size == geometry.OutputLength && kernel.Size == geometry.KernelLength, "the layer passes matching shapes");
        Debug.Assert(bias is null || bias.Size == geometry.InputChannels, "the bias has one value per filter");
        Conv2DGeometry g = geometry;
        Tensor y = OpSupport.Empty([g.Batch, g.InputHeight, g.InputWidth, g.InputChannels], x);
        Tape? tape = OpSupport.TapeFor(x, kernel, bias);
        Tensor? pre;
        if (x.Memory is null)
        {
            Convolution.TransposeForward(in g, x.Span, kernel.Span, bias is null ? default : bias.Span, y.Span);
            pre = ActivateInPlace(y, activation, g.InputChannels, keepInput: tape is not null);
        }
        else
        {
            // The adjoint of the convolution is its input gradient; the device then adds the bias and activates.
            Compute.Backend("Conv2DTranspose", x, kernel, y, bias).Conv2DInputGradient(in g, x, kernel, y, ConvColumns(in g, x));
            pre = tape is not null && activation.NeedsInput ? OpSupport.Empty(y.Dims, y) : null;
            Compute.ActivationForward("Conv2DTranspose", activation, y, bias, y, pre, g.InputChannels);
        }

        tape?.Record<Conv2DTransposeNode>(y, x, kernel, bias).Set(x, kernel, bias, pre, activation, g);
        return y;
    }

    private sealed class Conv2DTransposeNode : TapeNode
    {
        public Tensor X = null!, Kernel = null!;
        public Tensor? Bias, PreActivation;
        public ActivationDescriptor Activation = null!;
        public Conv2DGeometry Geometry;

        public override string Name => "Conv2DTranspose";

        public void Set(Tensor x, Tensor kernel, Tensor? bias, Tensor? preActivation, ActivationDescriptor activation, in Conv2DGeometry geometry) =>
            (X, Kernel, Bias, PreActivation, Activation, Geometry) = (x, kernel, bias, preActivation, activation, geometry);

        // y = f(z), z = convᵀ(x, W) + b, where convᵀ is the adjoint of the convolution c(u) = conv(u, W):
        //   dZ = g ⊙ f'(·),  db = Σ_pixels dZ,  dx = c(dZ) = conv(dZ, W),
        //   dW = the weight gradient of c at input dZ and output gradient x (z is bilinear in x and W).
        public override void Backward(Tensor grad, Tape tape)
        {
            bool needX = tape.NeedsGradient(X), needKernel = tape.NeedsGradient(Kernel), needBias = tape.NeedsGradient(Bias);
            if (!needX && !needKernel && !needBias)
            {
                return;
            }

            Conv2DGeometry g = Geometry;
            Tensor? db = needBias ? OpSupport.Empty(Bias!.Dims, grad) : null;
            Tensor dz = ActivationGradient(grad, this, Activation, PreActivation, g.InputChannels, db);
            if (needKernel)
            {
                Tensor dk = OpSupport.Empty(Kernel.Dims, grad);
                if (grad.Memory is null)
                {
                    Convolution.TransposeWeightGradient(in g, X.Span, dz.Span, dk.Span);
                }
                else
                {
                    Compute.Backend(Name, X, dz, dk).Conv2DWeightGradient(in g, dz, X, dk, ConvColumns(in g, grad));
                }

                tape.Accumulate(Kernel, dk, owned: true);
            }

            if (needX)
            {
                Tensor dx = OpSupport.Empty(X.Dims, grad);
                if (grad.Memory is null)
                {
                    Convolution.TransposeInputGradient(in g, dz.Span, Kernel.Span, dx.Span);
                }
                else
                {
                    Compute.Backend(Name, dz, Kernel, dx).Conv2D(in g, dz, Kernel, dx, ConvColumns(in g, grad));
                }

                tape.Accumulate(X, dx, owned: true);
            }

            if (db is not null)
            {
                tape.Accumulate(Bias, db, owned: true);
            }
        }
    }
}
