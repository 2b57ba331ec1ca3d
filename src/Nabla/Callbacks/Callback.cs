namespace Nabla.Callbacks;

/// <summary>
/// Hooks into training, evaluation and prediction (Keras's <c>keras.callbacks.Callback</c>). Override the events
/// you need; the base does nothing.
/// </summary>
/// <remarks>
/// <para>
/// <c>Fit</c> calls, in order: <see cref="OnTrainBegin"/>; for each epoch <see cref="OnEpochBegin"/>, then for
/// each batch <see cref="OnTrainBatchBegin"/> and <see cref="OnTrainBatchEnd"/>, then (with validation data) the
/// test events of an evaluation, then <see cref="OnEpochEnd"/>; finally <see cref="OnTrainEnd"/>. Setting
/// <c>Model.StopTraining</c> ends training after the current batch.
/// </para>
/// <para>
/// Logs map names (<c>loss</c>, <c>accuracy</c>, <c>val_loss</c>…) to the running epoch values, sorted by name.
/// A callback may add entries (as <see cref="ReduceLROnPlateau"/> adds <c>learning_rate</c>); batch logs are
/// reused from batch to batch, so copy what you keep.
/// </para>
/// </remarks>
public class Callback
{
    /// <summary>The model being trained, evaluated or run; set before the first event.</summary>
    public Model? Model { get; private set; }

    /// <summary>The run's parameters: epochs, steps per epoch, verbosity.</summary>
    public CallbackParams Params { get; private set; } = new(1, null, 0);

    /// <summary>Attaches the callback to <paramref name="model"/> (Keras's <c>set_model</c>).</summary>
    public virtual void SetModel(Model model) => Model = model;

    /// <summary>Receives the run's parameters (Keras's <c>set_params</c>).</summary>
    public virtual void SetParams(CallbackParams parameters) => Params = parameters;

    /// <summary>Called once at the start of <c>Fit</c>.</summary>
    public virtual void OnTrainBegin(Dictionary<string, double> logs)
    {
    }

    /// <summary>Called once at the end of <c>Fit</c>, with the last epoch's logs.</summary>
    public virtual void OnTrainEnd(Dictionary<string, double> logs)
    {
    }

    /// <summary>Called at the start of each epoch (0-based).</summary>
    public virtual void OnEpochBegin(int epoch, Dictionary<string, double> logs)
    {
    }

    /// <summary>Called at the end of each epoch with its training and validation logs.</summary>
    public virtual void OnEpochEnd(int epoch, Dictionary<string, double> logs)
    {
    }

    /// <summary>Called before each training batch (0-based within the epoch).</summary>
    public virtual void OnTrainBatchBegin(int batch, Dictionary<string, double> logs)
    {
    }

    /// <summary>Called after each training batch with the running epoch metrics.</summary>
    public virtual void OnTrainBatchEnd(int batch, Dictionary<string, double> logs)
    {
    }

    /// <summary>Called at the start of an evaluation (also during <c>Fit</c>'s validation).</summary>
    public virtual void OnTestBegin(Dictionary<string, double> logs)
    {
    }

    /// <summary>Called at the end of an evaluation with its results.</summary>
    public virtual void OnTestEnd(Dictionary<string, double> logs)
    {
    }

    /// <summary>Called before each evaluation batch.</summary>
    public virtual void OnTestBatchBegin(int batch, Dictionary<string, double> logs)
    {
    }

    /// <summary>Called after each evaluation batch with the running metrics.</summary>
    public virtual void OnTestBatchEnd(int batch, Dictionary<string, double> logs)
    {
    }

    /// <summary>Called at the start of <c>Predict</c>.</summary>
    public virtual void OnPredictBegin(Dictionary<string, double> logs)
    {
    }

    /// <summary>Called at the end of <c>Predict</c>.</summary>
    public virtual void OnPredictEnd(Dictionary<string, double> logs)
    {
    }

    /// <summary>Called before each prediction batch.</summary>
    public virtual void OnPredictBatchBegin(int batch, Dictionary<string, double> logs)
    {
    }

    /// <summary>Called after each prediction batch.</summary>
    public virtual void OnPredictBatchEnd(int batch, Dictionary<string, double> logs)
    {
    }
}
