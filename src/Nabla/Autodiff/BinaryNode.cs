namespace Nabla.Autodiff;

/// <summary>The node of an op with two tensor inputs, <see cref="A"/> and <see cref="B"/>; the tape sets them when recording.</summary>
internal abstract class BinaryNode : TapeNode
{
    /// <summary>The first operand.</summary>
    public Tensor A = null!;

    /// <summary>The second operand.</summary>
    public Tensor B = null!;
}
