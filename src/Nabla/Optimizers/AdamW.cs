namespace Nabla.Optimizers;

/// <summary>
/// Adam with decoupled weight decay (Keras's <c>keras.optimizers.AdamW</c>; Loshchilov and Hutter, 2019).
/// </summary>
/// <remarks>
/// The same update as <see cref="Adam"/>, with weight decay on by default: before each update every weight is
/// shrunk by <c>w −= lr·weightDecay·w</c>, independently of the gradient.
/// </remarks>
/// <example>
/// <code>
/// model.Compile(optimizer: new AdamW(learningRate: 1e-3f, weightDecay: 0.01f), loss: "mse");
/// </code>
/// </example>
public sealed class AdamW : Adam
{
    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">A float or a <see cref="LearningRateSchedule"/> (default 0.001).</param>
    /// <param name="weightDecay">Decoupled weight decay, non-negative (default 0.004).</param>
    /// <param name="beta1">Decay rate of the first-moment estimate, in [0, 1) (default 0.9).</param>
    /// <param name="beta2">Decay rate of the second-moment estimate, in [0, 1) (default 0.999).</param>
    /// <param name="epsilon">Small non-negative constant added to √v for numerical stability (default 1e-7).</param>
    /// <param name="amsgrad">Whether to use the AMSGrad variant (default false).</param>
    /// <param name="clipnorm">Per-variable gradient norm limit, or null (default null).</param>
    /// <param name="clipvalue">Elementwise gradient limit, or null (default null).</param>
    /// <param name="globalClipnorm">Limit on the joint norm of all gradients, or null (default null).</param>
    /// <param name="name">The optimizer's name (default <c>adamw</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range.</exception>
    /// <exception cref="ArgumentException">More than one clip option is set.</exception>
    public AdamW(
        LearningRateSchedule? learningRate = null, double weightDecay = 0.004, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-7, bool amsgrad = false, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null,
        string name = "adamw")
        : base(learningRate, beta1, beta2, epsilon, amsgrad, weightDecay, clipnorm, clipvalue, globalClipnorm, name)
    {
    }
}
