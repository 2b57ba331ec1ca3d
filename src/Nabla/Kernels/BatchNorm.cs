using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

/// <summary>Batch normalization over the last axis of a [rows, channels] buffer (channels-last: every other axis is a row), forward and backward.</summary>
/// <remarks>
/// <para>
/// Training: per channel c, the batch mean μ and the biased variance σ² (the mean of squared deviations, what Keras 3's
/// BatchNormalization takes from <c>ops.moments</c> and also feeds to its moving variance), then
/// <c>y = γ·(x − μ)/√(σ² + ε) + β</c>, computed in one pass as <c>y = (x − μ)·a + β</c> with <c>a = γ/√(σ² + ε)</c>
/// (TensorFlow's <c>x·a + (β − μ·a)</c> saves a subtraction but loses |μ·a|·ε to cancellation when the data sit far
/// from zero; the pass is memory-bound, so the subtraction is free); γ and β are optional (Keras's <c>scale</c> and <c>center</c>). The statistics are exact to
/// float rounding whatever the data's offset: each block of at most 128 rows is reduced in two passes in float (mean,
/// then squared deviations from it, while the block is in L1), blocks are summed in double around a shift (see
/// MomentsWork), and the per-thread slots are merged in double with Chan's parallel formula. Inference uses the moving statistics in the same single fused pass.
/// </para>
/// <para>
/// Backward, from the saved μ and 1/√(σ² + ε): <c>dβ = Σ dy</c>, <c>dγ = Σ dy·x̂</c> with <c>x̂ = (x − μ)/√(σ² + ε)</c>,
/// and <c>dx = γ/√(σ² + ε) · (dy − dβ/N − x̂·dγ/N)</c> (N the rows), in two passes: the two sums, then dx as
/// <c>k1·dy + k2·x + k3</c> per channel.
/// </para>
/// <para>
/// Sums run over fixed slots of rows (by the shapes alone), vectorised across channels, and the slots are merged in
/// order, so results do not depend on the threads. y and dx may alias x exactly (each element is read before it is
/// written) but must not overlap it otherwise; statistics outputs must not overlap anything. A warm call allocates
/// nothing.
/// </para>
/// </remarks>
internal static unsafe partial class BatchNorm
{
    // Rows reduced together in float before they are added in double (a block of rows stays in L1 for its second
    // pass: 128 rows of 64 channels are 32 KB).
    private const int BlockRows = 128;

    // Rows a statistics slot covers at least, and the most slots.
    private const int SlotRows = 1024;
    private const int MaxSlots = 8;

    // Floats an item of the elementwise pass covers at least.
    private const int ItemFloats = 1 << 14;

    /// <summary>
    /// Training forward: batch statistics per channel and y = γ·(x − μ)/√(σ² + ε) + β. Writes μ, the biased σ² and
    /// 1/√(σ² + ε) for the backward pass and the moving averages.
    /// </summary>
    /// <param name="x">Input [rows, channels].</param>
    /// <param name="rows">Rows (the product of every axis but the last), at least 1.</param>
    /// <param name="channels">Channels, at least 1.</param>
    /// <param name="gamma">Scale [channels], or empty for none (scale = false).</param>
    /// <param name="beta">Offset [channels], or empty for none (center = false).</param>
    /// <param name="epsilon">Added to the variance, 0 or more (Keras default 1e-3).</param>
    /// <param name="y">Output [rows, channels]; may be x itself.</param>
    /// <param name="mean">Batch mean μ [channels], written.</param>
    /// <param name="variance">Biased batch variance σ² [channels], written.</param>
    /// <param name="inverseStd">1/√(σ² + ε) [channels], written.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or epsilon is out of range.</exception>
    /// <exception cref="ArgumentException">A span is too short or overlaps another it must not.</exception>
    public static void TrainingForward(ReadOnlySpan<float> x, int rows, int channels, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        float epsilon, Span<float> y, Span<float> mean, Span<float> variance, Span<float> inverseStd)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        CheckMatrix(x, rows, channels, nameof(x), y, nameof(y));
        CheckParameter(gamma, channels, nameof(gamma), optional: true);
        CheckParameter(beta, channels, nameof(beta), optional: true);
        CheckEpsilon(epsilon);
        CheckStatistic(mean, channels, nameof(mean), x, y);
        CheckStatistic(variance, channels, nameof(variance), x, y);
        CheckStatistic(inverseStd, channels, nameof(inverseStd), x, y);
        if (mean.Overlaps(variance[..channels]) || mean.Overlaps(inverseStd[..channels]) || variance.Overlaps(inverseStd[..channels]))
            throw new ArgumentException("BatchNorm.TrainingForward: mean, variance and inverseStd must not overlap.");

