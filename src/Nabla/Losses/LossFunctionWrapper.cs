namespace Nabla.Losses;

/// <summary>
/// A loss made from a function of (targets, predictions) returning one value per sample (Keras's
/// <c>LossFunctionWrapper</c>); the usual batch reduction is applied to it.
/// </summary>
/// <example>
/// <code>
/// var huberish = new LossFunctionWrapper((yTrue, yPred) => Ops.Mean(Ops.Abs(yPred - yTrue), axis: -1), "my_loss");
/// model.Compile(optimizer: "adam", loss: huberish);
/// </code>
/// </example>
public sealed class LossFunctionWrapper : Loss
{
    private readonly Func<Tensor, Tensor, Tensor> _fn;

    /// <summary>Wraps <paramref name="fn"/>.</summary>
    /// <param name="fn">Per-sample loss of (yTrue, yPred), made of differentiable ops.</param>
    /// <param name="name">The loss's name.</param>
    /// <param name="reduction">The reduction over the batch (default <c>sum_over_batch_size</c>).</param>
    public LossFunctionWrapper(Func<Tensor, Tensor, Tensor> fn, string name = "loss", string reduction = "sum_over_batch_size")
        : base(name, reduction)
    {
        ArgumentNullException.ThrowIfNull(fn);
        _fn = fn;
    }

    /// <inheritdoc/>
    protected override Tensor ComputeLosses(Tensor yTrue, Tensor yPred) => _fn(yTrue, yPred);
}
