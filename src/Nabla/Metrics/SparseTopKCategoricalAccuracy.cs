using Nabla.Devices;

namespace Nabla.Metrics;

/// <summary>How often the integer label is among the k highest predictions (Keras's <c>keras.metrics.SparseTopKCategoricalAccuracy</c>).</summary>
/// <remarks>
/// Shapes as <see cref="SparseCategoricalAccuracy"/>. Labels are truncated to integers as Keras's cast does; a
/// label outside [0, classes) is never in the top k. A class tied with the k-th highest score counts as in it.
/// </remarks>
/// <example>
/// <code>
/// var m = new SparseTopKCategoricalAccuracy(k: 1);
/// m.UpdateState(Tensor.FromArray(new float[] { 2, 1 }), Tensor.FromArray(new float[] { 0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0 }, 2, 3));   // 0.5
/// </code>
/// </example>
public sealed class SparseTopKCategoricalAccuracy : MeanMetricWrapper
{
    /// <summary>Creates the metric.</summary>
    /// <param name="k">How many of the highest predictions to look at, at least 1 (default 5).</param>
    /// <param name="name">The metric's name (default <c>sparse_top_k_categorical_accuracy</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 1.</exception>
    public SparseTopKCategoricalAccuracy(int k = 5, string name = "sparse_top_k_categorical_accuracy")
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
        MetricShapes.SparseLabels(this, yTrueShape, yPredShape, valuesShape, "top_k_categorical_accuracy");

    /// <inheritdoc/>
    protected override void ComputeValues(Tensor yTrue, Tensor yPred, Span<float> values) =>
        TopKAccuracy.Compute(yTrue, yPred, K, sparse: true, values);

    /// <inheritdoc/>
    private protected override bool HasDeviceValues => true;

    /// <inheritdoc/>
    private protected override Tensor DeviceValues(Tensor yTrue, Tensor yPred, ReadOnlySpan<int> valueDims) =>
        DeviceMetrics.RowValues(MetricValueKind.SparseTopK, yTrue, yPred, valueDims, k: K);
}
