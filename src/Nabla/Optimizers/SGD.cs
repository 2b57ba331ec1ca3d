using Nabla.Autodiff;
using Nabla.Kernels;

namespace Nabla.Optimizers;

/// <summary>
/// Gradient descent, with optional momentum and Nesterov momentum (Keras's <c>keras.optimizers.SGD</c>).
/// </summary>
/// <remarks>
/// <para>Without momentum: <c>w = w − lr·g</c>.</para>
/// <para>With momentum μ: <c>velocity = μ·velocity − lr·g; w = w + velocity</c>.</para>
/// <para>With Nesterov: <c>velocity = μ·velocity − lr·g; w = w + μ·velocity − lr·g</c>.</para>
/// <para>Slots: one <c>momentum</c> per variable, only when momentum is not 0.</para>
/// </remarks>
/// <example>
/// <code>
/// model.Compile(optimizer: new SGD(learningRate: 0.1f, momentum: 0.9f, nesterov: true), loss: "mse");
/// </code>
/// </example>
public sealed class SGD : Optimizer
{
    private Variable[] _momentums = [];

    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">A float or a <see cref="LearningRateSchedule"/> (default 0.01).</param>
    /// <param name="momentum">Momentum in [0, 1]; 0 is plain gradient descent (default 0).</param>
    /// <param name="nesterov">Whether to use Nesterov momentum (default false).</param>
    /// <param name="weightDecay">Decoupled weight decay, or null for none (default null).</param>
    /// <param name="clipnorm">Per-variable gradient norm limit, or null (default null).</param>
    /// <param name="clipvalue">Elementwise gradient limit, or null (default null).</param>
    /// <param name="globalClipnorm">Limit on the joint norm of all gradients, or null (default null).</param>
    /// <param name="name">The optimizer's name (default <c>SGD</c>, as Keras).</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range.</exception>
    /// <exception cref="ArgumentException">More than one clip option is set.</exception>
    public SGD(
        LearningRateSchedule? learningRate = null, double momentum = 0, bool nesterov = false,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "SGD")
        : base(learningRate ?? 0.01, weightDecay, clipnorm, clipvalue, globalClipnorm, name)
    {
        (Momentum, Nesterov) = ((float)momentum, nesterov);
        Hyperparameters.InRange(this, Momentum, nameof(momentum), 0f, 1f, highExclusive: false);
    }

    /// <summary>The momentum factor μ.</summary>
    public float Momentum { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> config = BaseConfig();
        config["momentum"] = Momentum;
        config["nesterov"] = Nesterov;
        return config;
    }

    /// <inheritdoc/>
    protected override void BuildSlots(IReadOnlyList<Variable> variables)
    {
        if (Momentum != 0f)
        {
            _momentums = new Variable[variables.Count];
            for (int i = 0; i < _momentums.Length; i++)
            {
                _momentums[i] = AddSlot(variables[i], "momentum");
            }
        }
    }

    /// <inheritdoc/>
    protected override bool UpdatesElementwise => true;

    /// <inheritdoc/>
    private protected override bool SlotsOnDevice => true;

    /// <inheritdoc/>
    private protected override void UpdateOnDevice(Tensor weight, Tensor gradient, int slot, float learningRate) =>
        Compute.Backend("SGD", weight, gradient).OptimizerStep(
            Momentum == 0f ? Devices.OptimizerRule.Sgd : Devices.OptimizerRule.SgdMomentum, weight, gradient,
            Momentum == 0f ? null : _momentums[slot].Value, null, null,
            new Devices.OptimizerArguments(LearningRate: learningRate, Momentum: Momentum, Nesterov: Nesterov));

    /// <inheritdoc/>
    protected override void UpdateStep(Span<float> weight, ReadOnlySpan<float> gradient, int slot, int offset, float learningRate)
    {
        if (Momentum == 0f)
        {
            OptimizerSteps.Sgd(weight, gradient, learningRate);
        }
        else
        {
            OptimizerSteps.SgdMomentum(weight, gradient, SlotSegment(_momentums[slot], offset, weight.Length), learningRate, Momentum, Nesterov);
        }
    }
}
