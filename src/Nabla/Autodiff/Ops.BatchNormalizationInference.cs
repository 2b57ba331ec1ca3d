using System.Diagnostics;
using Nabla.Devices;
using Nabla.Kernels;

namespace Nabla.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// Batch normalization in inference mode over the last axis (Keras's <c>BatchNormalization</c> with
    /// <c>training=False</c>, or a frozen layer): y = γ·(x − m)/√(v + ε) + β with the moving mean m and variance v.
    /// </summary>
    /// <remarks>
    /// Differentiable in x, γ and β (m and v are constants), so a frozen layer passes gradients through. While a tape
    /// records, the statistics are copied into the step, so a later update of the moving averages cannot change the
    /// recorded rule.
    /// </remarks>
    internal static Tensor BatchNormInference(Tensor x, Tensor? gamma, Tensor? beta, Tensor movingMean, Tensor movingVariance, float epsilon)
    {
        int channels = x.Dim(-1), rows = x.Size / channels;
        Debug.Assert(movingMean.Size == channels && movingVariance.Size == channels, "the layer passes one statistic per channel");
        Tensor y = OpSupport.Empty(x.Dims, x);
        if (x.Memory is not null)
        {
            Compute.Backend("BatchNormalization", x, y, movingMean, movingVariance).BatchNormForward(
                x, movingMean, movingVariance, gamma, beta, epsilon, y, rows, channels);
            if (OpSupport.TapeFor(x, gamma, beta) is { } deviceTape)
            {
                Tensor m = OpSupport.Empty([channels], x), v = OpSupport.Empty([channels], x);
                Compute.Copy("BatchNormalization", movingMean, m);
                Compute.Copy("BatchNormalization", movingVariance, v);
                deviceTape.Record<BatchNormInferenceNode>(y, x, gamma, beta).Set(x, gamma, beta, m, v, epsilon);
            }

            return y;
        }

        BatchNorm.InferenceForward(x.Span, rows, channels, Optional(gamma), Optional(beta), movingMean.Span, movingVariance.Span, epsilon, y.Span);
        if (OpSupport.TapeFor(x, gamma, beta) is { } tape)
        {
            Tensor mean = OpSupport.Empty([channels]), variance = OpSupport.Empty([channels]);
            movingMean.Span.CopyTo(mean.Span);
            movingVariance.Span.CopyTo(variance.Span);
            tape.Record<BatchNormInferenceNode>(y, x, gamma, beta).Set(x, gamma, beta, mean, variance, epsilon);
        }

        return y;
    }

    private sealed class BatchNormInferenceNode : TapeNode
    {
        public Tensor X = null!, Mean = null!, Variance = null!;
        public Tensor? Gamma, Beta;
        public float Epsilon;

        public override string Name => "BatchNormInference";

        public void Set(Tensor x, Tensor? gamma, Tensor? beta, Tensor mean, Tensor variance, float epsilon) =>
            (X, Gamma, Beta, Mean, Variance, Epsilon) = (x, gamma, beta, mean, variance, epsilon);

        // y = γ·x̂ + β with x̂ = (x − m)/√(v + ε) and m, v constant:
        //   dx = g·γ/√(v + ε),  dγ = Σ g·x̂,  dβ = Σ g
        // Each is one pass of a kernel: the inference normalisation of g with a zero mean gives dx, that of x with no
        // scale gives x̂, and column sums give the parameter gradients.
        public override void Backward(Tensor grad, Tape tape)
        {
            int channels = X.Dim(-1), rows = X.Size / channels;
            if (grad.Memory is not null)
            {
                BackwardOnDevice(grad, tape, rows, channels);
                return;
            }

            if (tape.NeedsGradient(X))
            {
                Tensor dx = OpSupport.Empty(X.Dims);
                Tensor zeros = OpSupport.ZerosLike([channels]);
                BatchNorm.InferenceForward(grad.Span, rows, channels, Optional(Gamma), default, zeros.Span, Variance.Span, Epsilon, dx.Span);
                tape.Accumulate(X, dx, owned: true);
            }

            if (tape.NeedsGradient(Gamma))
            {
                Tensor scaled = OpSupport.Empty(X.Dims);
                BatchNorm.InferenceForward(X.Span, rows, channels, default, default, Mean.Span, Variance.Span, Epsilon, scaled.Span);
                Binary.Map<MultiplyOp>(scaled.Span, grad.Span, scaled.Span);
                Tensor dgamma = OpSupport.Empty(Gamma!.Dims);
                Convolution.BiasGradient(scaled.Span, rows, channels, dgamma.Span);
                tape.Accumulate(Gamma, dgamma, owned: true);
            }

            if (tape.NeedsGradient(Beta))
            {
                Tensor dbeta = OpSupport.Empty(Beta!.Dims);
                Convolution.BiasGradient(grad.Span, rows, channels, dbeta.Span);
                tape.Accumulate(Beta, dbeta, owned: true);
            }
        }

        // The same three passes on the device's normalization kernel and column sums.
        private void BackwardOnDevice(Tensor grad, Tape tape, int rows, int channels)
        {
            DeviceBackend device = Compute.Backend(Name, grad, X, Mean, Variance);
            if (tape.NeedsGradient(X))
            {
                Tensor dx = OpSupport.Empty(X.Dims, grad);
                Tensor zeros = OpSupport.ZerosLike([channels], grad);
                device.BatchNormForward(grad, zeros, Variance, Gamma, null, Epsilon, dx, rows, channels);
                tape.Accumulate(X, dx, owned: true);
            }

            if (tape.NeedsGradient(Gamma))
            {
                Tensor scaled = OpSupport.Empty(X.Dims, grad);
                device.BatchNormForward(X, Mean, Variance, null, null, Epsilon, scaled, rows, channels);
                device.Binary(BinaryKind.Multiply, scaled, grad, scaled);
                Tensor dgamma = OpSupport.Empty(Gamma!.Dims, grad);
                device.SumTo(OpSupport.View(scaled, 0, [rows, channels]), dgamma);
                tape.Accumulate(Gamma, dgamma, owned: true);
            }

            if (tape.NeedsGradient(Beta))
            {
                Tensor dbeta = OpSupport.Empty(Beta!.Dims, grad);
                device.SumTo(OpSupport.View(grad, 0, [rows, channels]), dbeta);
                tape.Accumulate(Beta, dbeta, owned: true);
            }
        }
    }
}
