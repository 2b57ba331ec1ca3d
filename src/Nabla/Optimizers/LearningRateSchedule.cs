namespace Nabla.Optimizers;

/// <summary>
/// A learning rate that changes with the optimizer's step count (Keras's
/// <c>keras.optimizers.schedules.LearningRateSchedule</c>).
/// </summary>
/// <remarks>
/// <para>
/// An optimizer asks its schedule for the rate once per update, passing its <see cref="Optimizer.Iterations"/>
/// count: 0 on the first update, as in Keras. A plain number (<c>0.001</c> or <c>1e-3f</c>) converts implicitly to a
/// constant schedule, so every optimizer's <c>learningRate</c> parameter accepts either a number or a schedule.
/// Rates are computed and applied in single precision.
/// </para>
/// <para>
/// To write your own, derive from this class and implement <see cref="GetLearningRate"/> (it runs every training
/// step, so it should not allocate) and <see cref="GetConfig"/>, or wrap a function with <see cref="FromFunction"/>.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var sgd = new SGD(learningRate: new ExponentialDecay(0.1, decaySteps: 1000, decayRate: 0.96));
/// var adam = new Adam(learningRate: 0.001);
/// var warm = new Adam(learningRate: LearningRateSchedule.FromFunction(step => step &lt; 100 ? 1e-4 : 1e-3));
/// </code>
/// </example>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate for optimizer step <paramref name="step"/> (0 for the first update).</summary>
    /// <param name="step">The optimizer's iteration count.</param>
    public abstract float GetLearningRate(long step);

    /// <summary>The schedule's constructor arguments under Keras's config keys.</summary>
    public abstract IReadOnlyDictionary<string, object?> GetConfig();

    /// <summary>A schedule that returns <paramref name="learningRate"/> at every step.</summary>
    /// <param name="learningRate">
    /// The constant rate (a <see cref="float"/> converts too), rounded to single precision; optimizers reject negative
    /// or non-finite values.
    /// </param>
    public static implicit operator LearningRateSchedule(double learningRate) => new ConstantSchedule((float)learningRate);

    /// <summary>A schedule computed by <paramref name="function"/> from the step count.</summary>
    /// <param name="function">
    /// Maps the optimizer's iteration count (0 on the first update) to a learning rate (a lambda returning a
    /// <see cref="float"/> fits too); the rate is rounded to single precision.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is null.</exception>
    public static LearningRateSchedule FromFunction(Func<long, double> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new FunctionSchedule(function);
    }

    /// <summary>The Keras serialization of a schedule: module, class name and config.</summary>
    internal IReadOnlyDictionary<string, object?> Serialize() => new Dictionary<string, object?>
    {
        ["module"] = "keras.optimizers.schedules",
        ["class_name"] = GetType().Name,
        ["config"] = GetConfig(),
        ["registered_name"] = null,
    };

    /// <summary>The number a constant schedule holds; what a numeric learning rate converts to.</summary>
    internal sealed class ConstantSchedule(float value) : LearningRateSchedule
    {
        public float Value { get; } = value;

        public override float GetLearningRate(long step) => Value;

        public override IReadOnlyDictionary<string, object?> GetConfig() =>
            new Dictionary<string, object?> { ["learning_rate"] = Value };
    }

    /// <summary>A user function of the step, for <see cref="FromFunction"/>.</summary>
    private sealed class FunctionSchedule(Func<long, double> function) : LearningRateSchedule
    {
        public override float GetLearningRate(long step) => (float)function(step);

        public override IReadOnlyDictionary<string, object?> GetConfig() =>
            new Dictionary<string, object?> { ["function"] = function.Method.Name };
    }

    /// <summary>Throws unless <paramref name="steps"/> is positive, with Keras's wording.</summary>
    private protected static void CheckPositive(long steps, string name)
    {
        if (steps <= 0)
        {
            throw new ArgumentOutOfRangeException(name, steps,
                $"Argument {name} must be > 0. Received: {name}={steps}.");
        }
    }
}
