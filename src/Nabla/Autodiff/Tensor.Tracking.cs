using Nabla.Autodiff;

namespace Nabla;

// The autodiff bookkeeping a tensor carries: which tape node produced it on which tape, and the variable it
// belongs to. Kept in the Autodiff folder because only the tape reads or writes it.
public sealed partial class Tensor
{
    /// <summary>Generation of the tape that recorded <see cref="NodeIndex"/>; stale generations mean "not tracked".</summary>
    internal int TapeGeneration;

    /// <summary>Index of this tensor's node on the tape of <see cref="TapeGeneration"/>, or -1.</summary>
    internal int NodeIndex = -1;

    /// <summary>The variable whose value this tensor is, or null.</summary>
    internal Variable? Variable;

    private void ResetAutodiff()
    {
        TapeGeneration = 0;
        NodeIndex = -1;
    }
}
