using Nabla.Autodiff;
using Nabla.Tensors;

namespace Nabla.Metrics;

/// <summary>
/// The base of metrics that compute a value per sample from (yTrue, yPred) and report their weighted mean over the
/// epoch, such as accuracies and mean errors (Keras's <c>keras.metrics.MeanMetricWrapper</c>).
/// </summary>
/// <remarks>
/// <para>
/// A subclass states the shape of its per-sample values for given input shapes (<see cref="GetValuesShape"/>, which
/// also validates them) and computes them (<see cref="ComputeValues"/>); this class weighs and averages them
/// exactly as <see cref="Mean"/> does. <see cref="UpdateState"/> allocates nothing once it has seen the largest
/// batch.
/// </para>
/// <para>
/// On a device (any input on one), the built-in metrics compute their values and weighted sums there and read back four
/// floats. A subclass outside the library computes its values with span code, which the library cannot run on a
/// device: its inputs are copied to the host first (by rule, as a custom optimizer's <c>UpdateStep</c>), so it is right
/// but pays one copy of the batch's labels and predictions per update.
/// </para>
/// </remarks>
public abstract class MeanMetricWrapper : Metric
{
    private double _total, _count;
    private float[] _values = [];
    private DeviceMetrics.Pending _pending;

    /// <summary>Sets the metric's name.</summary>
    /// <param name="name">The name, the key under which the metric is logged.</param>
    protected MeanMetricWrapper(string name)
        : base(name)
    {
    }

    /// <inheritdoc/>
    public sealed override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        if (DeviceMetrics.DeviceTensor(yPred, yTrue, sampleWeight) is { } onDevice)
        {
            UpdateOnDevice(yTrue, yPred, sampleWeight, onDevice);   // its own method: the host path stays as it was
            return;
        }

        Span<int> dims = stackalloc int[Math.Max(yTrue.Rank, yPred.Rank) + 1];
        dims = dims[..GetValuesShape(yTrue.Dims, yPred.Dims, dims)];
        int n = ShapeUtil.Product(dims);
        if (_values.Length < n)
        {
            _values = new float[n];   // grows to the largest batch once, then is reused
        }

        Span<float> values = _values.AsSpan(0, n);
        ComputeValues(yTrue, yPred, values);
        (double total, double count) = SampleWeighting.Mean(values, dims, sampleWeight, this);
        _total += total;
        _count += count;
    }

    /// <inheritdoc/>
    internal sealed override bool QueueDeviceUpdate(Tensor yTrue, Tensor yPred, Tensor? sampleWeight, Tensor sums)
    {
        Span<int> dims = stackalloc int[Math.Max(yTrue.Rank, yPred.Rank) + 1];
        dims = dims[..GetValuesShape(yTrue.Dims, yPred.Dims, dims)];
        if (!HasDeviceValues)
        {
            return false;
        }

        Tensor values = DeviceValues(DeviceMetrics.OnDeviceOf(yTrue, yPred), yPred, dims);
        _pending = DeviceMetrics.Queue(values, sampleWeight, this, mean: true, sums);
        return true;
    }

    /// <inheritdoc/>
    internal sealed override void FoldDeviceUpdate(ReadOnlySpan<float> sums)
    {
        (double total, double count) = DeviceMetrics.Fold(_pending, sums);
        _total += total;
        _count += count;
    }

    /// <summary>Whether <see cref="DeviceValues"/> computes the values on a device (the library's metrics).</summary>
    private protected virtual bool HasDeviceValues => false;

    /// <summary>
    /// The per-sample values, shaped <paramref name="valueDims"/>, computed on the device of <paramref name="yPred"/>
    /// (<paramref name="yTrue"/> is on it too) from the calling thread's arena, as <see cref="ComputeValues"/> computes
    /// them on the host.
    /// </summary>
    private protected virtual Tensor DeviceValues(Tensor yTrue, Tensor yPred, ReadOnlySpan<int> valueDims) =>
        throw new InvalidOperationException($"Nabla bug: metric {Describe} has no device values.");

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

    /// <inheritdoc/>
    protected internal override Metric CloneEmpty()
    {
        var copy = (MeanMetricWrapper)base.CloneEmpty();
        copy._values = [];   // its own scratch
        return copy;
    }

    private void UpdateOnDevice(Tensor yTrue, Tensor yPred, Tensor? sampleWeight, Tensor onDevice)
    {
        if (!HasDeviceValues)
        {
            // A user's span code: on host copies, by rule.
            Device cpu = Device.Cpu;
            UpdateState(yTrue.To(cpu), yPred.To(cpu), sampleWeight?.To(cpu));
            return;
        }

        using (StepContext.Current.BeginInferenceBatch())
        {
            Tensor sums = OpSupport.Empty([DeviceMetrics.SumLength], onDevice);
            QueueDeviceUpdate(DeviceMetrics.OnDeviceOf(yTrue, onDevice), DeviceMetrics.OnDeviceOf(yPred, onDevice), sampleWeight, sums);
            Span<float> host = stackalloc float[DeviceMetrics.SumLength];
            sums.Memory!.CopyTo(sums.Offset, host);
            FoldDeviceUpdate(host);
        }
    }

    /// <summary>
    /// Checks the input shapes and writes the shape of the per-sample values into <paramref name="valuesShape"/>
    /// (whose length is the larger input rank + 1).
    /// </summary>
    /// <param name="yTrueShape">The labels' shape.</param>
    /// <param name="yPredShape">The predictions' shape.</param>
    /// <param name="valuesShape">Receives the values' shape.</param>
    /// <returns>The rank of the values.</returns>
    /// <exception cref="ShapeMismatchException">The shapes do not fit the metric.</exception>
    protected abstract int GetValuesShape(ReadOnlySpan<int> yTrueShape, ReadOnlySpan<int> yPredShape, Span<int> valuesShape);

    /// <summary>Computes the per-sample values, in row-major order of the shape <see cref="GetValuesShape"/> gave.</summary>
    /// <param name="yTrue">The labels.</param>
    /// <param name="yPred">The predictions.</param>
    /// <param name="values">Receives the values.</param>
    protected abstract void ComputeValues(Tensor yTrue, Tensor yPred, Span<float> values);
}
