namespace Nabla.Autodiff;

/// <summary>A variable or watched tensor: gradients stop here, and <see cref="TapeNode.Grad"/> is what is asked for.</summary>
internal sealed class LeafNode : TapeNode
{
    /// <inheritdoc/>
    public override string Name => "Leaf";

    /// <inheritdoc/>
    public override void Backward(Tensor grad, Tape tape)
    {
    }
}
