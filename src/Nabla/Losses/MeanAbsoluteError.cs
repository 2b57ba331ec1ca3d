using Nabla.Autodiff;

namespace Nabla.Losses;

/// <summary>Mean of absolute errors over the last axis, then over the batch (Keras's <c>MeanAbsoluteError</c>, <c>"mae"</c>).</summary>
public sealed class MeanAbsoluteError : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">The reduction over the batch (default <c>sum_over_batch_size</c>).</param>
    /// <param name="name">The name (default <c>mean_absolute_error</c>).</param>
    public MeanAbsoluteError(string reduction = "sum_over_batch_size", string name = "mean_absolute_error")
        : base(name, reduction)
    {
    }

    /// <inheritdoc/>
    protected override Tensor ComputeLosses(Tensor yTrue, Tensor yPred)
    {
        CheckSameShape(yTrue, yPred);
        return Ops.Mean(Ops.Abs(Ops.Subtract(yPred, yTrue)), axis: -1);
    }
}
