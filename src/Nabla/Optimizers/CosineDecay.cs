namespace Nabla.Optimizers;

/// <summary>
/// A cosine-shaped decay of the learning rate, with an optional linear warmup before it (Keras's
/// <c>keras.optimizers.schedules.CosineDecay</c>; Loshchilov and Hutter, SGDR, 2016; warmup: Goyal et al., 2017).
/// </summary>
/// <remarks>
/// <para>
/// Without <c>warmupTarget</c> the rate goes from <c>initialLearningRate</c> to
/// <c>initialLearningRate · alpha</c> over <c>decaySteps</c> steps and stays there:
/// <c>lr(s) = initial · ((1 − alpha) · ½(1 + cos(π · min(s, decaySteps) / decaySteps)) + alpha)</c>.
/// </para>
/// <para>
/// With <c>warmupTarget</c> it first rises linearly from <c>initialLearningRate</c> to <c>warmupTarget</c> over
/// <c>warmupSteps</c> steps, then decays from <c>warmupTarget</c> to <c>warmupTarget · alpha</c> over the next
/// <c>decaySteps</c> steps.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// // warm up from 0 to 0.1 in 1000 steps, then decay to 0 in 1000 more
/// var schedule = new CosineDecay(0, decaySteps: 1000, warmupTarget: 0.1, warmupSteps: 1000);
/// </code>
/// </example>
public sealed class CosineDecay : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="initialLearningRate">The rate at step 0.</param>
    /// <param name="decaySteps">The number of steps to decay over; must be positive.</param>
    /// <param name="alpha">The final rate as a fraction of the rate the decay starts from (default 0).</param>
    /// <param name="warmupTarget">The rate the warmup reaches; null skips the warmup (default null).</param>
    /// <param name="warmupSteps">The number of warmup steps; must be non-negative (default 0).</param>
    /// <param name="name">The schedule's name (default <c>CosineDecay</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="decaySteps"/> is not positive or <paramref name="warmupSteps"/> is negative.</exception>
    public CosineDecay(double initialLearningRate, long decaySteps, double alpha = 0, double? warmupTarget = null, long warmupSteps = 0, string name = "CosineDecay")
    {
        CheckPositive(decaySteps, nameof(decaySteps));
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        (InitialLearningRate, DecaySteps, Alpha, WarmupTarget, WarmupSteps, Name) =
            ((float)initialLearningRate, decaySteps, (float)alpha, (float?)warmupTarget, warmupSteps, name);
    }

    /// <summary>The rate at step 0.</summary>
    public float InitialLearningRate { get; }

    /// <summary>The number of decay steps.</summary>
    public long DecaySteps { get; }

    /// <summary>The final rate as a fraction of the rate the decay starts from.</summary>
    public float Alpha { get; }

    /// <summary>The rate the warmup reaches, or null for no warmup.</summary>
    public float? WarmupTarget { get; }

    /// <summary>The number of warmup steps.</summary>
    public long WarmupSteps { get; }

    /// <summary>The schedule's name.</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public override float GetLearningRate(long step)
    {
        if (WarmupTarget is not float target)
        {
            return (float)Decayed(Math.Min(step, DecaySteps), InitialLearningRate);
        }

        long s = Math.Min(step, DecaySteps + WarmupSteps);
        if (s < WarmupSteps)
        {
            // Linear warmup: initial + (target - initial) · s / warmupSteps.
            return (float)(((target - (double)InitialLearningRate) * s / WarmupSteps) + InitialLearningRate);
        }

        return (float)Decayed(s - WarmupSteps, target);
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>
    {
        ["initial_learning_rate"] = InitialLearningRate,
        ["decay_steps"] = DecaySteps,
        ["alpha"] = Alpha,
        ["name"] = Name,
        ["warmup_target"] = WarmupTarget,
        ["warmup_steps"] = WarmupSteps,
    };

    private double Decayed(long step, double from)
    {
        double cosine = 0.5 * (1.0 + Math.Cos(Math.PI * step / DecaySteps));
        return from * (((1.0 - Alpha) * cosine) + Alpha);
    }
}
