using ILGPU;
using ILGPU.Runtime;

namespace Nabla.Gpu.Kernels;

/// <summary>
/// Batch normalization over the last axis of a channels-last tensor viewed as [rows, channels] (rows = N·H·W): per-channel
/// batch statistics, the normalization with optional scale and offset, its backward pass, and the moving-average update
/// (Keras's <c>BatchNormalization</c>, axis −1).
/// </summary>
/// <remarks>
/// <para>
/// The statistics are the biased moments Keras uses for both the normalization and the moving variance: mean = Σx/rows
/// and variance = Σ(x − mean)²/rows, computed in two passes so that a large mean does not cancel the variance.
/// Forward: y = (x − mean)·γ/√(variance + ε) + β. Backward, with x̂ = (x − mean)/√(variance + ε):
/// dβ = Σ dy, dγ = Σ dy·x̂, dx = γ/√(variance + ε)·(dy − dβ/rows − x̂·dγ/rows).
/// </para>
/// <para>Empty gamma or beta views mean no scale (γ = 1) or no offset (β = 0), Keras's <c>scale=False</c> and <c>center=False</c>.</para>
/// </remarks>
internal sealed class BatchNormKernels(GpuDevice device)
{
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, NormShape>? _forward;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, NormShape>? _backward;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, NormShape>? _gammaGradient;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, float>? _moving;

    /// <summary>mean[c] and variance[c] (biased) of x[:, c].</summary>
    public void Statistics(ArrayView<float> x, int rows, int channels, ArrayView<float> mean, ArrayView<float> variance)
    {
        Check.Positive("BatchNormStatistics", rows, nameof(rows));
        Check.Length("BatchNormStatistics", variance, channels, nameof(variance));
        ReductionKernels reductions = device.Kernels.Reductions;
        reductions.Sum(x, 1, rows, channels, mean, 1f / rows);
        reductions.ColumnSquaredDeviations(x, mean, rows, channels, variance, 1f / rows);
    }

    /// <summary>y = (x − mean)·γ/√(variance + ε) + β per channel (training with batch statistics, or inference with moving ones).</summary>
    public void Forward(ArrayView<float> x, ArrayView<float> mean, ArrayView<float> variance, ArrayView<float> gamma, ArrayView<float> beta,
        float epsilon, ArrayView<float> y, int rows, int channels)
    {
        const string name = "BatchNorm";
        int n = CheckShape(name, rows, channels);
        Check.Length(name, x, n, nameof(x));
        Check.Length(name, y, n, nameof(y));
        CheckChannels(name, mean, variance, gamma, beta, channels);
        if (n == 0)
        {
            return;
        }

        var shape = new NormShape(n, rows, channels, epsilon, gamma.Length > 0 ? 1 : 0, beta.Length > 0 ? 1 : 0);
        try
        {
            _forward ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, NormShape>(ForwardKernel);
            _forward(device.ElementwiseConfig(n), x, mean, variance, shape.HasGamma != 0 ? gamma : mean, shape.HasBeta != 0 ? beta : mean, y, shape);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail(name, e);
        }
    }

    /// <summary>
    /// The gradients of <see cref="Forward"/> with batch statistics: dx (overwritten), dγ and dβ (overwritten; dγ is needed
    /// as scratch even when there is no scale).
    /// </summary>
    public void Backward(ArrayView<float> dy, ArrayView<float> x, ArrayView<float> mean, ArrayView<float> variance, ArrayView<float> gamma,
        float epsilon, ArrayView<float> dx, ArrayView<float> dgamma, ArrayView<float> dbeta, int rows, int channels)
    {
        const string name = "BatchNormBackward";
        int n = CheckShape(name, rows, channels);
        Check.Positive(name, rows, nameof(rows));
        Check.Length(name, dy, n, nameof(dy));
        Check.Length(name, x, n, nameof(x));
        Check.Length(name, dx, n, nameof(dx));
        Check.Length(name, dgamma, channels, nameof(dgamma));
        Check.Length(name, dbeta, channels, nameof(dbeta));
        CheckChannels(name, mean, variance, gamma, default, channels);
        ReductionKernels reductions = device.Kernels.Reductions;
        reductions.ColumnSums(dy, rows, channels, dbeta);
        reductions.ColumnDeviationProducts(x, mean, dy, rows, channels, dgamma);   // Σ dy·(x − mean), scaled below
        var shape = new NormShape(n, rows, channels, epsilon, gamma.Length > 0 ? 1 : 0, 1);
        try
        {
            _backward ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, NormShape>(BackwardKernel);
            _gammaGradient ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, NormShape>(GammaGradientKernel);
            _backward(device.ElementwiseConfig(n), dy, x, mean, variance, shape.HasGamma != 0 ? gamma : mean, dgamma, dbeta, dx, shape);

            // dx read Σ dy·(x − mean); launches run in stream order, so dγ = that/√(variance + ε) can now overwrite it.
            _gammaGradient(device.ElementwiseConfig(channels), variance, dgamma, shape);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail(name, e);
        }
    }

