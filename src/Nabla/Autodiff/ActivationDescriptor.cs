using Nabla.Kernels;

namespace Nabla.Autodiff;

/// <summary>
/// One activation function as the engine knows it: its Keras name, its forward pass (optionally fused with a bias
/// add), its derivative (optionally fused with the bias gradient), and whether that derivative reads the output or the
/// input. Every built-in activation is one entry of <see cref="ActivationTable"/>; the ops, the fused dense op and the
/// public <c>ActivationFunction</c> all dispatch through it, so adding an activation touches that table only (plus its
/// kernel in <c>Kernels/ActivationOps.cs</c>).
/// </summary>
internal abstract class ActivationDescriptor : IRowEpilogue
{
    /// <summary>Sets the descriptor's name, kernel and derivative source.</summary>
    protected ActivationDescriptor(string name, bool derivativeFromOutput, bool keepsLogits = false, string? kernel = null, float parameter = 0f)
    {
        Name = name;
        DerivativeFromOutput = derivativeFromOutput;
        KeepsLogits = keepsLogits;
        Kernel = kernel ?? name;
        Parameter = parameter;
    }

    /// <summary>The name Keras serializes the activation as (<c>relu</c>, <c>silu</c>…).</summary>
    public string Name { get; }

    /// <summary>
    /// Which kernel computes it, for devices that dispatch by it: the name, or a variant's (<c>gelu_tanh</c> for GELU's
    /// tanh approximation, <c>swish</c> for silu).
    /// </summary>
    public string Kernel { get; }

    /// <summary>The kernel's parameter: ELU's alpha, leaky (and thresholded) ReLU's negative slope; 0 for the others.</summary>
    public float Parameter { get; }

    /// <summary>The cap of <c>relu_thresholded</c> (Keras's <c>max_value</c>; +∞ without one); unused by the other kernels.</summary>
    public float Cap { get; init; } = float.PositiveInfinity;

    /// <summary>The threshold of <c>relu_thresholded</c> (Keras's <c>threshold</c>); unused by the other kernels.</summary>
    public float Threshold { get; init; }

    /// <summary>
    /// True when the derivative is computed from the activation's output (ReLU, sigmoid, tanh, softmax) rather than
    /// its input; false for linear too, whose derivative needs neither.
    /// </summary>
    public bool DerivativeFromOutput { get; }

    /// <summary>
    /// True for softmax and sigmoid, whose outputs keep a link to their logits (Keras's <c>_keras_logits</c>) so that
    /// cross-entropy losses use the exact, stable form; a layer then runs it as its own op after the fused product.
    /// </summary>
    public bool KeepsLogits { get; }

    /// <summary>True for the identity.</summary>
    public virtual bool IsLinear => false;

    /// <summary>True when the derivative needs the pre-activation input, which a fused op must then keep.</summary>
    public bool NeedsInput => !IsLinear && !DerivativeFromOutput;

    /// <summary>The activation applied as a recorded op on a tensor of any shape (softmax over the last axis).</summary>
    public abstract Tensor Apply(Tensor x);

    /// <summary>
    /// y = f(x + bias) over a [rows, cols] buffer, bias ([cols]) optional, storing x + bias into <paramref name="pre"/>
    /// when that is not empty. Elementwise activations work on any length when there is no bias; softmax works per row
    /// of <paramref name="cols"/>. y may alias x.
    /// </summary>
    public abstract void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, Span<float> pre, int cols);

    /// <summary>
    /// dx = g ⊙ f'(·) over a [rows, cols] buffer, where <paramref name="v"/> is the output when
    /// <see cref="DerivativeFromOutput"/> and the pre-activation otherwise; also overwrites <paramref name="biasGrad"/>
    /// ([cols]) with the column sums of dx when it is not empty.
    /// </summary>
    public abstract void Backward(ReadOnlySpan<float> g, ReadOnlySpan<float> v, Span<float> dx, Span<float> biasGrad, int cols);

    /// <summary>y = f(y) in place over whole rows, the form a kernel fuses into the pass that wrote them (a convolution's blocks).</summary>
    void IRowEpilogue.Apply(Span<float> rows, int cols) => Forward(rows, default, rows, default, cols);

    /// <summary>Whether this is ReLU (max(x, 0) as <see cref="ReluOp"/> computes it), which kernels may apply as they store their sums.</summary>
    public virtual bool IsRelu => false;

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>Overwrites <paramref name="sums"/> with the column sums of a [rows, sums.Length] buffer; nothing when empty.</summary>
    protected static void ColumnSums(ReadOnlySpan<float> src, Span<float> sums)
    {
        if (sums.IsEmpty)
        {
            return;
        }

        sums.Clear();
        for (int start = 0; start < src.Length; start += sums.Length)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(sums, src.Slice(start, sums.Length), sums);
        }
    }
}
