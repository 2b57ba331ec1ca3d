using System.Globalization;

namespace Nabla.Callbacks;

/// <summary>
/// Sets the learning rate at the start of each epoch from a function of the epoch and the current rate (Keras's
/// <c>LearningRateScheduler</c>). Adds <c>learning_rate</c> to the epoch logs.
/// </summary>
/// <example>
/// <code>
/// new LearningRateScheduler((epoch, lr) => epoch &lt; 10 ? lr : lr * Math.Exp(-0.1))
/// </code>
/// </example>
public sealed class LearningRateScheduler : Callback
{
    private readonly Func<int, double, double> _schedule;

    /// <summary>Creates the callback.</summary>
    /// <param name="schedule">
    /// Maps (epoch, current learning rate) to the new learning rate, as Keras's <c>schedule(epoch, lr)</c>; the
    /// optimizer keeps it in single precision.
    /// </param>
    /// <param name="verbose">1 prints each change (default 0).</param>
    public LearningRateScheduler(Func<int, double, double> schedule, int verbose = 0)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        _schedule = schedule;
        Verbose = verbose;
    }

    /// <summary>Verbosity.</summary>
    public int Verbose { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The schedule returned a negative or non-finite rate.</exception>
    public override void OnEpochBegin(int epoch, Dictionary<string, double> logs)
    {
        var optimizer = Model!.Optimizer!;
        double given = _schedule(epoch, optimizer.LearningRate);
        float lr = (float)given;
        if (!float.IsFinite(lr) || lr < 0)
        {
            throw new ArgumentException($"LearningRateScheduler: the schedule returned {given} for epoch {epoch}; a learning rate must be finite and non-negative.");
        }

        optimizer.LearningRate = lr;
        if (Verbose > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr}."));
        }
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, Dictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        logs["learning_rate"] = Model!.Optimizer!.LearningRate;
    }
}
