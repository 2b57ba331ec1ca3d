using ILGPU;
using ILGPU.Runtime;

namespace Nabla.Gpu.Kernels;

/// <summary>
/// The built-in metrics on the device: the per-sample values of the accuracy family (the CPU engine's span code in
/// <c>Nabla.Metrics</c>, rule for rule), and the weighted sums a metric folds into its state, so that a device model's
/// metrics read back a few numbers per batch instead of its targets and predictions.
/// </summary>
/// <remarks>
/// <para>
/// Values: one thread per row, the CPU's loop over the row: the same comparisons, the same first-index arg-max (the first
/// NaN wins; −0 does not beat +0 nor the reverse), the same top-k count, the same float division, so the values are the
/// CPU's bit for bit.
/// </para>
/// <para>
/// Sums: one thread walks the values in the CPU's order and accumulates in double as <c>SampleWeighting</c> does, then
/// writes each double's 64 bits into two floats (high word first), so the host reads back the CPU's doubles exactly
/// (on a GPU whose compiler fuses a multiply and an add, to the last bit of a double). The batches are small (batch ×
/// outputs), and a metric's sums are one launch of one thread.
/// </para>
/// </remarks>
internal sealed class MetricKernels(GpuDevice device)
{
    /// <summary>Accuracy: the fraction of equal elements in the row.</summary>
    public const int Accuracy = 0;

    /// <summary>BinaryAccuracy: the fraction of elements whose thresholded prediction equals the label.</summary>
    public const int Binary = 1;

    /// <summary>CategoricalAccuracy: 1 where the arg-max of the prediction row equals the arg-max of the label row.</summary>
    public const int Categorical = 2;

    /// <summary>SparseCategoricalAccuracy: 1 where the arg-max of the prediction row equals the label.</summary>
    public const int SparseCategorical = 3;

    /// <summary>TopKCategoricalAccuracy: 1 where the label row's arg-max is among the k largest predictions.</summary>
    public const int TopK = 4;

    /// <summary>SparseTopKCategoricalAccuracy: 1 where the class id is among the k largest predictions.</summary>
    public const int SparseTopK = 5;

    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ValuesShape>? _values;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>? _sums;

