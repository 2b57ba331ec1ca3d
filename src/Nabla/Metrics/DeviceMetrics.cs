using Nabla.Autodiff;
using Nabla.Devices;
using Nabla.Tensors;

namespace Nabla.Metrics;

/// <summary>
/// The built-in metrics on a device: per-sample values computed there, then <see cref="SampleWeighting"/>'s sums
/// computed there too, so that only four floats per metric come back (the trainer reads every metric of a step, and
/// its losses, in one copy).
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Queue"/> launches the sums into a four-float device view and returns what <see cref="Fold"/> needs to
/// turn them into the (total, count) increments the host code would have made. The sums are accumulated in double in
/// the host's order and come back as the doubles' bits, so from the same values they equal the host's.
/// </para>
/// <para>
/// Tensors come from the calling thread's arena: callers open an inference batch (a warm step allocates nothing).
/// </para>
/// </remarks>
internal static class DeviceMetrics
{
    /// <summary>The floats of device sums one metric update writes (two doubles' bits).</summary>
    public const int SumLength = 4;

    /// <summary>
    /// The values of <paramref name="kind"/>, shaped <paramref name="valueDims"/>, on <paramref name="yPred"/>'s device:
    /// one per row of yPred's elements (a row is yPred's size over the number of values, as the span code divides).
    /// </summary>
    public static Tensor RowValues(MetricValueKind kind, Tensor yTrue, Tensor yPred, ReadOnlySpan<int> valueDims, float threshold = 0f, int k = 0)
    {
        Tensor values = OpSupport.Empty(valueDims, yPred);
        if (values.Size > 0)
        {
            yPred.Memory!.Backend.MetricValues(kind, yTrue, yPred, values.Size, yPred.Size / values.Size, threshold, k, values);
        }

        return values;
    }

    /// <summary><paramref name="t"/> on <paramref name="like"/>'s device: itself, or an arena copy of a host tensor.</summary>
    /// <exception cref="InvalidOperationException">The tensor lives on another device.</exception>
    public static Tensor OnDeviceOf(Tensor t, Tensor like)
    {
        if (t.Memory is null)
        {
            return OpSupport.Upload(t, like);
        }

        return ReferenceEquals(t.Memory.Backend, like.Memory!.Backend)
            ? t
            : throw new InvalidOperationException(
                $"A metric received tensors on two devices, '{t.Device.Name}' and '{like.Device.Name}'. Move them to one device (Tensor.To).");
    }

    /// <summary>
    /// Launches the sums of a weighted mean (or, without <paramref name="mean"/>, a weighted sum) over
    /// <paramref name="values"/> (a device tensor) into the four-float device view <paramref name="sums"/>.
    /// </summary>
    /// <exception cref="ShapeMismatchException">The weights cannot be matched to the values (as on the host).</exception>
    public static Pending Queue(Tensor values, Tensor? weights, Metric metric, bool mean, Tensor sums)
    {
        DeviceBackend backend = values.Memory!.Backend;
        ReadOnlySpan<int> valueDims = values.Dims;
        if (weights is null)
        {
            if (values.Size > 0)
            {
                backend.MetricSums(values, null, 1, values.Size, mean: false, sums);
            }

            return new Pending(false, mean, values.Size == 0, valueDims.Length == 0 ? 1 : valueDims[0], values.Size, 0, 0);
        }

        Span<int> vd = stackalloc int[valueDims.Length + 1];
        Span<int> wd = stackalloc int[weights.Rank + 1];
        (int vr, int wr) = SampleWeighting.Align(valueDims, weights.Dims, vd, wd, metric);
        (long outer, long inner) = SampleWeighting.Groups(vd, vr, wr);

        if (outer == 0 || inner == 0)
        {
            return new Pending(true, mean, true, 0, 0, wr, 0);
        }

        // One weight per group: the weights themselves, or broadcast over the groups (0 + w is w).
        Tensor w = OnDeviceOf(weights, values);
        if (!wd[..wr].SequenceEqual(vd[..wr]))
        {
            w = Ops.Add(Ops.Reshape(w, wd[..wr]), OpSupport.ZerosLike(vd[..wr], values));
        }

        backend.MetricSums(values, w, (int)outer, (int)inner, mean, sums);
        return new Pending(true, mean, false, wr > 0 ? vd[0] : 1, (int)outer, wr, outer / (double)(wr > 0 ? vd[0] : 1));
    }

    /// <summary>The (total, count) increments from the sums <see cref="Queue"/> launched, read back into <paramref name="sums"/>.</summary>
    public static (double Total, double Count) Fold(in Pending pending, ReadOnlySpan<float> sums)
    {
        if (pending.Empty)
        {
            return (0, 0);
        }

        double total = Load(sums, 0);
        if (!pending.Weighted)
        {
            // SampleWeighting: each sample contributes the mean of its values (a rank-0 value is one sample).
            return pending.Mean ? (total * pending.Samples / pending.Length, pending.Samples) : (total, pending.Samples);
        }

        double count = Load(sums, 2);
        return pending.WeightRank <= 1 || !pending.Mean ? (total, count) : (total / pending.Positions, count / pending.Positions);
    }

    /// <summary>
    /// The (total, count) increments of a weighted mean or sum over device <paramref name="values"/>, read back at
    /// once (a metric updated outside the trainer): one copy of four floats. Host tensors are uploaded to
    /// <paramref name="onDevice"/>'s device.
    /// </summary>
    public static (double Total, double Count) Reduce(Tensor values, Tensor? weights, Metric metric, bool mean, Tensor onDevice)
    {
        using (StepContext.Current.BeginInferenceBatch())
        {
            Tensor sums = OpSupport.Empty([SumLength], onDevice);
            Pending pending = Queue(OnDeviceOf(values, onDevice), weights, metric, mean, sums);
            Span<float> host = stackalloc float[SumLength];
            sums.Memory!.CopyTo(sums.Offset, host);
            return Fold(pending, host);
        }
    }

    /// <summary>The device that computes an update with these tensors: the first on a device, or null when all are on the host.</summary>
    public static Tensor? DeviceTensor(Tensor a, Tensor b, Tensor? c = null) =>
        a.Memory is not null ? a : b.Memory is not null ? b : c?.Memory is not null ? c : null;

    private static double Load(ReadOnlySpan<float> sums, int at) => BitConverter.Int64BitsToDouble(
        ((long)BitConverter.SingleToUInt32Bits(sums[at]) << 32) | BitConverter.SingleToUInt32Bits(sums[at + 1]));

    /// <summary>What <see cref="Fold"/> needs of a queued update.</summary>
    /// <param name="Weighted">Whether weights were given.</param>
    /// <param name="Mean">A mean (or a sum).</param>
    /// <param name="Empty">No values: the update adds nothing.</param>
    /// <param name="Samples">Without weights, the number of samples (the first axis; 1 for a scalar).</param>
    /// <param name="Length">Without weights, the number of values.</param>
    /// <param name="WeightRank">With weights, the rank they were aligned to.</param>
    /// <param name="Positions">With weights, the positions per sample the sums are averaged over.</param>
    internal readonly record struct Pending(bool Weighted, bool Mean, bool Empty, int Samples, int Length, int WeightRank, double Positions);
}
