using Nabla.Callbacks;
using Nabla.Metrics;

namespace Nabla.Trainers;

/// <summary>
/// Trains, evaluates and runs one model (Keras's <c>trainers/</c>): the compile state, the loops of Fit, Evaluate and
/// Predict over one kind of batch source, and the library's own steps. <c>Model</c> keeps the public API and hands
/// each call here.
/// </summary>
/// <remarks>
/// <para>
/// State has one owner: each Fit or Evaluate call tracks its own <see cref="MetricSet"/> and caches its own
/// <see cref="TrainState"/>; nothing about a running call lives on the model. So concurrent Predict and Evaluate on a
/// trained model give the single-threaded results, an Evaluate from a batch callback leaves Fit's numbers alone, and
/// the only shared thing, the weights, is written by one training call at a time (<see cref="EnterTraining"/>).
/// TrainOnBatch and TestOnBatch accumulate across calls, as in Keras, in a metric set the trainer keeps for them.
/// </para>
/// <para>
/// The loops follow Keras's event order: <c>OnTrainBegin</c>; per epoch <c>OnEpochBegin</c>, per batch
/// <c>OnTrainBatchBegin</c>/<c>End</c> (stopping on <c>StopTraining</c>), validation with <c>val_</c> keys,
/// <c>OnEpochEnd</c>; <c>OnTrainEnd</c>.
/// </para>
/// </remarks>
internal sealed partial class Trainer
{
    private readonly Model _model;
    private readonly object _onBatchLock = new();
    private CompileState? _compiled;
    private MetricSet? _onBatchMetrics;
    private TrainState? _onBatchTrain;
    private IReadOnlyList<Metric> _lastMetrics = [];
    private int _trainingThread;
    private bool _inTrainBegin;      // Fit is dispatching OnTrainBegin (on the training thread)
    private int? _resumeEpoch;       // set through ResumeAt during OnTrainBegin
    private Device? _device;         // the model's device, once it has weights

    public Trainer(Model model) => _model = model;

    /// <summary>The compile state, or null before Compile.</summary>
    public CompileState? Compiled => _compiled;

    /// <summary>The metrics of the last finished Fit or Evaluate, or of the TrainOnBatch/TestOnBatch series (Keras's <c>model.metrics</c>).</summary>
    public IReadOnlyList<Metric> LastMetrics => _lastMetrics;

    /// <summary>Installs a new compile state, forgetting the on-batch metrics and caches.</summary>
    public void Compile(CompileState compiled)
    {
        lock (_onBatchLock)
        {
            _compiled = compiled;
            _onBatchMetrics = null;
            _onBatchTrain = null;
            _lastMetrics = new MetricSet(compiled).All;
        }
    }

    /// <summary>Forgets the on-batch training caches (layers were added or removed, trainability changed).</summary>
    public void ForgetTrainingCaches()
    {
        lock (_onBatchLock)
        {
            _onBatchTrain = null;
        }
    }

    /// <summary>Resets the metrics TrainOnBatch and TestOnBatch accumulate (Keras's <c>reset_metrics</c>).</summary>
    public void ResetOnBatchMetrics()
    {
        lock (_onBatchLock)
        {
            _onBatchMetrics?.Reset();
        }
    }

    /// <summary>The compile state, or an error naming <paramref name="operation"/>.</summary>
    public CompileState RequireCompiled(string operation) => _compiled ?? throw new InvalidOperationException(
        $"{operation}() was called before Compile(). Call model.Compile(optimizer: ..., loss: ...) first.");

    /// <summary>
    /// Claims the model's weights for one training call (Fit or TrainOnBatch) until the returned scope is disposed.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another training call is running on this model.</exception>
    public TrainingClaim EnterTraining(string operation)
    {
        int me = Environment.CurrentManagedThreadId;
        int owner = Interlocked.CompareExchange(ref _trainingThread, me, 0);
        if (owner != 0)
        {
            string where = owner == me
                ? "on this thread (a callback or step called it while training)"
                : $"on another thread (managed thread {owner})";
            throw new InvalidOperationException(
                $"{operation}: model '{_model.Name}' is already training {where}. A model trains in one call at a time, because " +
                "concurrent updates of the same weights would give numbers that belong to neither run; wait for the other call, " +
                "or train a separate model. Predict and Evaluate may run concurrently with each other.");
        }

        return new TrainingClaim(this);
    }

    /// <summary>The scope of <see cref="EnterTraining"/>.</summary>
    public readonly struct TrainingClaim : IDisposable
    {
        private readonly Trainer _trainer;

        internal TrainingClaim(Trainer trainer) => _trainer = trainer;

        /// <summary>Releases the model's weights.</summary>
        public void Dispose() => Volatile.Write(ref _trainer._trainingThread, 0);
    }

    /// <summary>The callbacks of a call: the user's, then History and the progress bar, as Keras adds them.</summary>
    private CallbackList Callbacks(IEnumerable<Callback>? callbacks, int verbose, int epochs, int? steps) =>
        new(callbacks, addHistory: true, addProgbar: verbose != 0, _model, new CallbackParams(epochs, steps, verbose));

    /// <summary>Throws a clear error when a batch array holds NaN or infinity, naming which array, batch and sample.</summary>
    private static void CheckFinite(string operation, string what, Tensor batch, int batchIndex)
    {
        ReadOnlySpan<float> values = batch.Memory is null ? batch.Span : batch.ToArray();
        int rowSize = batch.Rank > 0 && batch.Dim(0) > 0 ? batch.Size / batch.Dim(0) : 1;
        int bad = Kernels.Finite.IndexOfNonFinite(values, rowSize);
        if (bad < 0)
        {
            return;
        }

        float value = values[bad];
        string kind = float.IsNaN(value) ? "NaN" : value > 0 ? "infinity" : "-infinity";
        throw new ArgumentException(
            $"{operation}: the {what} batch {batchIndex} of shape {Tensors.ShapeUtil.Format(batch.Dims)} contains {kind} " +
            $"(sample {bad / rowSize} of the batch, element {bad % rowSize}). Training or evaluating on NaN or infinite values " +
            "turns every weight and metric into NaN; clean or impute the data first.");
    }

    /// <summary>
    /// The model's device: its first weight's, or <see cref="Device.Current"/> (where its weights will be made) while it
    /// has none. Remembered once the model has weights, which never move.
    /// </summary>
    internal Device ModelDevice()
    {
        if (_device is { } known)
        {
            return known;
        }

        // An unbuilt model may be building on another thread (the first calls of a served model): its weight lists are
        // not to be read until that build has finished, and its weights will be made on the current device.
        if (!_model.IsBuilt)
        {
            return Device.Current;
        }

        IReadOnlyList<Autodiff.Variable> weights = _model.Weights;
        if (weights.Count == 0)
        {
            return Device.Current;
        }

        return _device = weights[0].Value.Device;
    }

    /// <summary>Checks every array of a batch for NaN and infinity.</summary>
    internal static void CheckBatch(string operation, in StepBatch batch, int step)
    {
        for (int i = 0; i < batch.X.Length; i++)
        {
            CheckFinite(operation, batch.X.Length == 1 ? "input" : $"input {i}", batch.X[i], step);
        }

        for (int i = 0; i < batch.Y.Length; i++)
        {
            CheckFinite(operation, batch.Y.Length == 1 ? "target (y)" : $"target {i}", batch.Y[i], step);
        }

        if (batch.SampleWeight is { } w)
        {
            CheckFinite(operation, "sample weights", w, step);
        }
    }
}
