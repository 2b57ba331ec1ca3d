using Nabla.Autodiff;

namespace Nabla.Losses;

/// <summary>
/// Cross-entropy between one-hot (or probability) targets and predicted class probabilities or logits over the
/// last axis (Keras's <c>CategoricalCrossentropy</c>).
/// </summary>
/// <remarks>
/// With probabilities, Keras renormalises them to sum to 1 and clips them to [1e-7, 1 − 1e-7] before the
/// logarithm; so does this class. When the predictions come straight from a softmax, the loss is computed from
/// that softmax's logits instead (exact and stable), as Keras's TensorFlow backend does.
/// </remarks>
public sealed class CategoricalCrossentropy : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="fromLogits">Whether predictions are logits rather than probabilities (default false).</param>
    /// <param name="labelSmoothing">Mixes targets with the uniform distribution: z·(1 − s) + s/C (default 0).</param>
    /// <param name="reduction">The reduction over the batch (default <c>sum_over_batch_size</c>).</param>
    /// <param name="name">The name (default <c>categorical_crossentropy</c>).</param>
    public CategoricalCrossentropy(bool fromLogits = false, double labelSmoothing = 0, string reduction = "sum_over_batch_size", string name = "categorical_crossentropy")
        : base(name, reduction)
    {
        if (!(labelSmoothing is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "CategoricalCrossentropy: labelSmoothing must be in [0, 1].");
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
        Tensor targets = yTrue;
        if (LabelSmoothing > 0f)
        {
            int classes = yPred.Dim(-1);
            targets = Ops.Add(Ops.Multiply(yTrue, 1f - LabelSmoothing), LabelSmoothing / classes);
        }

        if (FromLogits || yPred.KerasLogits is not null)
        {
            return Ops.SoftmaxCrossEntropy(FromLogits ? yPred : yPred.KerasLogits!, targets);
        }

        // -Σ z·log(clip(p / Σp)).
        Tensor p = Ops.Divide(yPred, Ops.Sum(yPred, axis: -1, keepDims: true));
        p = Ops.Clip(p, CrossentropyEpsilon.Value, 1f - CrossentropyEpsilon.Value);
        return Ops.Negate(Ops.Sum(Ops.Multiply(targets, Ops.Log(p)), axis: -1));
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
