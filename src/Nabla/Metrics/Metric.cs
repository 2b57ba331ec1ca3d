namespace Nabla.Metrics;

/// <summary>
/// A stateful measure accumulated over batches and reported as one number (Keras's <c>keras.metrics.Metric</c>).
/// </summary>
/// <remarks>
/// <para>
/// <see cref="UpdateState"/> folds in one batch, <see cref="Result"/> reports the value over everything folded in
/// since the last <see cref="ResetState"/>. <c>Fit</c> resets its metrics at the start of every epoch, so a logged
/// value is the epoch's running value; for the mean-based metrics that is the sample-weighted mean over the
/// epoch's samples, not the mean of batch values.
/// </para>
/// <para>
/// Metrics are named like Keras's (<c>sparse_categorical_accuracy</c>); the name is the key in the training logs.
/// Strings convert implicitly through <see cref="Get"/>, so <c>metrics: ["accuracy"]</c> works.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var acc = new SparseCategoricalAccuracy();
/// acc.UpdateState(Tensor.FromArray(new float[] { 2, 1 }), Tensor.FromArray(new float[] { 0.1f, 0.6f, 0.3f, 0.05f, 0.95f, 0f }, 2, 3));
/// double value = acc.Result();   // 0.5
/// </code>
/// </example>
public abstract class Metric
{
    /// <summary>Sets the metric's name.</summary>
    /// <param name="name">The name, the key under which the metric is logged.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    protected Metric(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary>The metric's name, e.g. <c>accuracy</c>.</summary>
    public string Name { get; }

    /// <summary>"'name' (Type)", how messages refer to the metric.</summary>
    internal string Describe => $"'{Name}' ({GetType().Name})";

    /// <summary>Folds one batch of labels and predictions into the state.</summary>
    /// <param name="yTrue">The labels.</param>
    /// <param name="yPred">The predictions.</param>
    /// <param name="sampleWeight">Optional weights, one per sample (shape [batch]) or broadcastable to the per-sample values; null weighs every sample 1.</param>
    /// <exception cref="ShapeMismatchException">The shapes do not fit the metric or each other.</exception>
    public abstract void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null);

    /// <summary>The metric's value over everything folded in since the last reset (0 before any update).</summary>
    public abstract double Result();

    /// <summary>Forgets every update.</summary>
    public abstract void ResetState();

    /// <summary>
    /// The number of values that make up the metric's state, for distributed training, which sums the states of every
    /// rank to report one value over the whole global batch; -1 when the metric does not expose its state.
    /// </summary>
    internal virtual int StateLength => -1;

    /// <summary>Writes the state (<see cref="StateLength"/> values) into <paramref name="state"/>.</summary>
    internal virtual void ExportState(Span<double> state) =>
        throw new InvalidOperationException($"Metric {Describe} does not expose its state, so it cannot be combined across ranks.");

    /// <summary>Replaces the state with <paramref name="state"/> (summed over the ranks).</summary>
    internal virtual void ImportState(ReadOnlySpan<double> state) =>
        throw new InvalidOperationException($"Metric {Describe} does not expose its state, so it cannot be combined across ranks.");

    /// <summary>
    /// Launches this batch's update on the device of <paramref name="yPred"/> (a device tensor), writing
    /// <see cref="DeviceMetrics.SumLength"/> floats into the device view <paramref name="sums"/>, and returns true; the
    /// caller copies the sums back (one copy for every metric of a step) and calls <see cref="FoldDeviceUpdate"/>.
    /// Returns false when the metric has no device path (a user's metric: span code or a user function), so the caller
    /// runs <see cref="UpdateState"/> on host copies.
    /// </summary>
    /// <exception cref="ShapeMismatchException">The shapes do not fit the metric (as <see cref="UpdateState"/>).</exception>
    internal virtual bool QueueDeviceUpdate(Tensor yTrue, Tensor yPred, Tensor? sampleWeight, Tensor sums) => false;

    /// <summary>Folds the sums of the last <see cref="QueueDeviceUpdate"/>, read back to the host, into the state.</summary>
    internal virtual void FoldDeviceUpdate(ReadOnlySpan<float> sums) =>
        throw new InvalidOperationException($"Nabla bug: metric {Describe} has no device update to fold.");

    /// <summary>
    /// A new metric of the same configuration and name, with empty state. <c>Fit</c> and <c>Evaluate</c> give each
    /// call its own copies of the compiled metrics, so that concurrent or nested calls never share state.
    /// </summary>
    /// <remarks>
    /// The default makes a member-wise copy and calls <see cref="ResetState"/> on it. A metric that keeps its state in
    /// reference-type fields (an array, a list, another metric) must override this and give the copy its own.
    /// </remarks>
    /// <returns>The new metric.</returns>
    protected internal virtual Metric CloneEmpty()
    {
        var copy = (Metric)MemberwiseClone();
        copy.ResetState();
        return copy;
    }

    /// <summary>The metric's arguments under Keras's config keys (<c>name</c>, <c>dtype</c>, and its own).</summary>
    public virtual IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["name"] = Name, ["dtype"] = "float32" };

    /// <summary>
    /// A new metric for the Keras identifier <paramref name="name"/>, named <paramref name="name"/> as Keras's
    /// <c>compile</c> names it (so <c>"mae"</c> is logged as <c>mae</c>). <c>accuracy</c> and <c>acc</c> (any case)
    /// give an <see cref="AutoAccuracy"/>, which picks binary, sparse categorical or categorical accuracy from the
    /// first batch's shapes. Also: <c>binary_accuracy</c>, <c>categorical_accuracy</c>,
    /// <c>sparse_categorical_accuracy</c>, <c>top_k_categorical_accuracy</c>, <c>sparse_top_k_categorical_accuracy</c>,
    /// <c>mean_squared_error</c>/<c>mse</c>, <c>mean_absolute_error</c>/<c>mae</c>, <c>root_mean_squared_error</c>,
    /// <c>mean</c>, <c>sum</c>, and the class names.
    /// </summary>
    /// <param name="name">The metric's identifier.</param>
    /// <exception cref="ArgumentException">No metric has that name; the message lists the known ones.</exception>
    public static Metric Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Saving.Serialization.Get<Metric>(name);
    }

    /// <summary>A new metric for the identifier <paramref name="name"/>, as <see cref="Get"/>.</summary>
    /// <param name="name">The metric's identifier.</param>
    public static implicit operator Metric(string name) => Get(name);

    /// <summary>A metric that averages a function's per-sample values (see <see cref="FunctionMetric"/>).</summary>
    /// <param name="fn">The function of (yTrue, yPred).</param>
    public static implicit operator Metric(Func<Tensor, Tensor, Tensor> fn) => new FunctionMetric(fn);

    /// <inheritdoc/>
    public override string ToString() => $"{GetType().Name} '{Name}'";
}
