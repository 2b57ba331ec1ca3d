using Nabla.Autodiff;
using Nabla.Tensors;

namespace Nabla.Losses;

/// <summary>
/// Cross-entropy between integer class labels and predicted class probabilities or logits over the last axis
/// (Keras's <c>SparseCategoricalCrossentropy</c>). Labels are floats holding class ids in [0, classes).
/// </summary>
/// <remarks>
/// With probabilities, Keras clips them to [1e-7, 1 − 1e-7] and takes the softmax cross-entropy of their
/// logarithm (which renormalises them); so does this class. When the predictions come straight from a softmax,
/// the loss is computed from that softmax's logits instead (exact and stable, one fused op forward and backward),
/// as Keras's TensorFlow backend does.
/// </remarks>
public sealed class SparseCategoricalCrossentropy : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="fromLogits">Whether predictions are logits rather than probabilities (default false).</param>
    /// <param name="reduction">The reduction over the batch (default <c>sum_over_batch_size</c>).</param>
    /// <param name="name">The name (default <c>sparse_categorical_crossentropy</c>).</param>
    public SparseCategoricalCrossentropy(bool fromLogits = false, string reduction = "sum_over_batch_size", string name = "sparse_categorical_crossentropy")
        : base(name, reduction)
    {
        FromLogits = fromLogits;
    }

    /// <summary>Whether predictions are logits.</summary>
    public bool FromLogits { get; }

    /// <inheritdoc/>
    protected override Tensor ComputeLosses(Tensor yTrue, Tensor yPred)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        Tensor labels = yTrue;
        if (yTrue.Rank == yPred.Rank && yTrue.Rank > 0 && yTrue.Dim(-1) == 1)
        {
            labels = yTrue.Reshape(yTrue.DimsArray.AsSpan(0, yTrue.Rank - 1));
        }

        if (yPred.Rank != 2 || labels.Rank != 1 || labels.Dim(0) != yPred.Dim(0))
        {
            string t = ShapeUtil.Format(yTrue.Dims), p = ShapeUtil.Format(yPred.Dims);
            throw new ShapeMismatchException(Name, "labels [batch] with predictions [batch, classes]", $"{t} and {p}",
                $"SparseCategoricalCrossentropy expects labels of shape [batch] (or [batch, 1]) and predictions of shape [batch, classes], but received labels {t} and predictions {p}.");
        }

        if (FromLogits || yPred.KerasLogits is not null)
        {
            return Ops.SparseSoftmaxCrossEntropy(FromLogits ? yPred : yPred.KerasLogits!, labels);
        }

        Tensor logProbs = Ops.Log(Ops.Clip(yPred, CrossentropyEpsilon.Value, 1f - CrossentropyEpsilon.Value));
        return Ops.SparseSoftmaxCrossEntropy(logProbs, labels);
    }

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetConfig()
    {
        Dictionary<string, object?> c = base.GetConfig();
        c["from_logits"] = FromLogits;
        return c;
    }
}
