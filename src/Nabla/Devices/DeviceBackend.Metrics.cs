namespace Nabla.Devices;

// The built-in metrics on the device: per-sample values and the weighted sums a metric folds into its state, so that a
// device model's metrics read back a few floats per batch (Metrics.DeviceMetricSums) instead of its predictions.
internal abstract partial class DeviceBackend
{
    /// <summary>
    /// values[r] for r &lt; <paramref name="rows"/>: the per-sample value of <paramref name="kind"/> over rows of
    /// <paramref name="width"/> predictions, exactly as the metric's span code computes it; <paramref name="yTrue"/> holds
    /// rows of the same width, or one class id per row for the sparse kinds.
    /// </summary>
    public abstract void MetricValues(MetricValueKind kind, Tensor yTrue, Tensor yPred, int rows, int width, float threshold, int k, Tensor values);

    /// <summary>
    /// The weighted sums of <paramref name="outer"/> groups of <paramref name="inner"/> values (weights: one per group,
    /// or null for 1), accumulated in double in <c>Metrics.SampleWeighting</c>'s order: Σ w·g (g the group's sum, ÷ inner
    /// when <paramref name="mean"/>) and Σ w, each double's bits in two floats of the four-element <paramref name="sums"/>.
    /// </summary>
    public abstract void MetricSums(Tensor values, Tensor? weights, int outer, int inner, bool mean, Tensor sums);
}
