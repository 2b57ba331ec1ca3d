using Nabla.Autodiff;
using Nabla.Kernels;

namespace Nabla.Optimizers;

/// <summary>
/// Adagrad: per-parameter learning rates that shrink with the sum of that parameter's squared gradients
/// (Keras's <c>keras.optimizers.Adagrad</c>; Duchi et al., 2011).
/// </summary>
/// <remarks>
/// <para><c>acc += g²; w −= lr·g/√(acc + ε)</c>, with <c>acc</c> starting at <c>initialAccumulatorValue</c>.</para>
/// <para>Slots: one <c>accumulator</c> per variable. Adagrad usually wants a larger learning rate than the default; 1.0 matches the paper.</para>
/// </remarks>
/// <example>
/// <code>
/// model.Compile(optimizer: new Adagrad(learningRate: 0.1f), loss: "mse");
/// </code>
/// </example>
public sealed class Adagrad : Optimizer
{
    private Variable[] _accumulators = [];

    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">A float or a <see cref="LearningRateSchedule"/> (default 0.001).</param>
    /// <param name="initialAccumulatorValue">The accumulators' starting value, non-negative (default 0.1).</param>
    /// <param name="epsilon">Small non-negative constant for numerical stability (default 1e-7).</param>
    /// <param name="weightDecay">Decoupled weight decay, or null for none (default null).</param>
    /// <param name="clipnorm">Per-variable gradient norm limit, or null (default null).</param>
    /// <param name="clipvalue">Elementwise gradient limit, or null (default null).</param>
    /// <param name="globalClipnorm">Limit on the joint norm of all gradients, or null (default null).</param>
    /// <param name="name">The optimizer's name (default <c>adagrad</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range.</exception>
    /// <exception cref="ArgumentException">More than one clip option is set.</exception>
    public Adagrad(
        LearningRateSchedule? learningRate = null, double initialAccumulatorValue = 0.1, double epsilon = 1e-7,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "adagrad")
        : base(learningRate ?? 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm, name)
    {
        (InitialAccumulatorValue, Epsilon) = ((float)initialAccumulatorValue, (float)epsilon);
        Hyperparameters.NonNegative(this, InitialAccumulatorValue, nameof(initialAccumulatorValue));
        Hyperparameters.NonNegative(this, Epsilon, nameof(epsilon));
    }

    /// <summary>The accumulators' starting value.</summary>
    public float InitialAccumulatorValue { get; }

    /// <summary>The stability constant.</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> config = BaseConfig();
        config["initial_accumulator_value"] = InitialAccumulatorValue;
        config["epsilon"] = Epsilon;
        return config;
    }

    /// <inheritdoc/>
    protected override void BuildSlots(IReadOnlyList<Variable> variables)
    {
        _accumulators = new Variable[variables.Count];
        for (int i = 0; i < _accumulators.Length; i++)
        {
            _accumulators[i] = AddSlot(variables[i], "accumulator", InitialAccumulatorValue);
        }
    }

    /// <inheritdoc/>
    protected override bool UpdatesElementwise => true;

    /// <inheritdoc/>
    private protected override bool SlotsOnDevice => true;

    /// <inheritdoc/>
    private protected override void UpdateOnDevice(Tensor weight, Tensor gradient, int slot, float learningRate) =>
        Compute.Backend("Adagrad", weight, gradient).OptimizerStep(
            Devices.OptimizerRule.Adagrad, weight, gradient, _accumulators[slot].Value, null, null,
            new Devices.OptimizerArguments(LearningRate: learningRate, Epsilon: Epsilon));

    /// <inheritdoc/>
    protected override void UpdateStep(Span<float> weight, ReadOnlySpan<float> gradient, int slot, int offset, float learningRate) =>
        OptimizerSteps.Adagrad(weight, gradient, SlotSegment(_accumulators[slot], offset, weight.Length), learningRate, Epsilon);
}
