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
    protected override void ComputeValues(Tensor yTrue, Tensor yPred, Span<float> values)
    {
        ReadOnlySpan<float> t = yTrue.Span, p = yPred.Span;
        int width = values.IsEmpty ? 0 : p.Length / values.Length;
        for (int r = 0; r < values.Length; r++)
        {
            double sum = 0;
            for (int j = r * width; j < (r + 1) * width; j++)
            {
                sum += Math.Abs(t[j] - p[j]);
            }

            values[r] = (float)(sum / width);
        }
    }
}
