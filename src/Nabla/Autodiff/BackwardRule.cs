namespace Nabla.Autodiff;

/// <summary>
/// The backward rule of one differentiable op: a stateless singleton that reads what the forward pass saved in
/// a <see cref="TapeNode"/> and adds the op's input gradients to the tape.
/// </summary>
/// <remarks>
/// Rules are singletons rather than closures so that recording an op allocates nothing. A rule computes with
/// kernels and arena tensors; the tape does not record while rules run.
/// </remarks>
internal abstract class BackwardRule
{
    /// <summary>The op's name, for diagnostics.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Given dL/dOutput in <paramref name="grad"/>, accumulates dL/dInput into <paramref name="tape"/> for each
    /// input the tape tracks (<see cref="Tape.Accumulate"/> ignores the others).
    /// </summary>
    public abstract void Backward(in TapeNode node, Tensor grad, Tape tape);
}
