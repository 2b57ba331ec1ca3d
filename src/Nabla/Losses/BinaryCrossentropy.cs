using Nabla.Autodiff;

namespace Nabla.Losses;

/// <summary>
/// Binary cross-entropy between targets in [0, 1] and predicted probabilities (or logits), averaged over the last
/// axis (Keras's <c>BinaryCrossentropy</c>).
/// </summary>
/// <remarks>
/// With probabilities, they are clipped to [1e-7, 1 − 1e-7] before the logarithm, as Keras does. When the
/// predictions come straight from a sigmoid, the loss is computed from that sigmoid's logits instead (exact and
/// stable), as Keras's TensorFlow backend does.
/// </remarks>
public sealed class BinaryCrossentropy : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="fromLogits">Whether predictions are logits rather than probabilities (default false).</param>
    /// <param name="labelSmoothing">Squeezes targets towards 0.5: z·(1 − s) + s/2 (default 0).</param>
    /// <param name="reduction">The reduction over the batch (default <c>sum_over_batch_size</c>).</param>
    /// <param name="name">The name (default <c>binary_crossentropy</c>).</param>
    public BinaryCrossentropy(bool fromLogits = false, double labelSmoothing = 0, string reduction = "sum_over_batch_size", string name = "binary_crossentropy")
        : base(name, reduction)
    {
        if (!(labelSmoothing is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "BinaryCrossentropy: labelSmoothing must be in [0, 1].");
        }

        FromLogits = fromLogits;
        LabelSmoothing = (float)labelSmoothing;
    }

    /// <summary>Whether predictions are logits.</summary>
    public bool FromLogits { get; }

    /// <summary>The label smoothing factor.</summary>
    public float LabelSmoothing { get; }

    /// <inheritdoc/>
    protected override Tensor ComputeLosses(Tensor yTrue, Tensor yPred)
    {
        CheckSameShape(yTrue, yPred);
        Tensor targets = LabelSmoothing > 0f ? Ops.Add(Ops.Multiply(yTrue, 1f - LabelSmoothing), 0.5f * LabelSmoothing) : yTrue;
        if (FromLogits || yPred.KerasLogits is not null)
        {
            return Ops.Mean(Ops.SigmoidCrossEntropy(FromLogits ? yPred : yPred.KerasLogits!, targets), axis: -1);
        }

        // -(z·log p + (1 − z)·log(1 − p)) with p clipped to [ε, 1 − ε].
        Tensor p = Ops.Clip(yPred, CrossentropyEpsilon.Value, 1f - CrossentropyEpsilon.Value);
        Tensor bce = Ops.Add(Ops.Multiply(targets, Ops.Log(p)), Ops.Multiply(Ops.Subtract(1f, targets), Ops.Log(Ops.Subtract(1f, p))));
        return Ops.Negate(Ops.Mean(bce, axis: -1));
    }

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> c = base.GetConfig();
        c["from_logits"] = FromLogits;
        c["label_smoothing"] = LabelSmoothing;
        return c;
    }
}
