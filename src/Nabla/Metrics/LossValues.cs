using Nabla.Autodiff;
using Nabla.Losses;

namespace Nabla.Metrics;

/// <summary>Per-sample values of a loss, for the metrics that average a loss's math (mean squared and absolute error).</summary>
internal static class LossValues
{
    /// <summary>
    /// Writes <paramref name="loss"/>'s per-sample values for (<paramref name="yTrue"/>, <paramref name="yPred"/>) into
    /// <paramref name="values"/>; the loss's intermediate tensors live in an inference batch of the thread's arena, so a
    /// warm update allocates nothing. Both inputs hold one row of values per entry of <paramref name="values"/> (the
    /// metric checked their shapes, which may differ by a trailing axis of 1), so they are viewed as those rows.
    /// </summary>
    public static void Compute(Loss loss, Tensor yTrue, Tensor yPred, Span<float> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        using (StepContext.Current.BeginInferenceBatch())
        {
            ReadOnlySpan<int> rows = [values.Length, yPred.Size / values.Length];
            loss.PerSample(Ops.Reshape(yTrue, rows), Ops.Reshape(yPred, rows)).Span.CopyTo(values);
        }
    }

    /// <summary>
    /// <paramref name="loss"/>'s per-sample values on the device of <paramref name="yPred"/> (the loss's device ops, from
    /// the thread's arena), shaped <paramref name="valueDims"/>; the inputs are viewed as rows as in <see cref="Compute"/>.
    /// </summary>
    public static Tensor OnDevice(Loss loss, Tensor yTrue, Tensor yPred, ReadOnlySpan<int> valueDims)
    {
        int count = Tensors.ShapeUtil.Product(valueDims);
        if (count == 0)
        {
            return OpSupport.Empty(valueDims, yPred);
        }

        ReadOnlySpan<int> rows = [count, yPred.Size / count];
        return Ops.Reshape(loss.PerSample(Ops.Reshape(yTrue, rows), Ops.Reshape(yPred, rows)), valueDims);
    }
}
