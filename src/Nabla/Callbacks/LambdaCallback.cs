namespace Nabla.Callbacks;

/// <summary>A callback made of delegates, for one-off hooks (Keras's <c>LambdaCallback</c>). Every argument is optional.</summary>
/// <example>
/// <code>
/// new LambdaCallback(onEpochEnd: (epoch, logs) => Console.WriteLine($"{epoch}: {logs["loss"]}"))
/// </code>
/// </example>
public sealed class LambdaCallback : Callback
{
    private readonly Action<int, Dictionary<string, double>>? _onEpochBegin, _onEpochEnd, _onTrainBatchBegin, _onTrainBatchEnd;
    private readonly Action<Dictionary<string, double>>? _onTrainBegin, _onTrainEnd;

    /// <summary>Creates the callback.</summary>
    /// <param name="onEpochBegin">Called with (epoch, logs) at each epoch's start.</param>
    /// <param name="onEpochEnd">Called with (epoch, logs) at each epoch's end.</param>
    /// <param name="onTrainBatchBegin">Called with (batch, logs) before each training batch.</param>
    /// <param name="onTrainBatchEnd">Called with (batch, logs) after each training batch.</param>
    /// <param name="onTrainBegin">Called with the logs when training starts.</param>
    /// <param name="onTrainEnd">Called with the logs when training ends.</param>
    public LambdaCallback(
        Action<int, Dictionary<string, double>>? onEpochBegin = null,
        Action<int, Dictionary<string, double>>? onEpochEnd = null,
        Action<int, Dictionary<string, double>>? onTrainBatchBegin = null,
        Action<int, Dictionary<string, double>>? onTrainBatchEnd = null,
        Action<Dictionary<string, double>>? onTrainBegin = null,
        Action<Dictionary<string, double>>? onTrainEnd = null)
    {
        _onEpochBegin = onEpochBegin;
        _onEpochEnd = onEpochEnd;
        _onTrainBatchBegin = onTrainBatchBegin;
        _onTrainBatchEnd = onTrainBatchEnd;
        _onTrainBegin = onTrainBegin;
        _onTrainEnd = onTrainEnd;
    }

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch, Dictionary<string, double> logs) => _onEpochBegin?.Invoke(epoch, logs);

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, Dictionary<string, double> logs) => _onEpochEnd?.Invoke(epoch, logs);

    /// <inheritdoc/>
    public override void OnTrainBatchBegin(int batch, Dictionary<string, double> logs) => _onTrainBatchBegin?.Invoke(batch, logs);

    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, Dictionary<string, double> logs) => _onTrainBatchEnd?.Invoke(batch, logs);

    /// <inheritdoc/>
    public override void OnTrainBegin(Dictionary<string, double> logs) => _onTrainBegin?.Invoke(logs);

    /// <inheritdoc/>
    public override void OnTrainEnd(Dictionary<string, double> logs) => _onTrainEnd?.Invoke(logs);
}
