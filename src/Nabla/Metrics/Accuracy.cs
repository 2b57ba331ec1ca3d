using Nabla.Devices;

namespace Nabla.Metrics;

/// <summary>How often predictions exactly equal labels (Keras's <c>keras.metrics.Accuracy</c>).</summary>
/// <remarks>
/// <para>
/// y_true and y_pred have the same shape (a trailing axis of 1 on either side is ignored). Each sample's value is
/// the fraction of equal elements along the last axis; the result is their weighted mean. As in Keras, two rank-1
/// inputs form one sample whose value is the batch's fraction.
/// </para>
/// <para>
/// This compares values exactly, which suits integer predictions. For probabilities use
/// <see cref="BinaryAccuracy"/>, <see cref="CategoricalAccuracy"/> or <see cref="SparseCategoricalAccuracy"/> — or
/// the string <c>"accuracy"</c>, which picks one of them from the shapes (<see cref="AutoAccuracy"/>).
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var m = new Accuracy();
/// m.UpdateState(Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 4, 1), Tensor.FromArray(new float[] { 0, 2, 3, 4 }, 4, 1));   // 0.75
/// </code>
/// </example>
public sealed class Accuracy : MeanMetricWrapper
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">The metric's name (default <c>accuracy</c>).</param>
    public Accuracy(string name = "accuracy")
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
            int equal = 0;
            for (int j = r * width; j < (r + 1) * width; j++)
            {
                equal += t[j] == p[j] ? 1 : 0;
            }

            values[r] = (float)equal / width;
        }
    }

    /// <inheritdoc/>
    private protected override bool HasDeviceValues => true;

    /// <inheritdoc/>
    private protected override Tensor DeviceValues(Tensor yTrue, Tensor yPred, ReadOnlySpan<int> valueDims) =>
        DeviceMetrics.RowValues(MetricValueKind.Accuracy, yTrue, yPred, valueDims);
}
