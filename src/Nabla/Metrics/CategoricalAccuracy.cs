using Nabla.Devices;

namespace Nabla.Metrics;

/// <summary>How often the predicted class matches a one-hot label (Keras's <c>keras.metrics.CategoricalAccuracy</c>).</summary>
/// <remarks>
/// y_true (one-hot or probabilities) and y_pred have the same shape [..., classes]; a sample is correct when the
/// arg-max of its prediction equals the arg-max of its label (first index on ties, as NumPy). Logits work as well
/// as probabilities. For integer labels use <see cref="SparseCategoricalAccuracy"/>.
/// </remarks>
/// <example>
/// <code>
/// var m = new CategoricalAccuracy();
/// m.UpdateState(Tensor.FromArray(new float[] { 0, 0, 1, 0, 1, 0 }, 2, 3), Tensor.FromArray(new float[] { 0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0 }, 2, 3));   // 0.5
/// </code>
/// </example>
public sealed class CategoricalAccuracy : MeanMetricWrapper
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">The metric's name (default <c>categorical_accuracy</c>).</param>
    public CategoricalAccuracy(string name = "categorical_accuracy")
        : base(name)
    {
    }

    /// <inheritdoc/>
    protected override int GetValuesShape(ReadOnlySpan<int> yTrueShape, ReadOnlySpan<int> yPredShape, Span<int> valuesShape) =>
        MetricShapes.OneHotLabels(this, yTrueShape, yPredShape, valuesShape, "sparse_categorical_accuracy");

    /// <inheritdoc/>
    protected override void ComputeValues(Tensor yTrue, Tensor yPred, Span<float> values)
    {
        ReadOnlySpan<float> t = yTrue.Span, p = yPred.Span;
        int classes = yPred.Dim(-1);
        for (int r = 0; r < values.Length; r++)
        {
            int predicted = MetricShapes.ArgMax(p.Slice(r * classes, classes));
            values[r] = MetricShapes.ArgMax(t.Slice(r * classes, classes)) == predicted ? 1f : 0f;
        }
    }

    /// <inheritdoc/>
    private protected override bool HasDeviceValues => true;

    /// <inheritdoc/>
    private protected override Tensor DeviceValues(Tensor yTrue, Tensor yPred, ReadOnlySpan<int> valueDims) =>
        DeviceMetrics.RowValues(MetricValueKind.Categorical, yTrue, yPred, valueDims);
}
