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

    /// <summary>
    /// For the output of a softmax or sigmoid, the logits it was computed from (Keras's <c>_keras_logits</c>):
    /// cross-entropy losses use them instead of the probabilities, which is exact and stable.
    /// </summary>
    internal Tensor? KerasLogits;

    private void ResetAutodiff()
    {
        TapeGeneration = 0;
        NodeIndex = -1;
        KerasLogits = null;
    }
}
