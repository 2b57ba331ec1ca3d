using System.Diagnostics;
using Nabla.Devices;
using Nabla.Kernels;

namespace Nabla.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// Batch normalization in training mode over the last axis (Keras's <c>BatchNormalization</c> with
    /// <c>training=True</c>): per channel, y = γ·(x − μ)/√(σ² + ε) + β with the batch mean μ and the biased batch
    /// variance σ² over every other axis.
    /// </summary>
    /// <param name="x">Input [..., channels]; every axis but the last is a row.</param>
    /// <param name="gamma">Scale [channels], or null (Keras's <c>scale=False</c>).</param>
    /// <param name="beta">Offset [channels], or null (<c>center=False</c>).</param>
    /// <param name="epsilon">Added to the variance.</param>
    /// <param name="mean">The batch mean μ [channels], for the moving average (a step tensor inside the trainer's step).</param>
    /// <param name="variance">The biased batch variance σ² [channels], for the moving average.</param>
    /// <remarks>
    /// The forward pass keeps μ and 1/√(σ² + ε); the backward pass is the fused per-channel rule
    /// dβ = Σ g, dγ = Σ g·x̂, dx = γ/√(σ² + ε)·(g − dβ/N − x̂·dγ/N) with x̂ = (x − μ)/√(σ² + ε) and N the rows, which
    /// accounts for μ and σ² depending on x.
    /// </remarks>
    internal static Tensor BatchNormTraining(Tensor x, Tensor? gamma, Tensor? beta, float epsilon, out Tensor mean, out Tensor variance)
    {
        int channels = x.Dim(-1), rows = x.Size / channels;
        Debug.Assert(rows > 0, "the layer passes a non-empty batch");
        Tensor y = OpSupport.Empty(x.Dims, x);
        mean = OpSupport.Empty([channels], x);
        variance = OpSupport.Empty([channels], x);
        if (x.Memory is not null)
        {
            DeviceBackend device = Compute.Backend("BatchNormalization", x, y, gamma, beta);
            device.BatchStatistics(x, rows, channels, mean, variance);
            device.BatchNormForward(x, mean, variance, gamma, beta, epsilon, y, rows, channels);
            OpSupport.TapeFor(x, gamma, beta)?.Record<BatchNormTrainingNode>(y, x, gamma, beta).Set(x, gamma, beta, mean, variance, epsilon);
            return y;
        }

        Tensor inverseStd = OpSupport.Empty([channels]);
        BatchNorm.TrainingForward(x.Span, rows, channels, Optional(gamma), Optional(beta), epsilon, y.Span, mean.Span, variance.Span, inverseStd.Span);
        OpSupport.TapeFor(x, gamma, beta)?.Record<BatchNormTrainingNode>(y, x, gamma, beta).Set(x, gamma, beta, mean, inverseStd);
        return y;
    }

    private static ReadOnlySpan<float> Optional(Tensor? t) => t is null ? default : t.Span;

    private sealed class BatchNormTrainingNode : TapeNode
    {
        public Tensor X = null!, Mean = null!, InverseStd = null!;
        public Tensor? Gamma, Beta;

        public override string Name => "BatchNormTraining";

        public float Epsilon;

        public void Set(Tensor x, Tensor? gamma, Tensor? beta, Tensor mean, Tensor inverseStd) =>
            (X, Gamma, Beta, Mean, InverseStd, Epsilon) = (x, gamma, beta, mean, inverseStd, 0f);

        // On a device the node keeps the variance and ε instead of 1/√(σ² + ε), as the device kernel takes them.
        public void Set(Tensor x, Tensor? gamma, Tensor? beta, Tensor mean, Tensor variance, float epsilon) =>
            (X, Gamma, Beta, Mean, InverseStd, Epsilon) = (x, gamma, beta, mean, variance, epsilon);

        // y = γ·x̂ + β, x̂ = (x − μ)·s, s = 1/√(σ² + ε), μ and σ² the batch statistics of x (N rows):
        //   dβ = Σ g,  dγ = Σ g·x̂,  dx = γ·s·(g − dβ/N − x̂·dγ/N)
        public override void Backward(Tensor grad, Tape tape)
        {
            bool needX = tape.NeedsGradient(X), needGamma = tape.NeedsGradient(Gamma), needBeta = tape.NeedsGradient(Beta);
            if (!needX && !needGamma && !needBeta)
            {
                return;
            }

            int channels = X.Dim(-1), rows = X.Size / channels;
            if (grad.Memory is not null)
            {
                BackwardOnDevice(grad, tape, rows, channels, needGamma, needBeta);
                return;
            }

            Tensor dx = OpSupport.Empty(X.Dims);
            Tensor? dgamma = needGamma ? OpSupport.Empty(Gamma!.Dims) : null;
            Tensor? dbeta = needBeta ? OpSupport.Empty(Beta!.Dims) : null;
            BatchNorm.Backward(grad.Span, X.Span, rows, channels, Mean.Span, InverseStd.Span, Optional(Gamma), dx.Span,
                dgamma is null ? default : dgamma.Span, dbeta is null ? default : dbeta.Span);
            tape.Accumulate(X, dx, owned: true);
            if (dgamma is not null)
            {
                tape.Accumulate(Gamma, dgamma, owned: true);
            }

            if (dbeta is not null)
            {
                tape.Accumulate(Beta, dbeta, owned: true);
            }
        }

        private void BackwardOnDevice(Tensor grad, Tape tape, int rows, int channels, bool needGamma, bool needBeta)
        {
            Tensor dx = OpSupport.Empty(X.Dims, grad);
            Tensor dgamma = OpSupport.Empty([channels], grad), dbeta = OpSupport.Empty([channels], grad);
            Compute.Backend(Name, grad, X, dx, Gamma).BatchNormBackward(grad, X, Mean, InverseStd, Gamma, Epsilon, dx, dgamma, dbeta, rows, channels);
            tape.Accumulate(X, dx, owned: true);
            if (needGamma)
            {
                tape.Accumulate(Gamma, dgamma, owned: true);
            }

            if (needBeta)
            {
                tape.Accumulate(Beta, dbeta, owned: true);
            }
        }
    }
}
