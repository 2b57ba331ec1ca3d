namespace Nabla.Autodiff;

/// <summary>The node of an op with one tensor input, <see cref="X"/>; the tape sets it when recording.</summary>
internal abstract class UnaryNode : TapeNode
{
    /// <summary>The op's input.</summary>
    public Tensor X = null!;
}
