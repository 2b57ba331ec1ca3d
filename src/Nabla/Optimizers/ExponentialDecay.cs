namespace Nabla.Optimizers;

/// <summary>
/// A learning rate that decays exponentially with the step (Keras's
/// <c>keras.optimizers.schedules.ExponentialDecay</c>).
/// </summary>
/// <remarks>
/// The rate at step s is <c>initialLearningRate · decayRate^(s / decaySteps)</c>; with <c>staircase</c> the
/// exponent is rounded down to an integer, so the rate drops in steps every <c>decaySteps</c> updates.
/// </remarks>
/// <example>
/// <code>
/// // 0.1, then ×0.96 every 1000 updates
/// var sgd = new SGD(learningRate: new ExponentialDecay(0.1f, decaySteps: 1000, decayRate: 0.96f, staircase: true));
/// </code>
/// </example>
public sealed class ExponentialDecay : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="initialLearningRate">The rate at step 0.</param>
    /// <param name="decaySteps">The number of steps over which the rate is multiplied by <paramref name="decayRate"/>; must be positive.</param>
    /// <param name="decayRate">The factor applied every <paramref name="decaySteps"/> steps.</param>
    /// <param name="staircase">Whether to decay at discrete intervals (integer division of the step) (default false).</param>
    /// <param name="name">The schedule's name (default <c>ExponentialDecay</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="decaySteps"/> is not positive.</exception>
    public ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate, bool staircase = false, string name = "ExponentialDecay")
    {
        CheckPositive(decaySteps, nameof(decaySteps));
        (InitialLearningRate, DecaySteps, DecayRate, Staircase, Name) = ((float)initialLearningRate, decaySteps, (float)decayRate, staircase, name);
    }

    /// <summary>The rate at step 0.</summary>
    public float InitialLearningRate { get; }

    /// <summary>The number of steps per factor of <see cref="DecayRate"/>.</summary>
    public long DecaySteps { get; }

    /// <summary>The decay factor.</summary>
    public float DecayRate { get; }

    /// <summary>Whether the rate decays at discrete intervals.</summary>
    public bool Staircase { get; }

    /// <summary>The schedule's name.</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public override float GetLearningRate(long step)
    {
        double p = (double)step / DecaySteps;
        if (Staircase)
        {
            p = Math.Floor(p);
        }

        return (float)(InitialLearningRate * Math.Pow(DecayRate, p));
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>
    {
        ["initial_learning_rate"] = InitialLearningRate,
        ["decay_steps"] = DecaySteps,
        ["decay_rate"] = DecayRate,
        ["staircase"] = Staircase,
        ["name"] = Name,
    };
}
