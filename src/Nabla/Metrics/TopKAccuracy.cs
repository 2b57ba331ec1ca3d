namespace Nabla.Metrics;

/// <summary>
/// The per-sample values shared by <see cref="TopKCategoricalAccuracy"/> and <see cref="SparseTopKCategoricalAccuracy"/>:
/// 1 where the true class is among the k largest predictions, else 0.
/// </summary>
internal static class TopKAccuracy
{
    /// <summary>
    /// Fills <paramref name="values"/> (one per row of <paramref name="yPred"/>) for labels that are class ids
    /// (<paramref name="sparse"/>) or one-hot rows.
    /// </summary>
    public static void Compute(Tensor yTrue, Tensor yPred, int k, bool sparse, Span<float> values)
    {
        ReadOnlySpan<float> t = yTrue.Span, p = yPred.Span;
        int classes = yPred.Dim(-1);
        for (int r = 0; r < values.Length; r++)
        {
            int target = sparse ? ClassId(t[r], classes) : MetricShapes.ArgMax(t.Slice(r * classes, classes));
            values[r] = MetricShapes.InTopK(p.Slice(r * classes, classes), target, k) ? 1f : 0f;
        }
    }

    // A label that is not a class id (NaN, out of range) is never in the top k.
    private static int ClassId(float label, int classes) => float.IsFinite(label) && label > -1f && label < classes ? (int)label : -1;
}
