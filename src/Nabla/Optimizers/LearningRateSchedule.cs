namespace Nabla.Optimizers;

/// <summary>
/// A learning rate that changes with the optimizer's step count (Keras's
/// <c>keras.optimizers.schedules.LearningRateSchedule</c>).
/// </summary>
/// <remarks>
/// <para>
/// An optimizer asks its schedule for the rate once per update, passing its <see cref="Optimizer.Iterations"/>
/// count: 0 on the first update, as in Keras. A plain <see cref="float"/> converts implicitly to a constant
/// schedule, so every optimizer's <c>learningRate</c> parameter accepts either a number or a schedule.
/// </para>
/// <para>
/// To write your own, derive from this class and implement <see cref="GetLearningRate"/> (it runs every training
/// step, so it should not allocate) and <see cref="GetConfig"/>, or wrap a function with <see cref="FromFunction"/>.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var sgd = new SGD(learningRate: new ExponentialDecay(0.1f, decaySteps: 1000, decayRate: 0.96f));
/// var adam = new Adam(learningRate: 1e-3f);
/// var warm = new Adam(learningRate: LearningRateSchedule.FromFunction(step => step &lt; 100 ? 1e-4f : 1e-3f));
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
    /// <param name="learningRate">The constant rate; optimizers reject negative or non-finite values.</param>
    public static implicit operator LearningRateSchedule(float learningRate) => new ConstantSchedule(learningRate);

    /// <summary>A schedule computed by <paramref name="function"/> from the step count.</summary>
    /// <param name="function">Maps the optimizer's iteration count (0 on the first update) to a learning rate.</param>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is null.</exception>
    public static LearningRateSchedule FromFunction(Func<long, float> function)
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

    /// <summary>The number a constant schedule holds; what a float learning rate converts to.</summary>
    internal sealed class ConstantSchedule(float value) : LearningRateSchedule
    {
        public float Value { get; } = value;

        public override float GetLearningRate(long step) => Value;

        public override IReadOnlyDictionary<string, object?> GetConfig() =>
            new Dictionary<string, object?> { ["learning_rate"] = Value };
    }

    /// <summary>A user function of the step, for <see cref="FromFunction"/>.</summary>
    private sealed class FunctionSchedule(Func<long, float> function) : LearningRateSchedule
    {
        public override float GetLearningRate(long step) => function(step);

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
