using Nabla.Losses;
using Nabla.Metrics;
using Nabla.Optimizers;
using Nabla.Trainers;

namespace Nabla;

// Compile: the optimizer, loss and metrics a model trains with (Keras's model.compile). The state lives in the
// model's trainer.
public partial class Model
{
    private Trainer? _trainerInstance;

    /// <summary>The optimizer given to <see cref="Compile"/>, or null before compiling.</summary>
    public Optimizer? Optimizer => Trainer.Compiled?.Optimizer;

    /// <summary>The loss given to <see cref="Compile"/> (the first output's, for a model with several), or null.</summary>
    public Loss? Loss => Trainer.Compiled?.Losses[0];

    /// <summary>True once <see cref="Compile"/> has been called.</summary>
    public bool IsCompiled => Trainer.Compiled is not null;

    /// <summary>
    /// The metrics of the last finished <c>Fit</c> or <c>Evaluate</c> (or of the TrainOnBatch/TestOnBatch series):
    /// the loss tracker first, then the per-output loss trackers and the compiled metrics (Keras's <c>model.metrics</c>).
    /// Each call tracks its own copies, so these are a snapshot that later calls do not change.
    /// </summary>
    public IReadOnlyList<Metric> Metrics => Trainer.LastMetrics;

    /// <summary>The model's trainer, created on first use.</summary>
    internal Trainer Trainer
    {
        get
        {
            Trainer? t = Volatile.Read(ref _trainerInstance);
            return t ?? Interlocked.CompareExchange(ref _trainerInstance, new Trainer(this), null) ?? _trainerInstance!;
        }
    }

    /// <summary>
    /// Configures the model for training (Keras's <c>compile</c>).
    /// </summary>
    /// <param name="optimizer">The optimizer, by name (<c>"adam"</c>) or object; default <c>rmsprop</c>, as Keras.</param>
    /// <param name="loss">The loss, by name (<c>"sparse_categorical_crossentropy"</c>) or object.</param>
    /// <param name="metrics">Metrics to track, by name (<c>"accuracy"</c>, resolved from the targets' and outputs' shapes as Keras does) or object.</param>
    /// <exception cref="ArgumentException">A name is unknown, or two metrics share a name.</exception>
    public void Compile(Optimizer? optimizer = null, Loss? loss = null, IEnumerable<Metric>? metrics = null)
    {
        Metric[] list = metrics?.ToArray() ?? [];
        foreach (Metric m in list)
        {
            ArgumentNullException.ThrowIfNull(m, nameof(metrics));
        }

        Trainer.Compile(new CompileState(optimizer ?? Optimizer.Get("rmsprop"), [loss], [1.0], [list], [Name]));
    }

    /// <summary>Resets the metrics that TrainOnBatch and TestOnBatch accumulate (Keras's <c>reset_metrics</c>).</summary>
    public void ResetMetrics() => Trainer.ResetOnBatchMetrics();

    /// <summary>Forgets cached training state (when layers are added or removed, or trainability changes).</summary>
    private protected void ResetTrainingState() => _trainerInstance?.ForgetTrainingCaches();
}