    /// <summary>
    /// values[r] for r &lt; rows of metric <paramref name="kind"/> over rows of <paramref name="width"/> predictions;
    /// <paramref name="yTrue"/> holds rows of the same width, or one class id per row for the sparse kinds.
    /// </summary>
    public void Values(int kind, ArrayView<float> yTrue, ArrayView<float> yPred, int rows, int width, float threshold, int k, ArrayView<float> values)
    {
        const string name = "MetricValues";
        Check.NonNegative(name, rows, nameof(rows));
        Check.NonNegative(name, width, nameof(width));
        if ((uint)kind > SparseTopK)
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, $"{name}: expected a metric kind from 0 to {SparseTopK}, but received {kind}.");
        }

        bool sparse = kind is SparseCategorical or SparseTopK;
        Check.Length(name, yPred, (long)rows * width, nameof(yPred));
        Check.Length(name, yTrue, sparse ? rows : (long)rows * width, nameof(yTrue));
        Check.Length(name, values, rows, nameof(values));
        if (rows == 0)
        {
            return;
        }

        try
        {
            _values ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ValuesShape>(ValuesKernel);
            _values(device.ElementwiseConfig(rows), yTrue, yPred, values, new ValuesShape(rows, width, kind, threshold, k));
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail(name, e);
        }
    }

    /// <summary>
    /// The weighted sums of <paramref name="outer"/> groups of <paramref name="inner"/> values: with w = weights[p] (1
    /// without weights) and g = Σ of group p (÷ inner when <paramref name="mean"/>), ΣW = Σ w and ΣWV = Σ w·g, summed
    /// in double in order; sums[0..2] hold ΣWV's bits and sums[2..4] ΣW's (high word first).
    /// </summary>
    public void WeightedSums(ArrayView<float> values, ArrayView<float> weights, bool hasWeights, int outer, int inner, bool mean, ArrayView<float> sums)
    {
        const string name = "MetricSums";
        Check.NonNegative(name, outer, nameof(outer));
        Check.NonNegative(name, inner, nameof(inner));
        Check.Length(name, values, (long)outer * inner, nameof(values));
        if (hasWeights)
        {
            Check.Length(name, weights, outer, nameof(weights));
        }

        Check.Length(name, sums, 4, nameof(sums));
        try
        {
            _sums ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(SumsKernel);
            device.Launches++;
            _sums(new KernelConfig(1, 1), values, hasWeights ? weights : values, sums, outer, inner, (hasWeights ? 1 : 0) | (mean ? 2 : 0));
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail(name, e);
        }
    }

    private static void ValuesKernel(ArrayView<float> t, ArrayView<float> p, ArrayView<float> values, ValuesShape s)
    {
        int width = s.Width;
        for (int r = Grid.GlobalIndex.X; r < s.Rows; r += Grid.DimX * Group.DimX)
        {
            long row = (long)r * width;
            float value;
            if (s.Kind == Accuracy || s.Kind == Binary)
            {
                int matches = 0;
                for (int j = 0; j < width; j++)
                {
                    float predicted = s.Kind == Binary ? (p[row + j] > s.Threshold ? 1f : 0f) : p[row + j];
                    matches += t[row + j] == predicted ? 1 : 0;
                }

                value = (float)matches / width;
            }
            else if (s.Kind == Categorical)
            {
                value = ArgMax(t, row, width) == ArgMax(p, row, width) ? 1f : 0f;
            }
            else if (s.Kind == SparseCategorical)
            {
                value = t[r] == ArgMax(p, row, width) ? 1f : 0f;
            }
            else
            {
                int target = s.Kind == TopK ? ArgMax(t, row, width) : ClassId(t[r], width);
                value = InTopK(p, row, width, target, s.K) ? 1f : 0f;
            }

            values[r] = value;
        }
    }

    // MetricShapes.ArgMax: the first largest value; the first NaN wins.
    private static int ArgMax(ArrayView<float> x, long row, int width)
    {
        int best = 0;
        for (int j = 0; j < width; j++)
        {
            float v = x[row + j];
            if (float.IsNaN(v))
            {
                return j;
            }

            if (v > x[row + best])
            {
                best = j;
            }
        }

        return best;
    }

    // MetricShapes.InTopK: fewer than k scores above the target's; a target outside the row or a NaN score is not in.
    private static bool InTopK(ArrayView<float> p, long row, int width, int target, int k)
    {
        if (target < 0 || target >= width)
        {
            return false;
        }

        float score = p[row + target];
        if (float.IsNaN(score))
        {
            return false;
        }

        int greater = 0;
        for (int j = 0; j < width; j++)
        {
            greater += p[row + j] > score ? 1 : 0;
        }

        return greater < k;
    }

    // TopKAccuracy.ClassId: a finite label in (−1, classes) truncated, else −1 (NaN and infinities fail both tests).
    private static int ClassId(float label, int classes) => label > -1f && label < classes ? (int)label : -1;

    private static void SumsKernel(ArrayView<float> values, ArrayView<float> weights, ArrayView<float> sums, int outer, int inner, int flags)
    {
        if (Grid.GlobalIndex.X != 0)
        {
            return;
        }

        bool weighted = (flags & 1) != 0, mean = (flags & 2) != 0;
        double sumW = 0, sumWV = 0;
        for (int g = 0; g < outer; g++)
        {
            double w = weighted ? weights[g] : 1.0;
            double group = 0;
            long start = (long)g * inner;
            for (int j = 0; j < inner; j++)
            {
                group += values[start + j];
            }

            sumW += w;
            sumWV += w * (mean ? group / inner : group);
        }

        Store(sums, 0, sumWV);
        Store(sums, 2, sumW);
    }

    private static void Store(ArrayView<float> sums, int at, double value)
    {
        ulong bits = Interop.FloatAsInt(value);
        sums[at] = Interop.IntAsFloat((uint)(bits >> 32));
        sums[at + 1] = Interop.IntAsFloat((uint)bits);
    }

    /// <summary>The sizes and settings of a values launch, as one kernel argument.</summary>
    internal readonly record struct ValuesShape(int Rows, int Width, int Kind, float Threshold, int K);
}
