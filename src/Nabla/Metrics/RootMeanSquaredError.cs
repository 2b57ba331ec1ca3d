using Nabla.Autodiff;

namespace Nabla.Metrics;

/// <summary>The square root of the mean squared error (Keras's <c>keras.metrics.RootMeanSquaredError</c>).</summary>
/// <remarks>
/// The root is taken of the running weighted mean of the squared errors, not averaged per batch:
/// <c>√(Σ w·e² / Σ w)</c> over the epoch, where each sample's e² is the mean of its elementwise squared errors.
/// y_true and y_pred have the same shape up to a trailing axis of 1.
/// </remarks>
/// <example>
/// <code>
/// var m = new RootMeanSquaredError();
/// m.UpdateState(Tensor.FromArray(new float[] { 0, 1, 0, 0 }, 2, 2), Tensor.FromArray(new float[] { 1, 1, 0, 0 }, 2, 2));   // 0.5
/// </code>
/// </example>
public sealed class RootMeanSquaredError : MeanMetricWrapper
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">The metric's name (default <c>root_mean_squared_error</c>).</param>
    public RootMeanSquaredError(string name = "root_mean_squared_error")
        : base(name)
    {
    }

    /// <inheritdoc/>
    public override double Result() => Math.Sqrt(base.Result());

    /// <inheritdoc/>
    protected override int GetValuesShape(ReadOnlySpan<int> yTrueShape, ReadOnlySpan<int> yPredShape, Span<int> valuesShape) =>
        MetricShapes.Elementwise(this, yTrueShape, yPredShape, valuesShape, minRank: 0);

    /// <inheritdoc/>
    protected override void ComputeValues(Tensor yTrue, Tensor yPred, Span<float> values)
    {
        // Keras squares y_pred - y_true elementwise and lets Mean do the per-sample averaging.
        ReadOnlySpan<float> t = yTrue.Span, p = yPred.Span;
        for (int i = 0; i < values.Length; i++)
        {
            float d = p[i] - t[i];
            values[i] = d * d;
        }
    }

    /// <inheritdoc/>
    private protected override bool HasDeviceValues => true;

    /// <inheritdoc/>
    private protected override Tensor DeviceValues(Tensor yTrue, Tensor yPred, ReadOnlySpan<int> valueDims)
    {
        Tensor d = Ops.Subtract(Ops.Reshape(yPred, valueDims), Ops.Reshape(yTrue, valueDims));
        return Ops.Multiply(d, d);   // d·d, as the span code
    }
}
