using Nabla.Autodiff;
using Nabla.Kernels;

namespace Nabla.Optimizers;

/// <summary>
/// RMSprop: divides the gradient by a running root-mean-square of recent gradients (Keras's
/// <c>keras.optimizers.RMSprop</c>; Hinton, 2012). The default optimizer of <c>Compile</c>.
/// </summary>
/// <remarks>
/// <para>
/// <c>v = ρ·v + (1 − ρ)·g²</c>; then <c>w −= lr·g/√(v + ε)</c>. Centered, it also tracks
/// <c>a = ρ·a + (1 − ρ)·g</c> and divides by <c>√(v − a² + ε)</c> (the variance instead of the second moment).
/// With momentum μ the increment accumulates first: <c>s = μ·s + increment; w −= s</c> (plain, not Nesterov).
/// </para>
/// <para>Slots: <c>velocity</c> per variable; <c>momentum</c> when momentum &gt; 0; <c>average_gradient</c> when centered.</para>
/// </remarks>
/// <example>
/// <code>
/// model.Compile(optimizer: new RMSprop(learningRate: 1e-3f, centered: true), loss: "mse");
/// </code>
/// </example>
public sealed class RMSprop : Optimizer
{
    private Variable[] _velocities = [], _momentums = [], _averageGradients = [];

    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">A float or a <see cref="LearningRateSchedule"/> (default 0.001).</param>
    /// <param name="rho">Discounting factor of the old gradients, in [0, 1] (default 0.9).</param>
    /// <param name="momentum">Momentum in [0, 1]; 0 for none (default 0).</param>
    /// <param name="epsilon">Small positive constant for numerical stability (default 1e-7).</param>
    /// <param name="centered">Whether to normalize by the estimated variance of the gradient (default false).</param>
    /// <param name="weightDecay">Decoupled weight decay, or null for none (default null).</param>
    /// <param name="clipnorm">Per-variable gradient norm limit, or null (default null).</param>
    /// <param name="clipvalue">Elementwise gradient limit, or null (default null).</param>
    /// <param name="globalClipnorm">Limit on the joint norm of all gradients, or null (default null).</param>
    /// <param name="name">The optimizer's name (default <c>rmsprop</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range.</exception>
    /// <exception cref="ArgumentException">More than one clip option is set.</exception>
    public RMSprop(
        LearningRateSchedule? learningRate = null, double rho = 0.9, double momentum = 0, double epsilon = 1e-7, bool centered = false,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "rmsprop")
        : base(learningRate ?? 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm, name)
    {
        (Rho, Momentum, Epsilon, Centered) = ((float)rho, (float)momentum, (float)epsilon, centered);
        Hyperparameters.InRange(this, Rho, nameof(rho), 0f, 1f, highExclusive: false);
        Hyperparameters.InRange(this, Momentum, nameof(momentum), 0f, 1f, highExclusive: false);
        Hyperparameters.Positive(this, Epsilon, nameof(epsilon));
    }

    /// <summary>Discounting factor of the old gradients.</summary>
    public float Rho { get; }

    /// <summary>The momentum factor; 0 for none.</summary>
    public float Momentum { get; }

    /// <summary>The stability constant.</summary>
    public float Epsilon { get; }

    /// <summary>Whether gradients are normalized by their estimated variance.</summary>
    public bool Centered { get; }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> config = BaseConfig();
        config["rho"] = Rho;
        config["momentum"] = Momentum;
        config["epsilon"] = Epsilon;
        config["centered"] = Centered;
        return config;
    }

    /// <inheritdoc/>
    protected override void BuildSlots(IReadOnlyList<Variable> variables)
    {
        _velocities = Slots(variables, "velocity");
        _momentums = Momentum > 0f ? Slots(variables, "momentum") : [];
        _averageGradients = Centered ? Slots(variables, "average_gradient") : [];
    }

    /// <inheritdoc/>
    protected override bool UpdatesElementwise => true;

    /// <inheritdoc/>
    private protected override bool SlotsOnDevice => true;

    /// <inheritdoc/>
    private protected override void UpdateOnDevice(Tensor weight, Tensor gradient, int slot, float learningRate) =>
        Compute.Backend("RMSprop", weight, gradient).OptimizerStep(
            Devices.OptimizerRule.RmsProp, weight, gradient, _velocities[slot].Value,
            Momentum > 0f ? _momentums[slot].Value : null, Centered ? _averageGradients[slot].Value : null,
            new Devices.OptimizerArguments(LearningRate: learningRate, Momentum: Momentum, Epsilon: Epsilon, Rho: Rho));

    /// <inheritdoc/>
    protected override void UpdateStep(Span<float> weight, ReadOnlySpan<float> gradient, int slot, int offset, float learningRate) =>
        OptimizerSteps.RmsProp(
            weight, gradient, SlotSegment(_velocities[slot], offset, weight.Length),
            Momentum > 0f ? SlotSegment(_momentums[slot], offset, weight.Length) : default,
            Centered ? SlotSegment(_averageGradients[slot], offset, weight.Length) : default,
            learningRate, Rho, Momentum, Epsilon);

    private Variable[] Slots(IReadOnlyList<Variable> variables, string name)
    {
        var slots = new Variable[variables.Count];
        for (int i = 0; i < slots.Length; i++)
        {
            slots[i] = AddSlot(variables[i], name);
        }

        return slots;
    }
}
