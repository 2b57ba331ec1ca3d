using Nabla.Autodiff;

namespace Nabla.Metrics;

/// <summary>
/// A metric made from a function of (yTrue, yPred) that returns one value per sample (or per element): its weighted
/// mean over everything seen since the last reset, as Keras wraps a plain function passed in <c>metrics</c>.
/// </summary>
/// <remarks>
/// C# converts a lambda to a metric only through a delegate, so pass a <c>Func&lt;Tensor, Tensor, Tensor&gt;</c>
/// variable or method in <c>metrics</c>, a list of lambdas to <c>Compile</c>'s function overloads, or wrap it here.
/// The function runs in inference mode inside the trainer's memory scope: it must not keep the tensors it receives.
/// On a device model the trainer gives it host copies of the batch's labels and predictions (by rule: a user's function
/// may read its tensors' spans, which only host tensors have); called directly with device tensors, it runs on them and
/// the weighted mean of the values it returns is reduced on the device.
/// </remarks>
/// <example>
/// <code>
/// Func&lt;Tensor, Tensor, Tensor&gt; maxError = (yTrue, yPred) =&gt; (yPred - yTrue).Abs().Max(axis: -1);
/// model.Compile(optimizer: "adam", loss: "mse", metrics: [maxError, "mae"]);
/// </code>
/// </example>
public sealed class FunctionMetric : Metric
{
    private readonly Func<Tensor, Tensor, Tensor> _fn;
    private double _total, _count;

    /// <summary>Wraps <paramref name="fn"/>.</summary>
    /// <param name="fn">The per-sample values of (yTrue, yPred).</param>
    /// <param name="name">The name it is logged under (default: the method's name in snake_case, or <c>custom_metric</c> for a lambda).</param>
    public FunctionMetric(Func<Tensor, Tensor, Tensor> fn, string? name = null)
        : base(name ?? NameOf(fn))
    {
        ArgumentNullException.ThrowIfNull(fn);
        _fn = fn;
    }

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        using (StepContext.Current.BeginInferenceBatch())
        {
            Tensor values = _fn(yTrue, yPred) ?? throw new InvalidOperationException($"Metric {Describe}: the function returned null; it must return the per-sample values.");
            (double total, double count) = DeviceMetrics.DeviceTensor(values, values, sampleWeight) is { } onDevice
                ? DeviceMetrics.Reduce(values, sampleWeight, this, mean: true, onDevice)
                : SampleWeighting.Mean(values.Span, values.Dims, sampleWeight, this);
            _total += total;
            _count += count;
        }
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

    /// <summary>A method's name in snake_case (Keras names function metrics after the function); lambdas get <c>custom_metric</c>.</summary>
    internal static string NameOf(Delegate fn)
    {
        ArgumentNullException.ThrowIfNull(fn);
        string method = fn.Method.Name;
        return method.Contains('<', StringComparison.Ordinal) ? "custom_metric" : Layers.LayerNames.ToSnakeCase(method);
    }
}