    /// <summary>moving[c] = moving[c]·momentum + batch[c]·(1 − momentum) (Keras's moving mean and variance update).</summary>
    public void UpdateMoving(ArrayView<float> moving, ArrayView<float> batch, int channels, float momentum)
    {
        const string name = "BatchNormMoving";
        Check.NonNegative(name, channels, nameof(channels));
        Check.Length(name, moving, channels, nameof(moving));
        Check.Length(name, batch, channels, nameof(batch));
        try
        {
            _moving ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, float>(MovingKernel);
            _moving(device.ElementwiseConfig(channels), moving, batch, channels, momentum);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail(name, e);
        }
    }

    private static int CheckShape(string name, int rows, int channels)
    {
        Check.NonNegative(name, rows, nameof(rows));
        Check.Positive(name, channels, nameof(channels));
        return Check.Product(name, (long)rows * channels, "x");
    }

    private static void CheckChannels(string name, ArrayView<float> mean, ArrayView<float> variance, ArrayView<float> gamma, ArrayView<float> beta, int channels)
    {
        Check.Length(name, mean, channels, nameof(mean));
        Check.Length(name, variance, channels, nameof(variance));
        if (gamma.Length > 0)
        {
            Check.Length(name, gamma, channels, nameof(gamma));
        }

        if (beta.Length > 0)
        {
            Check.Length(name, beta, channels, nameof(beta));
        }
    }

    private static void ForwardKernel(ArrayView<float> x, ArrayView<float> mean, ArrayView<float> variance, ArrayView<float> gamma, ArrayView<float> beta,
        ArrayView<float> y, NormShape s)
    {
        for (int i = Grid.GlobalIndex.X; i < s.N; i += Grid.DimX * Group.DimX)
        {
            int c = i % s.Channels;
            float scale = (s.HasGamma != 0 ? gamma[c] : 1f) / MathF.Sqrt(variance[c] + s.Epsilon);
            y[i] = ((x[i] - mean[c]) * scale) + (s.HasBeta != 0 ? beta[c] : 0f);
        }
    }

    // With s = Σ dy·(x − mean) (in dgamma) and inv = 1/√(variance + ε): dx = γ·inv·(dy − dβ/rows − (x − mean)·inv²·s/rows).
    private static void BackwardKernel(ArrayView<float> dy, ArrayView<float> x, ArrayView<float> mean, ArrayView<float> variance, ArrayView<float> gamma,
        ArrayView<float> dgamma, ArrayView<float> dbeta, ArrayView<float> dx, NormShape s)
    {
        for (int i = Grid.GlobalIndex.X; i < s.N; i += Grid.DimX * Group.DimX)
        {
            int c = i % s.Channels;
            float inv = 1f / MathF.Sqrt(variance[c] + s.Epsilon);
            float g = s.HasGamma != 0 ? gamma[c] : 1f;
            float perRow = 1f / s.Rows;
            dx[i] = g * inv * (dy[i] - (dbeta[c] * perRow) - ((x[i] - mean[c]) * inv * inv * dgamma[c] * perRow));
        }
    }

    private static void GammaGradientKernel(ArrayView<float> variance, ArrayView<float> dgamma, NormShape s)
    {
        for (int c = Grid.GlobalIndex.X; c < s.Channels; c += Grid.DimX * Group.DimX)
        {
            dgamma[c] *= 1f / MathF.Sqrt(variance[c] + s.Epsilon);
        }
    }

    private static void MovingKernel(ArrayView<float> moving, ArrayView<float> batch, int n, float momentum)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX)
        {
            moving[i] = (moving[i] * momentum) + (batch[i] * (1f - momentum));
        }
    }

    /// <summary>A normalization's sizes and switches, as one kernel argument.</summary>
    internal readonly record struct NormShape(int N, int Rows, int Channels, float Epsilon, int HasGamma, int HasBeta);
}
