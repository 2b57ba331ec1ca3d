using System.Globalization;

namespace Nabla.Callbacks;

/// <summary>
/// Multiplies the learning rate by <see cref="Factor"/> when a monitored quantity has stopped improving for
/// <see cref="Patience"/> epochs (Keras's <c>ReduceLROnPlateau</c>). Adds <c>learning_rate</c> to the epoch logs.
/// </summary>
public sealed class ReduceLROnPlateau : Callback
{
    private readonly bool _maximize;
    private double _best;
    private int _wait;
    private int _cooldownCounter;

    /// <summary>Creates the callback.</summary>
    /// <param name="monitor">The quantity to watch (default <c>val_loss</c>).</param>
    /// <param name="factor">The factor applied to the learning rate, in (0, 1) (default 0.1).</param>
    /// <param name="patience">Epochs without improvement before reducing (default 10).</param>
    /// <param name="verbose">1 prints each reduction (default 0).</param>
    /// <param name="mode"><c>auto</c> (default), <c>min</c> or <c>max</c>.</param>
    /// <param name="minDelta">The smallest change that counts as an improvement (default 1e-4).</param>
    /// <param name="cooldown">Epochs to wait after a reduction before counting again (default 0).</param>
    /// <param name="minLr">The lowest learning rate (default 0).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="factor"/> is not below 1.</exception>
    public ReduceLROnPlateau(string monitor = "val_loss", double factor = 0.1, int patience = 10, int verbose = 0, string mode = "auto",
        double minDelta = 1e-4, int cooldown = 0, double minLr = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(monitor);
        if (!(factor is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "ReduceLROnPlateau does not support a factor >= 1.0 (or <= 0); the learning rate must go down.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        ArgumentOutOfRangeException.ThrowIfNegative(cooldown);
        Monitor = monitor;
        Factor = (float)factor;
        Patience = patience;
        Verbose = verbose;
        MinDelta = (float)minDelta;
        Cooldown = cooldown;
        MinLr = (float)minLr;
        // Keras maximises in auto mode only for accuracies ("acc" in the name).
        _maximize = mode == "max" || (mode == "auto" && monitor.Contains("acc", StringComparison.Ordinal));
        if (mode is not ("auto" or "min" or "max"))
        {
            throw new ArgumentException($"ReduceLROnPlateau: unknown mode '{mode}'. Known: auto, max, min.", nameof(mode));
        }

        Reset();
    }

    /// <summary>The quantity watched.</summary>
    public string Monitor { get; }

    /// <summary>The reduction factor.</summary>
    public float Factor { get; }

    /// <summary>Epochs without improvement before reducing.</summary>
    public int Patience { get; }

    /// <summary>Verbosity.</summary>
    public int Verbose { get; }

    /// <summary>The smallest change that counts as an improvement.</summary>
    public float MinDelta { get; }

    /// <summary>Epochs to wait after a reduction.</summary>
    public int Cooldown { get; }

    /// <summary>The lowest learning rate.</summary>
    public float MinLr { get; }

    /// <inheritdoc/>
    public override void OnTrainBegin(Dictionary<string, double> logs) => Reset();

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, Dictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        var optimizer = Model!.Optimizer!;
        logs["learning_rate"] = optimizer.LearningRate;
        if (!logs.TryGetValue(Monitor, out double current))
        {
            Console.Error.WriteLine($"ReduceLROnPlateau is conditioned on '{Monitor}', which is not available. Available: {string.Join(", ", logs.Keys)}.");
            return;
        }

        bool inCooldown = _cooldownCounter > 0;
        if (inCooldown)
        {
            _cooldownCounter--;
            _wait = 0;
        }

        if (_maximize ? current > _best + MinDelta : current < _best - MinDelta)
        {
            _best = current;
            _wait = 0;
        }
        else if (_cooldownCounter <= 0)
        {
            _wait++;
            if (_wait >= Patience)
            {
                float old = optimizer.LearningRate;
                if (old > MinLr)
                {
                    float next = Math.Max(old * Factor, MinLr);
                    optimizer.LearningRate = next;
                    if (Verbose > 0)
                    {
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {next}."));
                    }

                    _cooldownCounter = Cooldown;
                    _wait = 0;
                }
            }
        }
    }

    private void Reset()
    {
        _best = _maximize ? double.NegativeInfinity : double.PositiveInfinity;
        _wait = 0;
        _cooldownCounter = 0;
    }
}
