using Nabla.Devices;

namespace Nabla.Gpu.Devices;

// The built-in metrics' values and weighted sums (MetricKernels).
internal sealed partial class GpuBackend
{
    /// <inheritdoc/>
    public override void MetricValues(MetricValueKind kind, Tensor yTrue, Tensor yPred, int rows, int width, float threshold, int k, Tensor values)
    {
        Enter();
        Kernels.Metrics.Values((int)kind, View(yTrue), View(yPred), rows, width, threshold, k, View(values));
    }

    /// <inheritdoc/>
    public override void MetricSums(Tensor values, Tensor? weights, int outer, int inner, bool mean, Tensor sums)
    {
        Enter();
        Kernels.Metrics.WeightedSums(View(values), ViewOrEmpty(weights), weights is not null, outer, inner, mean, View(sums));
    }
}
