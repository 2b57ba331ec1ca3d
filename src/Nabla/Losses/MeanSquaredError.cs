using Nabla.Autodiff;

namespace Nabla.Losses;

/// <summary>Mean of squared errors over the last axis, then over the batch (Keras's <c>MeanSquaredError</c>, <c>"mse"</c>).</summary>
public sealed class MeanSquaredError : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">The reduction over the batch (default <c>sum_over_batch_size</c>).</param>
    /// <param name="name">The name (default <c>mean_squared_error</c>).</param>
    public MeanSquaredError(string reduction = "sum_over_batch_size", string name = "mean_squared_error")
        : base(name, reduction)
    {
    }

    /// <inheritdoc/>
    protected override Tensor ComputeLosses(Tensor yTrue, Tensor yPred)
    {
        CheckSameShape(yTrue, yPred);
        return Ops.Mean(Ops.Square(Ops.Subtract(yPred, yTrue)), axis: -1);
    }
}
