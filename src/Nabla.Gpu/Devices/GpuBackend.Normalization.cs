namespace Nabla.Gpu.Devices;

// Batch normalization on the kernel library: statistics, the normalization, its training gradients, moving averages.
internal sealed partial class GpuBackend
{
    /// <inheritdoc/>
    public override void BatchStatistics(Tensor x, int rows, int channels, Tensor mean, Tensor variance)
    {
        Enter();
        Kernels.BatchNorm.Statistics(View(x), rows, channels, View(mean), View(variance));
    }

    /// <inheritdoc/>
    public override void BatchNormForward(Tensor x, Tensor mean, Tensor variance, Tensor? gamma, Tensor? beta, float epsilon, Tensor y, int rows, int channels)
    {
        Enter();
        Kernels.BatchNorm.Forward(View(x), View(mean), View(variance), ViewOrEmpty(gamma), ViewOrEmpty(beta), epsilon, View(y), rows, channels);
    }

    /// <inheritdoc/>
    public override void BatchNormBackward(Tensor dy, Tensor x, Tensor mean, Tensor variance, Tensor? gamma, float epsilon,
        Tensor dx, Tensor dgamma, Tensor dbeta, int rows, int channels)
    {
        Enter();
        Kernels.BatchNorm.Backward(View(dy), View(x), View(mean), View(variance), ViewOrEmpty(gamma), epsilon, View(dx), View(dgamma), View(dbeta), rows, channels);
    }

    /// <inheritdoc/>
    public override void UpdateMoving(Tensor moving, Tensor batch, float momentum)
    {
        Enter();
        Kernels.BatchNorm.UpdateMoving(View(moving), View(batch), moving.Size, momentum);
    }
}