        fixed (float* px = x, py = y, pg = gamma, pb = beta, pm = mean, pv = variance, ps = inverseStd)
        {
            // Per slot: count-free (slots have fixed row ranges) mean and M2 per channel, in double; then a and b.
            int slots = Slots(rows);
            float* call = ConvScratch.Get(ScratchSlot.Call, ((nint)slots * channels * 4) + ((nint)channels * 2));
            double* moments = (double*)call;
            float* a = call + ((nint)slots * channels * 4), b = a + channels;
            var statistics = new MomentsWork { X = px, Rows = rows, Channels = channels, Slots = slots, Moments = moments, Width = VectorWidth.Current };
            SpatialThreads.Run(slots, SpatialThreads.PartsForElements((double)rows * channels * 2, slots), ref statistics);

            for (int c = 0; c < channels; c++)
            {
                (double mu, double m2) = (moments[c], moments[channels + c]);
                long count = SlotEnd(rows, slots, 0);
                for (int s = 1; s < slots; s++)
                {
                    double* slot = moments + ((nint)s * channels * 2);
                    long countB = SlotEnd(rows, slots, s) - SlotEnd(rows, slots, s - 1);
                    (mu, m2) = Merge(mu, m2, count, slot[c], slot[channels + c], countB);
                    count += countB;
                }

                double var = m2 / rows, inv = 1.0 / Math.Sqrt(var + epsilon);
                double scale = gamma.IsEmpty ? inv : pg[c] * inv;
                pm[c] = (float)mu;
                pv[c] = (float)var;
                ps[c] = (float)inv;
                a[c] = (float)scale;
                b[c] = beta.IsEmpty ? 0f : pb[c];
            }

            Affine(px, rows, channels, pm, a, b, py);
        }
    }

    /// <summary>Inference forward with the moving statistics, in one pass: y = (x − moving μ)·a + β, a = γ/√(moving σ² + ε).</summary>
    /// <param name="x">Input [rows, channels].</param>
    /// <param name="rows">Rows, 0 or more.</param>
    /// <param name="channels">Channels, at least 1.</param>
    /// <param name="gamma">Scale [channels], or empty for none.</param>
    /// <param name="beta">Offset [channels], or empty for none.</param>
    /// <param name="movingMean">Moving mean [channels].</param>
    /// <param name="movingVariance">Moving variance [channels].</param>
    /// <param name="epsilon">Added to the variance, 0 or more.</param>
    /// <param name="y">Output [rows, channels]; may be x itself.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or epsilon is out of range.</exception>
    /// <exception cref="ArgumentException">A span is too short or y overlaps an input it must not.</exception>
    public static void InferenceForward(ReadOnlySpan<float> x, int rows, int channels, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> movingMean, ReadOnlySpan<float> movingVariance, float epsilon, Span<float> y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        CheckMatrix(x, rows, channels, nameof(x), y, nameof(y));
        CheckParameter(gamma, channels, nameof(gamma), optional: true);
        CheckParameter(beta, channels, nameof(beta), optional: true);
        CheckParameter(movingMean, channels, nameof(movingMean), optional: false);
        CheckParameter(movingVariance, channels, nameof(movingVariance), optional: false);
        CheckEpsilon(epsilon);
        int length = rows * channels;
        CheckApart(y, length, gamma, nameof(gamma));
        CheckApart(y, length, beta, nameof(beta));
        CheckApart(y, length, movingMean, nameof(movingMean));
        CheckApart(y, length, movingVariance, nameof(movingVariance));
        fixed (float* px = x, py = y, pg = gamma, pb = beta, pm = movingMean, pv = movingVariance)
        {
            float* a = ConvScratch.Get(ScratchSlot.Call, (nint)channels * 2), b = a + channels;
            for (int c = 0; c < channels; c++)
            {
                double scale = (gamma.IsEmpty ? 1.0 : pg[c]) / Math.Sqrt((double)pv[c] + epsilon);
                a[c] = (float)scale;
                b[c] = beta.IsEmpty ? 0f : pb[c];
            }

            Affine(px, rows, channels, pm, a, b, py);
        }
    }

    /// <summary>moving = moving·momentum + batch·(1 − momentum), Keras's update of the moving mean and the moving variance (from the biased batch variance).</summary>
    /// <remarks>
    /// Momentum is a double, as Keras's is a Python float: Keras multiplies by momentum and by 1 − momentum, both
    /// computed in double and rounded to float, so 0.99 gives the factors 0.99f and 0.01f (1 − 0.99f would be
    /// 0.00999999f).
    /// </remarks>
    /// <param name="moving">Moving statistic [channels], updated in place.</param>
    /// <param name="batch">This batch's statistic [channels].</param>
    /// <param name="momentum">Momentum in [0, 1] (Keras default 0.99).</param>
    /// <exception cref="ArgumentOutOfRangeException">Momentum is outside [0, 1].</exception>
    /// <exception cref="ArgumentException">The spans differ in length or overlap.</exception>
    public static void UpdateMoving(Span<float> moving, ReadOnlySpan<float> batch, double momentum)
    {
        if (!(momentum >= 0 && momentum <= 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"BatchNorm: momentum must be in [0, 1], but received {momentum}.");
        if (moving.Length != batch.Length)
            ThrowHelper.LengthMismatch(nameof(moving), moving.Length, nameof(batch), batch.Length);
        if (moving.Overlaps(batch))
            ThrowHelper.SpansOverlap(nameof(moving), nameof(batch));
        float keep = (float)momentum, take = (float)(1.0 - momentum);
        for (int c = 0; c < moving.Length; c++)
            moving[c] = (moving[c] * keep) + (batch[c] * take);
    }

    // Statistics slots: one per SlotRows rows, at most MaxSlots.
    private static int Slots(int rows) => Math.Clamp((rows + SlotRows - 1) / SlotRows, 1, MaxSlots);

    // End (exclusive) of slot s's rows.
    private static long SlotEnd(int rows, int slots, int s) => (long)rows * (s + 1) / slots;

    // Chan et al.'s merge of two (mean, M2) summaries of countA and countB values.
    private static (double Mean, double M2) Merge(double meanA, double m2A, long countA, double meanB, double m2B, long countB)
    {
        double total = countA + countB, delta = meanB - meanA;
        return (meanA + (delta * countB / total), m2A + m2B + (delta * delta * countA * countB / total));
    }

    // y[r, c] = (x[r, c] − m[c])·a[c] + b[c], in items of whole rows.
    private static void Affine(float* x, int rows, int channels, float* m, float* a, float* b, float* y)
    {
        int rowsPerItem = Math.Max(1, ItemFloats / channels), items = (rows + rowsPerItem - 1) / rowsPerItem;
        var work = new AffineWork { X = x, Y = y, M = m, A = a, B = b, Rows = rows, Channels = channels, RowsPerItem = rowsPerItem, Width = VectorWidth.Current };
        SpatialThreads.Run(items, SpatialThreads.PartsForElements((double)rows * channels, items), ref work);
    }

    private static void CheckMatrix(ReadOnlySpan<float> x, int rows, int channels, string xName, Span<float> y, string yName)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        long need = (long)rows * channels;
        if (need > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(rows), $"BatchNorm: {rows} rows of {channels} channels exceed a span.");
        if (x.Length < need)
            ThrowHelper.SourceTooShort(xName, need, x.Length);
        if (y.Length < need)
            ThrowHelper.DestinationTooShort(yName, need, y.Length);
        Span<float> written = y[..(int)need];
        if (written.Overlaps(x, out int offset) && offset != 0)
            throw new ArgumentException($"BatchNorm: '{yName}' must be '{xName}' itself or lie apart from it, but it overlaps it at offset {-offset}.", yName);
    }

    private static void CheckParameter(ReadOnlySpan<float> p, int channels, string name, bool optional)
    {
        if (optional && p.IsEmpty)
            return;
        if (p.Length < channels)
            ThrowHelper.SourceTooShort(name, channels, p.Length);
    }

    // A per-channel output must not overlap the tensors the pass reads or writes.
    private static void CheckStatistic(Span<float> s, int channels, string name, ReadOnlySpan<float> source, Span<float> destination)
    {
        if (s.Length < channels)
            ThrowHelper.DestinationTooShort(name, channels, s.Length);
        if (s[..channels].Overlaps(source) || s[..channels].Overlaps(destination))
            throw new ArgumentException($"BatchNorm: '{name}' must not overlap the input or output tensors.", name);
    }

    private static void CheckApart(Span<float> y, int length, ReadOnlySpan<float> source, string sourceName)
    {
        if (y[..length].Overlaps(source))
            ThrowHelper.SpansOverlap("y", sourceName);
    }

    private static void CheckEpsilon(float epsilon)
    {
        if (!(epsilon >= 0f) || float.IsInfinity(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"BatchNorm: epsilon must be a finite number ≥ 0, but received {epsilon}.");
    }

    // Each slot reduces its rows block by block: mean of the block, then squared deviations from it (both in float,
    // the block in L1). Blocks are summed in double around the slot's first block mean K, which lies within a few
    // standard deviations of every block mean, so nothing cancels: S = Σ n_b·(mean_b − K), Q = Σ M2_b + n_b·(mean_b − K)²,
    // and the slot's mean is K + S/n, its M2 = Q − S²/n. No division per block, unlike a running (Chan) merge.
    private struct MomentsWork : IWorkItems
    {
        public float* X;
        public int Rows, Channels, Slots;
        public double* Moments;
        public VectorWidth Width;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int item)
        {
            int c = Channels;
            int first = item == 0 ? 0 : (int)SlotEnd(Rows, Slots, item - 1), last = (int)SlotEnd(Rows, Slots, item);
            float* scratch = ConvScratch.Get(ScratchSlot.Job, (nint)c * 8);
            float* blockMean = scratch, blockM2 = scratch + c;
            double* shift = (double*)(scratch + (2 * c)), sum = shift + c, squares = sum + c;
            for (int r0 = first; r0 < last; r0 += BlockRows)
            {
                int n = Math.Min(BlockRows, last - r0);
                Loops.BlockMoments(X + ((nint)r0 * c), n, c, blockMean, blockM2, Width);
                for (int ch = 0; ch < c; ch++)
                {
                    if (r0 == first)
                    {
                        (shift[ch], sum[ch], squares[ch]) = (blockMean[ch], 0, blockM2[ch]);
                        continue;
                    }

                    double d = blockMean[ch] - shift[ch];
                    sum[ch] += n * d;
                    squares[ch] += blockM2[ch] + (n * d * d);
                }
            }

            double count = last - first;
            double* mean = Moments + ((nint)item * c * 2), m2 = mean + c;
            for (int ch = 0; ch < c; ch++)
            {
                mean[ch] = shift[ch] + (sum[ch] / count);
                m2[ch] = Math.Max(squares[ch] - (sum[ch] * sum[ch] / count), 0);
            }
        }
    }

    private struct AffineWork : IWorkItems
    {
        public float* X, Y, M, A, B;
        public int Rows, Channels, RowsPerItem;
        public VectorWidth Width;

        public readonly void Run(int item)
        {
            int first = item * RowsPerItem, last = Math.Min(first + RowsPerItem, Rows);
            for (int r0 = first; r0 < last; r0 += BlockRows)
            {
                nint o = (nint)r0 * Channels;
                Loops.Normalize(X + o, Math.Min(BlockRows, last - r0), Channels, M, A, B, Y + o, Width);
            }
        }
    }
}
