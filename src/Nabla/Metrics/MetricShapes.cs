using Nabla.Tensors;

namespace Nabla.Metrics;

/// <summary>Shape rules and row helpers shared by the (y_true, y_pred) metrics, following Keras 3's metric functions.</summary>
internal static class MetricShapes
{
    /// <summary>
    /// Keras's <c>squeeze_or_expand_to_same_rank(y_true, y_pred)</c> on shapes, then a check that both are equal with
    /// rank ≥ <paramref name="minRank"/>. Writes the common shape to <paramref name="common"/> (capacity: the larger
    /// rank + 1) and returns its rank.
    /// </summary>
    public static int Elementwise(Metric metric, ReadOnlySpan<int> yTrue, ReadOnlySpan<int> yPred, Span<int> common, int minRank)
    {
        int tr = yTrue.Length, pr = yPred.Length;
        Span<int> t = stackalloc int[tr + 1];
        yTrue.CopyTo(t);
        yPred.CopyTo(common);
        if (tr == pr + 1 && t[tr - 1] == 1)
        {
            if (pr == 1)
            {
                common[pr++] = 1;
            }
            else
            {
                tr--;
            }
        }
        else if (pr == tr + 1 && common[pr - 1] == 1)
        {
            if (tr == 1)
            {
                t[tr++] = 1;
            }
            else
            {
                pr--;
            }
        }

        if (tr != pr || pr < minRank || !t[..tr].SequenceEqual(common[..pr]))
        {
            throw Mismatch(metric, minRank > 0
                ? "y_true and y_pred of the same shape (up to a trailing axis of 1), with at least one axis"
                : "y_true and y_pred of the same shape (up to a trailing axis of 1)", yTrue, yPred);
        }

        return pr;
    }

    /// <summary>
    /// For metrics of integer labels: y_pred has rank ≥ 1 and y_true has y_pred's shape without its last axis,
    /// optionally followed by an axis of 1. Writes y_pred's shape without the last axis and returns its rank.
    /// </summary>
    public static int SparseLabels(Metric metric, ReadOnlySpan<int> yTrue, ReadOnlySpan<int> yPred, Span<int> values, string oneHotName)
    {
        int r = yPred.Length - 1;
        bool ok = r >= 0 && (yTrue.Length == r || (yTrue.Length == r + 1 && yTrue[r] == 1)) && yTrue[..Math.Max(r, 0)].SequenceEqual(yPred[..Math.Max(r, 0)]);
        if (!ok)
        {
            string expected = r < 0
                ? "y_pred with a class axis"
                : $"y_true of shape {ShapeUtil.Format(yPred[..r])} or {ShapeUtil.Format([.. yPred[..r], 1])} (integer class ids) for y_pred of shape {ShapeUtil.Format(yPred)}";
            throw Mismatch(metric, expected, yTrue, yPred,
                yTrue.SequenceEqual(yPred) && r >= 0 ? $" For one-hot labels use {oneHotName}." : null);
        }

        yPred[..r].CopyTo(values);
        return r;
    }

    /// <summary>
    /// For metrics of one-hot labels: y_true and y_pred have the same shape of rank ≥ 1. Writes the shape without
    /// its last axis and returns its rank.
    /// </summary>
    public static int OneHotLabels(Metric metric, ReadOnlySpan<int> yTrue, ReadOnlySpan<int> yPred, Span<int> values, string sparseName)
    {
        if (yPred.Length == 0 || !yTrue.SequenceEqual(yPred))
        {
            bool looksSparse = yPred.Length > 0 && (yTrue.SequenceEqual(yPred[..^1]) || (yTrue.Length == yPred.Length && yTrue[^1] == 1));
            throw Mismatch(metric, "one-hot y_true of the same shape as y_pred, with a class axis", yTrue, yPred,
                looksSparse ? $" For integer labels use {sparseName}." : null);
        }

        yPred[..^1].CopyTo(values);
        return yPred.Length - 1;
    }

    /// <summary>The index of the largest value, the first on ties; a NaN counts as the largest (NumPy's argmax).</summary>
    public static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int j = 0; j < row.Length; j++)
        {
            float v = row[j];
            if (float.IsNaN(v))
            {
                return j;
            }

            if (v > row[best])
            {
                best = j;
            }
        }

        return best;
    }

    /// <summary>
    /// Whether class <paramref name="target"/> is among the <paramref name="k"/> largest predictions, counting ties
    /// at the boundary as in (Keras's <c>in_top_k</c>: the target's score is at least the k-th largest). A target
    /// outside the row, or a NaN score, is not in the top k.
    /// </summary>
    public static bool InTopK(ReadOnlySpan<float> row, int target, int k)
    {
        if ((uint)target >= (uint)row.Length || float.IsNaN(row[target]))
        {
            return false;
        }

        float score = row[target];
        int greater = 0;
        foreach (float v in row)
        {
            if (v > score)
            {
                greater++;
            }
        }

        return greater < k;
    }

    /// <summary>"Metric 'x' (Type) expects …, but received y_true of shape [..] and y_pred of shape [..]."</summary>
    public static ShapeMismatchException Mismatch(Metric metric, string expected, ReadOnlySpan<int> yTrue, ReadOnlySpan<int> yPred, string? hint = null)
    {
        string t = ShapeUtil.Format(yTrue), p = ShapeUtil.Format(yPred);
        return new ShapeMismatchException($"Metric '{metric.Name}'", expected, $"y_true {t}, y_pred {p}",
            $"Metric {metric.Describe} expects {expected}, but received y_true of shape {t} and y_pred of shape {p}.{hint}");
    }
}
