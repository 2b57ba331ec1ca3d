using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

internal static unsafe partial class BatchNorm
{
    /// <summary>
    /// Backward of <see cref="TrainingForward"/>: dβ = Σ dy, dγ = Σ dy·x̂ and dx = γ·s·(dy − dβ/N − x̂·dγ/N), with
    /// s = 1/√(σ² + ε), x̂ = (x − μ)·s and N = rows.
    /// </summary>
    /// <param name="dy">Output gradient [rows, channels].</param>
    /// <param name="x">The forward input [rows, channels].</param>
    /// <param name="rows">Rows, at least 1.</param>
    /// <param name="channels">Channels, at least 1.</param>
    /// <param name="mean">The batch mean μ the forward pass wrote.</param>
    /// <param name="inverseStd">The 1/√(σ² + ε) the forward pass wrote.</param>
    /// <param name="gamma">Scale [channels], or empty when the layer has none.</param>
    /// <param name="dx">Input gradient [rows, channels], overwritten; may be dy or x itself.</param>
    /// <param name="dgamma">Scale gradient [channels], overwritten, or empty when not wanted.</param>
    /// <param name="dbeta">Offset gradient [channels], overwritten, or empty when not wanted.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    /// <exception cref="ArgumentException">A span is too short or overlaps another it must not.</exception>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, int rows, int channels, ReadOnlySpan<float> mean,
        ReadOnlySpan<float> inverseStd, ReadOnlySpan<float> gamma, Span<float> dx, Span<float> dgamma, Span<float> dbeta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        CheckMatrix(x, rows, channels, nameof(x), dx, nameof(dx));
        CheckMatrix(dy, rows, channels, nameof(dy), dx, nameof(dx));
        CheckParameter(mean, channels, nameof(mean), optional: false);
        CheckParameter(inverseStd, channels, nameof(inverseStd), optional: false);
        CheckParameter(gamma, channels, nameof(gamma), optional: true);
        int length = rows * channels;
        CheckApart(dx, length, mean, nameof(mean));
        CheckApart(dx, length, inverseStd, nameof(inverseStd));
        CheckApart(dx, length, gamma, nameof(gamma));
        if (!dgamma.IsEmpty)
        {
            CheckStatistic(dgamma, channels, nameof(dgamma), x, dx);
            CheckStatistic(dgamma, channels, nameof(dgamma), dy, dx);
        }

        if (!dbeta.IsEmpty)
        {
            CheckStatistic(dbeta, channels, nameof(dbeta), x, dx);
            CheckStatistic(dbeta, channels, nameof(dbeta), dy, dx);
        }
        if (!dgamma.IsEmpty && !dbeta.IsEmpty && dgamma.Overlaps(dbeta[..channels]))
            ThrowHelper.SpansOverlap(nameof(dgamma), nameof(dbeta));

        fixed (float* pdy = dy, px = x, pm = mean, ps = inverseStd, pg = gamma, pdx = dx, pdg = dgamma, pdb = dbeta)
        {
            int slots = Slots(rows);
            float* call = ConvScratch.Get(ScratchSlot.Call, ((nint)slots * channels * 4) + ((nint)channels * 3));
            double* sums = (double*)call;
            float* k1 = call + ((nint)slots * channels * 4), k2 = k1 + channels, k3 = k2 + channels;
            var work = new SumsWork { Dy = pdy, X = px, Mean = pm, Rows = rows, Channels = channels, Slots = slots, Sums = sums, Width = VectorWidth.Current };
            SpatialThreads.Run(slots, SpatialThreads.PartsForElements((double)rows * channels * 2, slots), ref work);

            for (int c = 0; c < channels; c++)
            {
                double sumDy = 0, sumDyDev = 0;
                for (int s = 0; s < slots; s++)
                {
                    sumDy += sums[((nint)s * channels * 2) + c];
                    sumDyDev += sums[((nint)s * channels * 2) + channels + c];
                }

                double inv = ps[c], g = gamma.IsEmpty ? 1.0 : pg[c];
                double scale = g * inv, slope = -g * inv * inv * inv * sumDyDev / rows;
                if (!dbeta.IsEmpty)
                    pdb[c] = (float)sumDy;
                if (!dgamma.IsEmpty)
                    pdg[c] = (float)(sumDyDev * inv);
                k1[c] = (float)scale;
                k2[c] = (float)slope;
                k3[c] = (float)((-scale * sumDy / rows) - (slope * pm[c]));
            }

            int rowsPerItem = Math.Max(1, ItemFloats / channels), items = (rows + rowsPerItem - 1) / rowsPerItem;
            var gradient = new GradientWork { Dy = pdy, X = px, K1 = k1, K2 = k2, K3 = k3, Dx = pdx, Rows = rows, Channels = channels, RowsPerItem = rowsPerItem, Width = VectorWidth.Current };
            SpatialThreads.Run(items, SpatialThreads.PartsForElements((double)rows * channels * 2, items), ref gradient);
        }
    }

    // Per slot, Σ dy and Σ dy·(x − μ) per channel: in float over blocks of BlockRows rows, blocks added in double.
    private struct SumsWork : IWorkItems
    {
        public float* Dy, X, Mean;
        public int Rows, Channels, Slots;
        public double* Sums;
        public VectorWidth Width;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int item)
        {
            int c = Channels;
            int first = item == 0 ? 0 : (int)SlotEnd(Rows, Slots, item - 1), last = (int)SlotEnd(Rows, Slots, item);
            double* sumDy = Sums + ((nint)item * c * 2), sumDyDev = sumDy + c;
            new Span<double>(sumDy, c * 2).Clear();
            float* blockDy = ConvScratch.Get(ScratchSlot.Job, (nint)c * 2), blockDyDev = blockDy + c;
            for (int r0 = first; r0 < last; r0 += BlockRows)
            {
                int n = Math.Min(BlockRows, last - r0);
                Loops.BlockGradientSums(Dy + ((nint)r0 * c), X + ((nint)r0 * c), n, c, Mean, blockDy, blockDyDev, Width);
                for (int ch = 0; ch < c; ch++)
                {
                    sumDy[ch] += blockDy[ch];
                    sumDyDev[ch] += blockDyDev[ch];
                }
            }
        }
    }

    private struct GradientWork : IWorkItems
    {
        public float* Dy, X, K1, K2, K3, Dx;
        public int Rows, Channels, RowsPerItem;
        public VectorWidth Width;

        public readonly void Run(int item)
        {
            int first = item * RowsPerItem, last = Math.Min(first + RowsPerItem, Rows);
            for (int r0 = first; r0 < last; r0 += BlockRows)
            {
                nint o = (nint)r0 * Channels;
                Loops.Gradient(Dy + o, X + o, Math.Min(BlockRows, last - r0), Channels, K1, K2, K3, Dx + o, Width);
            }
        }
    }
}
