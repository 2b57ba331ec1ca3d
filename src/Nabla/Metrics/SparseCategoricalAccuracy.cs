using Nabla.Devices;

namespace Nabla.Metrics;

/// <summary>How often the predicted class matches an integer label (Keras's <c>keras.metrics.SparseCategoricalAccuracy</c>).</summary>
/// <remarks>
/// y_pred has shape [..., classes]; y_true holds class ids as floats with y_pred's shape minus the class axis
/// ([32] for [32, 10]), or with a trailing axis of 1 ([32, 1]). A sample is correct when the arg-max of its
/// prediction (first index on ties) equals its label. For one-hot labels use <see cref="CategoricalAccuracy"/>.
/// </remarks>
/// <example>
/// <code>
/// var m = new SparseCategoricalAccuracy();
/// m.UpdateState(Tensor.FromArray(new float[] { 2, 1 }), Tensor.FromArray(new float[] { 0.1f, 0.6f, 0.3f, 0.05f, 0.95f, 0 }, 2, 3));   // 0.5
/// </code>
/// </example>
public sealed class SparseCategoricalAccuracy : MeanMetricWrapper
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">The metric's name (default <c>sparse_categorical_accuracy</c>).</param>
    public SparseCategoricalAccuracy(string name = "sparse_categorical_accuracy")
        : base(name)
    {
    }

    /// <inheritdoc/>
    protected override int GetValuesShape(ReadOnlySpan<int> yTrueShape, ReadOnlySpan<int> yPredShape, Span<int> valuesShape) =>
        MetricShapes.SparseLabels(this, yTrueShape, yPredShape, valuesShape, "categorical_accuracy");

    /// <inheritdoc/>
    protected override void ComputeValues(Tensor yTrue, Tensor yPred, Span<float> values)
    {
        ReadOnlySpan<float> t = yTrue.Span, p = yPred.Span;
        int classes = yPred.Dim(-1);
        for (int r = 0; r < values.Length; r++)
        {
            values[r] = t[r] == MetricShapes.ArgMax(p.Slice(r * classes, classes)) ? 1f : 0f;
        }
    }

    /// <inheritdoc/>
    private protected override bool HasDeviceValues => true;

    /// <inheritdoc/>
    private protected override Tensor DeviceValues(Tensor yTrue, Tensor yPred, ReadOnlySpan<int> valueDims) =>
        DeviceMetrics.RowValues(MetricValueKind.SparseCategorical, yTrue, yPred, valueDims);
}
