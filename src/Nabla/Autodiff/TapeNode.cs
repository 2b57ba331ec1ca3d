namespace Nabla.Autodiff;

/// <summary>
/// One recorded op: its output, its inputs and whatever its backward rule needs. Leaves (variables and watched
/// tensors) have no rule.
/// </summary>
internal struct TapeNode
{
    /// <summary>The op's backward rule, or null for a leaf.</summary>
    public BackwardRule? Rule;

    /// <summary>The tensor the op produced.</summary>
    public Tensor Output;

    /// <summary>Inputs and saved tensors, by the rule's own convention.</summary>
    public Tensor? A, B, C, Saved;

    /// <summary>Scalar hyperparameters saved by the forward pass.</summary>
    public float F0, F1;

    /// <summary>Integer hyperparameters saved by the forward pass (axes, flags, enum values).</summary>
    public int I0, I1;

    /// <summary>Accumulated dL/dOutput while gradients are computed.</summary>
    public Tensor? Grad;
}
