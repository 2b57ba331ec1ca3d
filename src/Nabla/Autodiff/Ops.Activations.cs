namespace Nabla.Autodiff;

public static partial class Ops
{
    /// <summary>Rectified linear unit: max(x, 0), elementwise (Keras <c>activations.relu</c>).</summary>
    /// <param name="x">Input tensor, any shape.</param>
    /// <returns>A tensor of the same shape.</returns>
    public static Tensor Relu(Tensor x) => ApplyElementwise(x, ActivationTable.Relu);

    /// <summary>
    /// Keras's relu with its options (<c>activations.relu(x, negative_slope, max_value, threshold)</c>): min(x, maxValue)
    /// for x &gt; threshold, negativeSlope·(x − threshold) otherwise.
    /// </summary>
    /// <param name="x">Input tensor, any shape.</param>
    /// <param name="negativeSlope">The slope below the threshold. Default 0.</param>
    /// <param name="maxValue">The largest output, or null for none (default).</param>
    /// <param name="threshold">The input above which the unit passes its input. Default 0.</param>
    /// <returns>A tensor of the same shape.</returns>
    /// <example>
    /// <code>
    /// Tensor relu6 = Ops.Relu(x, maxValue: 6f);
    /// </code>
    /// </example>
    public static Tensor Relu(Tensor x, float negativeSlope = 0f, float? maxValue = null, float threshold = 0f) =>
        ApplyElementwise(x, ActivationTable.ReluWith(negativeSlope, maxValue, threshold));

    /// <summary>Sigmoid: 1 / (1 + e^−x), elementwise (Keras <c>activations.sigmoid</c>).</summary>
    /// <param name="x">Input tensor, any shape.</param>
    /// <returns>A tensor of the same shape, values in [0, 1].</returns>
    public static Tensor Sigmoid(Tensor x) => ApplyElementwise(x, ActivationTable.Sigmoid);

    /// <summary>Hyperbolic tangent, elementwise (Keras <c>activations.tanh</c>).</summary>
    /// <param name="x">Input tensor, any shape.</param>
    /// <returns>A tensor of the same shape, values in [−1, 1].</returns>
    public static Tensor Tanh(Tensor x) => ApplyElementwise(x, ActivationTable.Tanh);

    /// <summary>Exponential linear unit: x for x &gt; 0, alpha·(e^x − 1) otherwise (Keras <c>activations.elu</c>).</summary>
    /// <param name="x">Input tensor, any shape.</param>
    /// <param name="alpha">The value the negative side saturates to, as −alpha. Default 1.</param>
    /// <returns>A tensor of the same shape.</returns>
    public static Tensor Elu(Tensor x, float alpha = 1f) => ApplyElementwise(x, alpha == 1f ? ActivationTable.Elu : ActivationTable.EluWith(alpha));

    /// <summary>
    /// Scaled exponential linear unit: scale·x for x &gt; 0, scale·alpha·(e^x − 1) otherwise, with Keras's constants
    /// alpha = 1.67326324 and scale = 1.05070098 (Klambauer et al., 2017; Keras <c>activations.selu</c>).
    /// </summary>
    /// <param name="x">Input tensor, any shape.</param>
    /// <returns>A tensor of the same shape.</returns>
    public static Tensor Selu(Tensor x) => ApplyElementwise(x, ActivationTable.Selu);

    /// <summary>Gaussian error linear unit: x·Φ(x), Φ the standard normal CDF (Keras <c>activations.gelu</c>).</summary>
    /// <param name="x">Input tensor, any shape.</param>
    /// <param name="approximate">
    /// Use the tanh approximation x/2·(1 + tanh(√(2/π)·(x + 0.044715x³))) instead of the exact form. Default false,
    /// as in Keras.
    /// </param>
    /// <returns>A tensor of the same shape.</returns>
    public static Tensor Gelu(Tensor x, bool approximate = false) =>
        ApplyElementwise(x, approximate ? ActivationTable.GeluApproximate : ActivationTable.Gelu);

