using Nabla.Tensors;

namespace Nabla.Metrics;

/// <summary>The (weighted) running sum of the values it is given (Keras's <c>keras.metrics.Sum</c>).</summary>
/// <remarks>
/// <c>Result = Σ w·v</c> over every update since the last reset, with each weight broadcast over its sample's
/// values. Like <see cref="Mean"/>, it takes values: the (yTrue, yPred) form throws.
/// </remarks>
/// <example>
/// <code>
/// var s = new Sum();
/// s.UpdateState(Tensor.FromArray(new float[] { 1, 3, 5, 7 }), Tensor.FromArray(new float[] { 1, 1, 0, 0 }));   // 4
/// </code>
/// </example>
public sealed class Sum : Metric
{
    private double _total;

    /// <summary>Creates the metric.</summary>
    /// <param name="name">The metric's name (default <c>sum</c>).</param>
    public Sum(string name = "sum")
        : base(name)
    {
    }

    /// <summary>Adds the (weighted) sum of <paramref name="values"/>.</summary>
    /// <param name="values">The values; the first axis is the sample axis.</param>
    /// <param name="sampleWeight">One weight per sample, or a shape broadcastable to the values' leading axes; null for 1.</param>
    /// <remarks>On a device the weighted sum is computed there and four floats are read back.</remarks>
    /// <exception cref="ShapeMismatchException">The weights cannot be matched to the values.</exception>
    public void UpdateState(Tensor values, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        _total += DeviceMetrics.DeviceTensor(values, values, sampleWeight) is { } onDevice
            ? DeviceMetrics.Reduce(values, sampleWeight, this, mean: false, onDevice).Total
            : SampleWeighting.Sum(values.Span, values.Dims, sampleWeight, this);
    }

    /// <summary>Not supported: a Sum takes values, not labels and predictions.</summary>
    /// <exception cref="InvalidOperationException">Always.</exception>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null) =>
        throw new InvalidOperationException($"Metric {Describe} sums values: call UpdateState(values, sampleWeight). It does not take (yTrue, yPred).");

    /// <inheritdoc/>
    public override double Result() => _total;

    /// <inheritdoc/>
    public override void ResetState() => _total = 0;

    /// <inheritdoc/>
    internal override int StateLength => 1;

    /// <inheritdoc/>
    internal override void ExportState(Span<double> state) => state[0] = _total;

    /// <inheritdoc/>
    internal override void ImportState(ReadOnlySpan<double> state) => _total = state[0];
}
