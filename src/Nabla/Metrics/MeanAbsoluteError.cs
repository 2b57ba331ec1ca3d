namespace Nabla.Metrics;

/// <summary>The mean absolute error between labels and predictions (Keras's <c>keras.metrics.MeanAbsoluteError</c>, <c>"mae"</c>).</summary>
/// <remarks>
/// y_true and y_pred have the same shape up to a trailing axis of 1. Each sample's value is the mean of
/// |y_true − y_pred| along the last axis; the result is their weighted mean.
/// </remarks>
/// <example>
/// <code>
/// var m = new MeanAbsoluteError();
/// m.UpdateState(Tensor.FromArray(new float[] { 0, 1, 0, 0 }, 2, 2), Tensor.FromArray(new float[] { 1, 1, 0, 0 }, 2, 2));   // 0.25
/// </code>
/// </example>
public sealed class MeanAbsoluteError : MeanMetricWrapper
{
    // The loss's per-sample math (stateless, so one instance serves every metric and thread).
    private static readonly Losses.MeanAbsoluteError s_loss = new();

    /// <summary>Creates the metric.</summary>
    /// <param name="name">The metric's name (default <c>mean_absolute_error</c>).</param>
    public MeanAbsoluteError(string name = "mean_absolute_error")
        : base(name)
    {
    }

    /// <inheritdoc/>
    protected override int GetValuesShape(ReadOnlySpan<int> yTrueShape, ReadOnlySpan<int> yPredShape, Span<int> valuesShape) =>
        MetricShapes.Elementwise(this, yTrueShape, yPredShape, valuesShape, minRank: 1) - 1;

    /// <inheritdoc/>
    protected override void ComputeValues(Tensor yTrue, Tensor yPred, Span<float> values) =>
        LossValues.Compute(s_loss, yTrue, yPred, values);

    /// <inheritdoc/>
    private protected override bool HasDeviceValues => true;

    /// <inheritdoc/>
    private protected override Tensor DeviceValues(Tensor yTrue, Tensor yPred, ReadOnlySpan<int> valueDims) =>
        LossValues.OnDevice(s_loss, yTrue, yPred, valueDims);
}
