using Nabla.Autodiff;
using Nabla.Kernels;

namespace Nabla.Optimizers;

/// <summary>
/// Adam: stochastic gradient descent with adaptive estimates of the first and second moments of the gradient
/// (Keras's <c>keras.optimizers.Adam</c>; Kingma and Ba, 2014; AMSGrad: Reddi et al., 2018).
/// </summary>
/// <remarks>
/// <para>
/// At update t (1 for the first): <c>α = lr·√(1 − β2^t)/(1 − β1^t)</c>, <c>m += (g − m)(1 − β1)</c>,
/// <c>v += (g² − v)(1 − β2)</c>, <c>w −= α·m/(√v + ε)</c>. With AMSGrad, <c>v̂ = max(v̂, v)</c> takes v's place in
/// the last formula. ε is Keras's "epsilon hat" (added to √v, after the bias correction folded into α).
/// </para>
/// <para>Slots: <c>momentum</c> and <c>velocity</c> per variable, and <c>velocity_hat</c> with AMSGrad.</para>
/// </remarks>
/// <example>
/// <code>
/// model.Compile(optimizer: new Adam(learningRate: 1e-3f), loss: "sparse_categorical_crossentropy");
/// </code>
/// </example>
public class Adam : Optimizer
{
    private Variable[] _momentums = [], _velocities = [], _velocityHats = [];
    private float _alpha;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">A float or a <see cref="LearningRateSchedule"/> (default 0.001).</param>
    /// <param name="beta1">Decay rate of the first-moment estimate, in [0, 1) (default 0.9).</param>
    /// <param name="beta2">Decay rate of the second-moment estimate, in [0, 1) (default 0.999).</param>
    /// <param name="epsilon">Small non-negative constant added to √v for numerical stability (default 1e-7).</param>
    /// <param name="amsgrad">Whether to use the AMSGrad variant (default false).</param>
    /// <param name="weightDecay">Decoupled weight decay, or null for none (default null).</param>
    /// <param name="clipnorm">Per-variable gradient norm limit, or null (default null).</param>
    /// <param name="clipvalue">Elementwise gradient limit, or null (default null).</param>
    /// <param name="globalClipnorm">Limit on the joint norm of all gradients, or null (default null).</param>
    /// <param name="name">The optimizer's name (default <c>adam</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range.</exception>
    /// <exception cref="ArgumentException">More than one clip option is set.</exception>
    public Adam(
        LearningRateSchedule? learningRate = null, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7, bool amsgrad = false,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "adam")
        : base(learningRate ?? 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm, name)
    {
        (Beta1, Beta2, Epsilon, Amsgrad) = ((float)beta1, (float)beta2, (float)epsilon, amsgrad);
        Hyperparameters.InRange(this, Beta1, nameof(beta1), 0f, 1f, highExclusive: true);
        Hyperparameters.InRange(this, Beta2, nameof(beta2), 0f, 1f, highExclusive: true);
        Hyperparameters.NonNegative(this, Epsilon, nameof(epsilon));
    }

    /// <summary>Decay rate of the first-moment estimate.</summary>
    public float Beta1 { get; }

    /// <summary>Decay rate of the second-moment estimate.</summary>
    public float Beta2 { get; }

    /// <summary>The stability constant added to √v.</summary>
    public float Epsilon { get; }

    /// <summary>Whether the AMSGrad variant is used.</summary>
    public bool Amsgrad { get; }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> config = BaseConfig();
        config["beta_1"] = Beta1;
        config["beta_2"] = Beta2;
        config["epsilon"] = Epsilon;
        config["amsgrad"] = Amsgrad;
        return config;
    }

    /// <inheritdoc/>
    protected override void BuildSlots(IReadOnlyList<Variable> variables)
    {
        // Keras 3 creates a momentum and a velocity per variable, interleaved (add_optimizer_variables with two names),
        // then all velocity_hats; the order is the saved order (a Keras 3.10 file's optimizer/vars reads iterations,
        // learning_rate, m0, v0, m1, v1, …).
        _momentums = new Variable[variables.Count];
        _velocities = new Variable[variables.Count];
        for (int i = 0; i < variables.Count; i++)
        {
            _momentums[i] = AddSlot(variables[i], "momentum");
            _velocities[i] = AddSlot(variables[i], "velocity");
        }

        _velocityHats = Amsgrad ? Slots(variables, "velocity_hat") : [];
    }

    /// <inheritdoc/>
    protected override void PrepareStep(float learningRate)
    {
        // The bias corrections depend only on the step, so they are folded into one scalar per update.
        double t = Iterations + 1;
        _alpha = (float)(learningRate * Math.Sqrt(1.0 - Math.Pow(Beta2, t)) / (1.0 - Math.Pow(Beta1, t)));
    }

    /// <inheritdoc/>
    protected override bool UpdatesElementwise => true;

    /// <inheritdoc/>
    private protected override bool SlotsOnDevice => true;

    /// <inheritdoc/>
    private protected override void UpdateOnDevice(Tensor weight, Tensor gradient, int slot, float learningRate) =>
        Compute.Backend("Adam", weight, gradient).OptimizerStep(
            Devices.OptimizerRule.Adam, weight, gradient, _momentums[slot].Value, _velocities[slot].Value, Amsgrad ? _velocityHats[slot].Value : null,
            new Devices.OptimizerArguments(OneMinusBeta1: 1f - Beta1, OneMinusBeta2: 1f - Beta2, Alpha: _alpha, Epsilon: Epsilon));

    /// <inheritdoc/>
    protected override void UpdateStep(Span<float> weight, ReadOnlySpan<float> gradient, int slot, int offset, float learningRate) =>
        OptimizerSteps.Adam(
            weight, gradient, SlotSegment(_momentums[slot], offset, weight.Length), SlotSegment(_velocities[slot], offset, weight.Length),
            Amsgrad ? SlotSegment(_velocityHats[slot], offset, weight.Length) : default, 1f - Beta1, 1f - Beta2, _alpha, Epsilon);

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
