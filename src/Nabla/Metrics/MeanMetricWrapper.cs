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
/// </remarks>
public abstract class MeanMetricWrapper : Metric
{
    private double _total, _count;
    private float[] _values = [];

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
