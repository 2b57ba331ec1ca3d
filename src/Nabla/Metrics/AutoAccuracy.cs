namespace Nabla.Metrics;

/// <summary>
/// The metric behind the string <c>"accuracy"</c> (or <c>"acc"</c>): binary, sparse categorical or categorical
/// accuracy, chosen from the shapes of the first batch exactly as Keras 3's <c>compile</c> chooses.
/// </summary>
/// <remarks>
/// <para>
/// The rule (Keras's <c>is_binary_or_sparse_categorical</c>): binary when y_pred's last axis is 1
/// (<see cref="BinaryAccuracy"/>); otherwise sparse when y_true has a lower rank than y_pred, or y_true's last axis
/// is 1 while y_pred's is larger (<see cref="SparseCategoricalAccuracy"/>); otherwise
/// <see cref="CategoricalAccuracy"/>. The metric keeps its own <see cref="Metric.Name"/> (<c>accuracy</c>), which
/// is how Keras logs it.
/// </para>
/// <para>
/// It is resolved on its first <see cref="UpdateState"/>; <see cref="Resolved"/> is null until then and
/// <see cref="Result"/> is 0.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// Metric acc = "accuracy";
/// acc.UpdateState(labels, probabilities);   // [32] and [32, 10] -> sparse categorical accuracy
/// </code>
/// </example>
public sealed class AutoAccuracy : Metric
{
    private Metric? _resolved;
    private (double Total, double Count) _imported;

    /// <summary>Creates the metric.</summary>
    /// <param name="name">The metric's name (default <c>accuracy</c>).</param>
    public AutoAccuracy(string name = "accuracy")
        : base(name)
    {
    }

    /// <summary>The accuracy chosen from the first batch's shapes, or null before the first update.</summary>
    public Metric? Resolved => _resolved;

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        (_resolved ?? Resolve(yTrue.Dims, yPred.Dims)).UpdateState(yTrue, yPred, sampleWeight);
    }

    /// <inheritdoc/>
    internal override bool QueueDeviceUpdate(Tensor yTrue, Tensor yPred, Tensor? sampleWeight, Tensor sums) =>
        (_resolved ?? Resolve(yTrue.Dims, yPred.Dims)).QueueDeviceUpdate(yTrue, yPred, sampleWeight, sums);

    /// <inheritdoc/>
    internal override void FoldDeviceUpdate(ReadOnlySpan<float> sums) =>
        (_resolved ?? throw new InvalidOperationException($"Nabla bug: metric {Describe} folds a device update it did not queue.")).FoldDeviceUpdate(sums);

    /// <inheritdoc/>
    public override double Result() => _resolved?.Result() ?? (_imported.Count == 0 ? 0 : _imported.Total / _imported.Count);

    /// <inheritdoc/>
    internal override int StateLength => 2;   // every accuracy it resolves to is a mean: (total, count)

    /// <inheritdoc/>
    internal override void ExportState(Span<double> state)
    {
        if (_resolved is null)
        {
            state[..2].Clear();
        }
        else
        {
            _resolved.ExportState(state);
        }
    }

    /// <inheritdoc/>
    internal override void ImportState(ReadOnlySpan<double> state)
    {
        if (_resolved is null)
        {
            _imported = (state[0], state[1]);   // a rank that saw no batch yet: keep the sums for Result
        }
        else
        {
            _resolved.ImportState(state);
        }
    }

    /// <inheritdoc/>
    public override void ResetState()
    {
        _resolved?.ResetState();
        _imported = default;
    }

    /// <inheritdoc/>
    protected internal override Metric CloneEmpty() => new AutoAccuracy(Name);   // resolves again on its first batch

    /// <summary>
    /// Chooses the concrete accuracy for these shapes (the trainer may call it before the first batch). Calling it
    /// again with shapes that choose the same accuracy returns the existing one.
    /// </summary>
    /// <exception cref="ShapeMismatchException">A shape has no axes.</exception>
    /// <exception cref="InvalidOperationException">The metric was already resolved to a different accuracy.</exception>
    internal Metric Resolve(ReadOnlySpan<int> yTrueShape, ReadOnlySpan<int> yPredShape)
    {
        Type chosen = Choose(yTrueShape, yPredShape);
        if (_resolved is not null)
        {
            return _resolved.GetType() == chosen
                ? _resolved
                : throw new InvalidOperationException(
                    $"Metric '{Name}' was resolved to {_resolved.GetType().Name} by an earlier batch, but these shapes call for {chosen.Name}. " +
                    "Use the same label format throughout, or name the accuracy explicitly.");
        }

        _resolved = chosen == typeof(BinaryAccuracy) ? new BinaryAccuracy(name: Name)
            : chosen == typeof(SparseCategoricalAccuracy) ? new SparseCategoricalAccuracy(Name)
            : new CategoricalAccuracy(Name);
        return _resolved;
    }

    private Type Choose(ReadOnlySpan<int> yTrue, ReadOnlySpan<int> yPred)
    {
        if (yTrue.Length == 0 || yPred.Length == 0)
        {
            throw MetricShapes.Mismatch(this, "y_true and y_pred with at least one axis to choose between binary, sparse and categorical accuracy", yTrue, yPred);
        }

        bool binary = yPred[^1] == 1;
        bool sparse = yTrue.Length < yPred.Length || (yTrue[^1] == 1 && yPred[^1] > 1);
        return binary ? typeof(BinaryAccuracy) : sparse ? typeof(SparseCategoricalAccuracy) : typeof(CategoricalAccuracy);
    }
}