    /// <summary>Leaky ReLU: x for x &gt; 0, negativeSlope·x otherwise (Keras <c>activations.leaky_relu</c>).</summary>
    /// <param name="x">Input tensor, any shape.</param>
    /// <param name="negativeSlope">The slope for negative inputs. Default 0.2, as in Keras 3.</param>
    /// <returns>A tensor of the same shape.</returns>
    public static Tensor LeakyRelu(Tensor x, float negativeSlope = 0.2f) =>
        ApplyElementwise(x, negativeSlope == 0.2f ? ActivationTable.LeakyRelu : ActivationTable.LeakyReluWith(negativeSlope));

    /// <summary>
    /// Softplus: ln(1 + e^x), elementwise, computed as ln(1 + e^−|x|) + max(x, 0) so that it neither overflows for
    /// large x nor loses small values for very negative x (Keras <c>activations.softplus</c>).
    /// </summary>
    /// <param name="x">Input tensor, any shape.</param>
    /// <returns>A tensor of the same shape, values &gt; 0.</returns>
    public static Tensor Softplus(Tensor x) => ApplyElementwise(x, ActivationTable.Softplus);

    /// <summary>Swish, also called SiLU: x·σ(x), elementwise (Keras <c>activations.swish</c> / <c>silu</c>).</summary>
    /// <param name="x">Input tensor, any shape.</param>
    /// <returns>A tensor of the same shape.</returns>
    public static Tensor Swish(Tensor x) => ApplyElementwise(x, ActivationTable.Swish);

    /// <summary>SiLU, the same function as <see cref="Swish"/>: x·σ(x).</summary>
    /// <param name="x">Input tensor, any shape.</param>
    /// <returns>A tensor of the same shape.</returns>
    public static Tensor Silu(Tensor x) => Swish(x);

    /// <summary>The identity (Keras <c>activations.linear</c>): returns <paramref name="x"/> itself.</summary>
    /// <param name="x">Input tensor, any shape.</param>
    /// <returns><paramref name="x"/>.</returns>
    public static Tensor Linear(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x;
    }

    /// <summary>Applies a built-in activation as a recorded op (softmax over the last axis; linear returns x).</summary>
    internal static Tensor Activate(Tensor x, ActivationDescriptor activation) => activation.Apply(x);

    /// <summary>An elementwise activation as a recorded op; sigmoid's output keeps a link to its logits.</summary>
    internal static Tensor ApplyElementwise(Tensor x, ActivationDescriptor activation)
    {
        ArgumentNullException.ThrowIfNull(x);
        Tensor y = OpSupport.Empty(x.Dims, x);
        Compute.ActivationForward(activation.Name, activation, x, null, y, null, 0);
        if (activation.KeepsLogits)
        {
            y.KerasLogits = x;
        }

        if (OpSupport.TapeFor(x) is { } tape)
        {
            tape.RecordUnary<ActivationNode>(y, x).Activation = activation;
        }

        return y;
    }

    private sealed class ActivationNode : UnaryNode
    {
        public ActivationDescriptor Activation = null!;

        public override string Name => Activation.Name;

        // dL/dx = g ⊙ f'(x), with f' read from the output y where that is cheaper:
        //   relu' = [y > 0]            sigmoid' = y(1 − y)            tanh' = 1 − y²
        //   elu'  = 1 | alpha·e^x      selu' = scale·(1 | alpha·e^x)  leaky_relu' = 1 | negativeSlope   (x > 0 | x ≤ 0)
        //   gelu' = Φ(x) + x·φ(x)      (tanh form: s + x·s(1 − s)·2u', s = σ(2u), u = √(2/π)(x + 0.044715x³))
        //   softplus' = σ(x)           swish' = σ(x)·(1 + x(1 − σ(x)))
        public override void Backward(Tensor grad, Tape tape)
        {
            if (!tape.NeedsGradient(X))
            {
                return;
            }

            Tensor v = Activation.DerivativeFromOutput ? Output : X;
            Tensor dx = OpSupport.Empty(X.Dims, grad);
            Compute.ActivationBackward(Activation.Name, Activation, grad, v, dx, null, 0);
            tape.Accumulate(X, dx, owned: true);
        }
    }
}
