using Nabla.Devices;

namespace Nabla.Metrics;

/// <summary>How often the one-hot label's class is among the k highest predictions (Keras's <c>keras.metrics.TopKCategoricalAccuracy</c>).</summary>
/// <remarks>
/// y_true and y_pred have the same shape [..., classes]; the label's class is the arg-max of y_true. A class tied
/// with the k-th highest score counts as in the top k (Keras's <c>in_top_k</c>).
/// </remarks>
/// <example>
/// <code>
/// var m = new TopKCategoricalAccuracy(k: 1);
/// m.UpdateState(Tensor.FromArray(new float[] { 0, 0, 1, 0, 1, 0 }, 2, 3), Tensor.FromArray(new float[] { 0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0 }, 2, 3));   // 0.5
/// </code>
/// </example>
public sealed class TopKCategoricalAccuracy : MeanMetricWrapper
{
    /// <summary>Creates the metric.</summary>
    /// <param name="k">How many of the highest predictions to look at, at least 1 (default 5).</param>
    /// <param name="name">The metric's name (default <c>top_k_categorical_accuracy</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 1.</exception>
    public TopKCategoricalAccuracy(int k = 5, string name = "top_k_categorical_accuracy")
        : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        K = k;
    }

    /// <summary>How many of the highest predictions count.</summary>
    public int K { get; }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>
    {
        ["name"] = Name,
        ["dtype"] = "float32",
        ["k"] = K,
    };

    /// <inheritdoc/>
    protected override int GetValuesShape(ReadOnlySpan<int> yTrueShape, ReadOnlySpan<int> yPredShape, Span<int> valuesShape) =>
        MetricShapes.OneHotLabels(this, yTrueShape, yPredShape, valuesShape, "sparse_top_k_categorical_accuracy");

    /// <inheritdoc/>
    protected override void ComputeValues(Tensor yTrue, Tensor yPred, Span<float> values) =>
        TopKAccuracy.Compute(yTrue, yPred, K, sparse: false, values);

    /// <inheritdoc/>
    private protected override bool HasDeviceValues => true;

    /// <inheritdoc/>
    private protected override Tensor DeviceValues(Tensor yTrue, Tensor yPred, ReadOnlySpan<int> valueDims) =>
        DeviceMetrics.RowValues(MetricValueKind.TopK, yTrue, yPred, valueDims, k: K);
}
