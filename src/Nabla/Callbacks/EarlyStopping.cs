namespace Nabla.Callbacks;

/// <summary>
/// Stops training when a monitored quantity has stopped improving (Keras's <c>EarlyStopping</c>), optionally
/// restoring the weights of the best epoch.
/// </summary>
/// <remarks>
/// After each epoch (from <see cref="StartFromEpoch"/> on) the monitored value improves when it beats the best so
/// far by more than <see cref="MinDelta"/>; after <see cref="Patience"/> epochs without improvement, training
/// stops. With a <see cref="Baseline"/>, the patience counter only restarts once the baseline is beaten.
/// </remarks>
public sealed class EarlyStopping : Callback
{
    private readonly bool _maximize;
    private int _wait;
    private double? _best;
    private IReadOnlyList<Tensor>? _bestWeights;

    /// <summary>Creates the callback.</summary>
    /// <param name="monitor">The quantity to watch (default <c>val_loss</c>).</param>
    /// <param name="minDelta">The smallest change that counts as an improvement (default 0).</param>
    /// <param name="patience">Epochs without improvement before stopping (default 0).</param>
    /// <param name="verbose">1 prints when training stops and when weights are restored (default 0).</param>
    /// <param name="mode"><c>auto</c> (default; from the quantity's name), <c>min</c> or <c>max</c>.</param>
    /// <param name="baseline">A value to beat before patience counts from improvements, or null.</param>
    /// <param name="restoreBestWeights">Whether to restore the best epoch's weights at the end (default false).</param>
    /// <param name="startFromEpoch">Epochs to wait before monitoring starts (default 0).</param>
    /// <exception cref="ArgumentException">The mode is unknown, or auto mode cannot tell the direction of <paramref name="monitor"/>.</exception>
    public EarlyStopping(string monitor = "val_loss", double minDelta = 0, int patience = 0, int verbose = 0, string mode = "auto",
        double? baseline = null, bool restoreBestWeights = false, int startFromEpoch = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(monitor);
        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        ArgumentOutOfRangeException.ThrowIfNegative(startFromEpoch);
        Monitor = monitor;
        MinDelta = (float)Math.Abs(minDelta);
        Patience = patience;
        Verbose = verbose;
        Baseline = baseline;
        RestoreBestWeights = restoreBestWeights;
        StartFromEpoch = startFromEpoch;
        _maximize = MonitorMode.Maximize(nameof(EarlyStopping), monitor, mode);
    }

    /// <summary>The quantity watched.</summary>
    public string Monitor { get; }

    /// <summary>The smallest change that counts as an improvement.</summary>
    public float MinDelta { get; }

    /// <summary>Epochs without improvement before stopping.</summary>
    public int Patience { get; }

    /// <summary>Verbosity.</summary>
    public int Verbose { get; }

    /// <summary>The value to beat, or null.</summary>
    public double? Baseline { get; }

    /// <summary>Whether the best weights are restored at the end.</summary>
    public bool RestoreBestWeights { get; }

    /// <summary>Epochs before monitoring starts.</summary>
    public int StartFromEpoch { get; }

    /// <summary>The epoch (0-based) at which training was stopped, or 0.</summary>
    public int StoppedEpoch { get; private set; }

    /// <summary>The epoch (0-based) with the best value.</summary>
    public int BestEpoch { get; private set; }

    /// <inheritdoc/>
    public override void OnTrainBegin(Dictionary<string, double> logs)
    {
        _wait = 0;
        StoppedEpoch = 0;
        _best = null;
        _bestWeights = null;
        BestEpoch = 0;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, Dictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (!logs.TryGetValue(Monitor, out double current))
        {
            Console.Error.WriteLine($"EarlyStopping is conditioned on '{Monitor}', which is not available. Available: {string.Join(", ", logs.Keys)}.");
            return;
        }

        if (epoch < StartFromEpoch)
        {
            return;
        }

        Model model = Model!;
        if (RestoreBestWeights && _bestWeights is null)
        {
            // Until something better comes, the current weights are the best.
            _bestWeights = model.GetWeights();
            BestEpoch = epoch;
        }

        _wait++;
        if (IsImprovement(current, _best))
        {
            _best = current;
            BestEpoch = epoch;
            if (RestoreBestWeights)
            {
                _bestWeights = model.GetWeights();
            }

            if (Baseline is null || IsImprovement(current, Baseline))
            {
                _wait = 0;
            }

            return;
        }

        if (_wait >= Patience && epoch > 0)
        {
            StoppedEpoch = epoch;
            model.StopTraining = true;
        }
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(Dictionary<string, double> logs)
    {
        if (StoppedEpoch > 0 && Verbose > 0)
        {
            Console.WriteLine($"Epoch {StoppedEpoch + 1}: early stopping");
        }

        if (RestoreBestWeights && _bestWeights is not null)
        {
            if (Verbose > 0)
            {
                Console.WriteLine($"Restoring model weights from the end of the best epoch: {BestEpoch + 1}.");
            }

            Model!.SetWeights(_bestWeights);
        }
    }

    private bool IsImprovement(double value, double? reference) =>
        reference is not double r || (_maximize ? value - MinDelta > r : value + MinDelta < r);
}
