using Nabla.Tensors;

namespace Nabla.Metrics;

/// <summary>
/// Keras's <c>reduce_to_samplewise_values</c> and the total/count increments of <c>Mean</c> and <c>Sum</c>, on
/// spans and without allocation.
/// </summary>
/// <remarks>
/// <para>
/// Without weights, each sample (index of the first axis) contributes the mean of its values and counts 1; a
/// rank-0 value counts as one sample.
/// </para>
/// <para>
/// With weights W: W and the values are first brought to the same rank when they differ by a trailing axis of 1
/// (Keras's <c>squeeze_or_expand_to_same_rank</c>); the values are averaged over the axes W lacks; W is broadcast
/// (each axis equal to the values' or 1); then each sample contributes the mean over its remaining positions of
/// w·v to the total and of w to the count. A scalar weight weighs the mean of the whole batch once.
/// </para>
/// </remarks>
internal static class SampleWeighting
{
    /// <summary>The (total, count) increments of a weighted mean over <paramref name="values"/>.</summary>
    public static (double Total, double Count) Mean(ReadOnlySpan<float> values, ReadOnlySpan<int> valueDims, Tensor? weights, Metric metric) =>
        Reduce(values, valueDims, weights, metric, mean: true);

    /// <summary>The total increment of a weighted sum over <paramref name="values"/> (Keras's <c>Sum</c>).</summary>
    public static double Sum(ReadOnlySpan<float> values, ReadOnlySpan<int> valueDims, Tensor? weights, Metric metric) =>
        Reduce(values, valueDims, weights, metric, mean: false).Total;

    private static (double Total, double Count) Reduce(ReadOnlySpan<float> values, ReadOnlySpan<int> valueDims, Tensor? weights, Metric metric, bool mean)
    {
        if (weights is null)
        {
            if (values.IsEmpty)
            {
                return (0, 0);
            }

            double all = SumOf(values);
            if (valueDims.Length == 0)
            {
                return (all, 1);
            }

            int samples = valueDims[0];
            return mean ? (all * samples / values.Length, samples) : (all, samples);
        }

        Span<int> vd = stackalloc int[valueDims.Length + 1];
        Span<int> wd = stackalloc int[weights.Rank + 1];
        (int vr, int wr) = Align(valueDims, weights.Dims, vd, wd, metric);
        (long outer, long inner) = Groups(vd, vr, wr);

        if (outer == 0 || inner == 0)
        {
            return (0, 0);
        }

        // Weight strides over the values' leading wr axes: 0 where the weight is broadcast.
        Span<int> stride = stackalloc int[wr + 1];
        Span<int> index = stackalloc int[wr + 1];
        int s = 1;
        for (int a = wr - 1; a >= 0; a--)
        {
            stride[a] = wd[a] == 1 ? 0 : s;
            s *= wd[a];
        }

        ReadOnlySpan<float> w = weights.Span;
        double sumW = 0, sumWV = 0;
        int offset = 0;
        for (long p = 0; p < outer; p++)
        {
            double wp = w[offset];
            double group = SumOf(values.Slice((int)(p * inner), (int)inner));
            sumW += wp;
            sumWV += wp * (mean ? group / inner : group);
            for (int a = wr - 1; a >= 0; a--)
            {
                offset += stride[a];
                if (++index[a] < vd[a])
                {
                    break;
                }

                offset -= stride[a] * vd[a];
                index[a] = 0;
            }
        }

        if (wr <= 1 || !mean)
        {
            return (sumWV, sumW);
        }

        // Keras averages the weighted values and the weights over each sample's positions (axes 1..wr-1).
        double positions = outer / (double)vd[0];
        return (sumWV / positions, sumW / positions);
    }

    /// <summary>
    /// The aligned values' elements as groups: <c>outer</c>, the product of the leading <paramref name="weightRank"/>
    /// axes (one weight each), and <c>inner</c>, the product of the rest (the values a weight covers).
    /// </summary>
    internal static (long Outer, long Inner) Groups(ReadOnlySpan<int> vd, int valueRank, int weightRank)
    {
        long outer = 1, inner = 1;
        for (int a = 0; a < valueRank; a++)
        {
            if (a < weightRank)
            {
                outer *= vd[a];
            }
            else
            {
                inner *= vd[a];
            }
        }

        return (outer, inner);
    }

    /// <summary>Keras's squeeze-or-expand of (values, weights), then the broadcast check. Returns both ranks.</summary>
    internal static (int ValueRank, int WeightRank) Align(ReadOnlySpan<int> values, ReadOnlySpan<int> weights, Span<int> vd, Span<int> wd, Metric metric)
    {
        int vr = values.Length, wr = weights.Length;
        values.CopyTo(vd);
        weights.CopyTo(wd);
        if (vr == wr + 1 && vd[vr - 1] == 1)
        {
            if (wr == 1)
            {
                wd[wr++] = 1;
            }
            else
            {
                vr--;
            }
        }
        else if (wr == vr + 1 && wd[wr - 1] == 1)
        {
            if (vr == 1)
            {
                vd[vr++] = 1;
            }
            else
            {
                wr--;
            }
        }

        bool ok = wr <= vr;
        for (int a = 0; ok && a < wr; a++)
        {
            ok = wd[a] == vd[a] || wd[a] == 1;
        }

        if (!ok)
        {
            string v = ShapeUtil.Format(values), w = ShapeUtil.Format(weights);
            throw new ShapeMismatchException($"Metric '{metric.Name}'", $"sample_weight broadcastable to {v}", w,
                $"Metric {metric.Describe} cannot apply sample_weight of shape {w} to its per-sample values of shape {v}: " +
                "sample_weight may not have more axes than the values, and each of its axes must equal the values' axis or be 1. " +
                "Pass one weight per sample, e.g. shape [batch].");
        }

        return (vr, wr);
    }

    private static double SumOf(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values)
        {
            sum += v;
        }

        return sum;
    }
}
