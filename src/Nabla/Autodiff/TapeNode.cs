namespace Nabla.Autodiff;

/// <summary>
/// One recorded op: the tensor it produced and its backward rule, with whatever the rule needs kept in named fields
/// of the op's own node type (as candle keeps a typed op), not in positional slots.
/// </summary>
/// <remarks>
/// <para>
/// Each differentiable op declares a sealed node class beside its forward pass: its inputs and saved tensors as
/// fields (<c>X</c>, <c>Kernel</c>, <c>PreActivation</c>…), its hyperparameters as typed fields (an axis, a scalar,
/// an activation), and <see cref="Backward"/> with the derivative in a comment. <see cref="UnaryNode"/> and
/// <see cref="BinaryNode"/> hold the inputs of the common one- and two-operand shapes.
/// </para>
/// <para>
/// The tape reuses node objects by position: the k-th op of a step gets the k-th node of the previous step when it
/// has the same type, so a warm step that repeats its ops records without allocating. An op therefore sets every
/// field of its node each time it records (the <c>Set</c> methods take them all at once).
/// </para>
/// </remarks>
internal abstract class TapeNode
{
    /// <summary>The tensor the op produced.</summary>
    public Tensor Output = null!;

    /// <summary>Accumulated dL/dOutput while gradients are computed.</summary>
    public Tensor? Grad;

    /// <summary>The op's name, for diagnostics.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Given dL/dOutput in <paramref name="grad"/>, accumulates dL/dInput into <paramref name="tape"/> for each input
    /// the tape tracks (<see cref="Tape.Accumulate"/> ignores the others). Computes with kernels and
    /// <see cref="OpSupport"/> tensors; the tape records nothing while rules run.
    /// </summary>
    public abstract void Backward(Tensor grad, Tape tape);
}
