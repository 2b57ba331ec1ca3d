using Nabla.Tensors;

namespace Nabla.Metrics;

/// <summary>The (weighted) running mean of the values it is given (Keras's <c>keras.metrics.Mean</c>).</summary>
/// <remarks>
/// <para>
/// <c>Result = Σ w·v / Σ w</c> over every update since the last reset, where each sample of a batch (index of the
/// first axis) contributes the mean of its values with its weight (1 by default); 0 before any update. The trainer
/// tracks the loss with one, weighting each batch's loss by the batch size as Keras does.
/// </para>
/// <para>
/// A Mean averages values, not (labels, predictions): use <see cref="UpdateState(Tensor, Tensor?)"/>. The
/// (yTrue, yPred) form inherited from <see cref="Metric"/> throws.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var m = new Mean();
/// m.UpdateState(Tensor.FromArray(new float[] { 1, 3, 5, 7 }));                                            // 4
/// m.UpdateState(Tensor.FromArray(new float[] { 1, 3, 5, 7 }), Tensor.FromArray(new float[] { 1, 1, 0, 0 })); // (16 + 4) / 6
/// </code>
/// </example>
public sealed class Mean : Metric
{
    private double _total, _count;

    /// <summary>Creates the metric.</summary>
    /// <param name="name">The metric's name (default <c>mean</c>).</param>
    public Mean(string name = "mean")
        : base(name)
    {
    }

    /// <summary>Folds in <paramref name="values"/>, each sample weighted by <paramref name="sampleWeight"/>.</summary>
    /// <param name="values">The values; the first axis is the sample axis (a scalar is one sample).</param>
    /// <param name="sampleWeight">One weight per sample, or a shape broadcastable to the values' leading axes; null weighs every sample 1.</param>
    /// <remarks>On a device the weighted sums are computed there and four floats are read back.</remarks>
    /// <exception cref="ShapeMismatchException">The weights cannot be matched to the values.</exception>
    public void UpdateState(Tensor values, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        (double total, double count) = DeviceMetrics.DeviceTensor(values, values, sampleWeight) is { } onDevice
            ? DeviceMetrics.Reduce(values, sampleWeight, this, mean: true, onDevice)
            : SampleWeighting.Mean(values.Span, values.Dims, sampleWeight, this);
        _total += total;
        _count += count;
    }

    /// <summary>Not supported: a Mean takes values, not labels and predictions.</summary>
    /// <exception cref="InvalidOperationException">Always.</exception>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null) =>
        throw new InvalidOperationException(
            $"Metric {Describe} averages values: call UpdateState(values, sampleWeight). It does not take (yTrue, yPred); " +
            "to average a function of labels and predictions use a MeanMetricWrapper metric such as MeanAbsoluteError.");

    /// <summary>Adds one value with a weight, e.g. a batch's loss weighted by the batch size. Allocation-free.</summary>
    internal void Update(double value, double weight)
    {
        _total += value * weight;
        _count += weight;
    }

    /// <inheritdoc/>
    public override double Result() => _count == 0 ? 0 : _total / _count;

    /// <inheritdoc/>
    public override void ResetState() => (_total, _count) = (0, 0);

    /// <inheritdoc/>
    internal override int StateLength => 2;

    /// <inheritdoc/>
    internal override void ExportState(Span<double> state) => (state[0], state[1]) = (_total, _count);

    /// <inheritdoc/>
    internal override void ImportState(ReadOnlySpan<double> state) => (_total, _count) = (state[0], state[1]);
}
