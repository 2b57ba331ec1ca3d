using Nabla.Devices;

namespace Nabla.Metrics;

/// <summary>How often thresholded predictions match binary labels (Keras's <c>keras.metrics.BinaryAccuracy</c>).</summary>
/// <remarks>
/// A prediction counts as 1 when it is greater than <c>threshold</c>, else 0, and matches when it equals the label
/// (labels must be exactly 0 or 1). y_true and y_pred have the same shape up to a trailing axis of 1 (labels [32]
/// with predictions [32, 1] is the usual case). Each sample's value is its fraction of matches along the last axis.
/// </remarks>
/// <example>
/// <code>
/// var m = new BinaryAccuracy();
/// m.UpdateState(Tensor.FromArray(new float[] { 1, 1, 0, 0 }, 4, 1), Tensor.FromArray(new float[] { 0.98f, 1, 0, 0.6f }, 4, 1));   // 0.75
/// </code>
/// </example>
public sealed class BinaryAccuracy : MeanMetricWrapper
{
    /// <summary>Creates the metric.</summary>
    /// <param name="threshold">The decision threshold, in (0, 1) (default 0.5).</param>
    /// <param name="name">The metric's name (default <c>binary_accuracy</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is not strictly between 0 and 1.</exception>
    public BinaryAccuracy(float threshold = 0.5f, string name = "binary_accuracy")
        : base(name)
    {
        if (!(threshold > 0f && threshold < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold,
                $"BinaryAccuracy: invalid value for threshold. Expected a value in interval (0, 1), but received threshold={threshold}.");
        }

        Threshold = threshold;
    }

    /// <summary>The decision threshold.</summary>
    public float Threshold { get; }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>
    {
        ["name"] = Name,
        ["dtype"] = "float32",
        ["threshold"] = Threshold,
    };

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
            int matches = 0;
            for (int j = r * width; j < (r + 1) * width; j++)
            {
                matches += t[j] == (p[j] > Threshold ? 1f : 0f) ? 1 : 0;
            }

            values[r] = (float)matches / width;
        }
    }

    /// <inheritdoc/>
    private protected override bool HasDeviceValues => true;

    /// <inheritdoc/>
    private protected override Tensor DeviceValues(Tensor yTrue, Tensor yPred, ReadOnlySpan<int> valueDims) =>
        DeviceMetrics.RowValues(MetricValueKind.Binary, yTrue, yPred, valueDims, threshold: Threshold);
}
