using ILGPU;
using ILGPU.Runtime;

namespace Nabla.Gpu.Kernels;

/// <summary>
/// Row-wise kernels over a row-major [rows, cols] matrix: softmax and log-softmax (optionally after adding a bias
/// row, the fused Dense + softmax), their backward rules, and softmax cross-entropy with integer labels or target
/// distributions, forward and backward.
/// </summary>
/// <remarks>
/// <para>
/// One group per row, with tree reductions in shared memory (<see cref="GroupReduce"/>). The numerics are the CPU engine's
/// (<c>Softmax</c>, <c>Ops.SoftmaxCrossEntropy</c>): each row is shifted by its maximum m before exponentiating, softmax is
/// e^(x−m)/Σe^(x−m), log-softmax (x − m) − ln Σe^(x−m); a row without a finite maximum yields NaN. Destinations may
/// alias sources exactly.
/// </para>
/// <para>
/// Labels are class ids stored as floats, as the CPU engine stores them. The GPU does not validate them (that would
/// need a copy back): a label that is not an integer in [0, cols) gives a NaN loss and a NaN gradient row, so check
/// labels on the host where they come from.
/// </para>
/// </remarks>
internal sealed class RowKernels(GpuDevice device)
{
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, RowShape>? _softmax;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>? _backward;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>? _crossEntropy;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>? _crossEntropyBackward;

    /// <summary>y[r, :] = softmax(x[r, :]).</summary>
    public void Softmax(ArrayView<float> x, ArrayView<float> y, int rows, int cols) =>
        Forward("Softmax", x, default, y, default, rows, cols, log: false);

    /// <summary>y[r, :] = log_softmax(x[r, :]) = (x − m) − ln Σ e^(x − m).</summary>
    public void LogSoftmax(ArrayView<float> x, ArrayView<float> y, int rows, int cols) =>
        Forward("LogSoftmax", x, default, y, default, rows, cols, log: true);

    /// <summary>
    /// z = x + bias (bias added to every row), y = softmax(z) per row, and z stored in <paramref name="pre"/> unless it is
    /// empty: the fused Dense layer with a softmax activation.
    /// </summary>
    public void BiasSoftmax(ArrayView<float> x, ArrayView<float> bias, ArrayView<float> y, ArrayView<float> pre, int rows, int cols)
    {
        Check.Length("BiasSoftmax", bias, cols, nameof(bias));
        Forward("BiasSoftmax", x, bias, y, pre, rows, cols, log: false);
    }

    /// <summary>Softmax backward from its output y: dx = y ⊙ (g − Σ g⊙y) per row.</summary>
    public void SoftmaxBackward(ArrayView<float> y, ArrayView<float> g, ArrayView<float> dx, int rows, int cols) =>
        Backward("SoftmaxBackward", y, g, dx, rows, cols, log: false);

    /// <summary>Log-softmax backward from its output y: dx = g − e^y·Σg per row.</summary>
    public void LogSoftmaxBackward(ArrayView<float> y, ArrayView<float> g, ArrayView<float> dx, int rows, int cols) =>
        Backward("LogSoftmaxBackward", y, g, dx, rows, cols, log: true);

    /// <summary>
    /// Sparse softmax cross-entropy: logProbs = log_softmax(logits) per row and loss[r] = −logProbs[r, labels[r]]
    /// (Keras's <c>sparse_categorical_crossentropy</c> from logits, before the batch reduction).
    /// </summary>
    public void SparseCrossEntropy(ArrayView<float> logits, ArrayView<float> labels, ArrayView<float> logProbs, ArrayView<float> loss, int rows, int cols) =>
        CrossEntropy("SparseCrossEntropy", logits, labels, logProbs, loss, rows, cols, sparse: true);

    /// <summary>dlogits[r, :] = (e^logProbs[r, :] − onehot(labels[r]))·g[r].</summary>
    public void SparseCrossEntropyBackward(ArrayView<float> logProbs, ArrayView<float> labels, ArrayView<float> g, ArrayView<float> dx, int rows, int cols) =>
        CrossEntropyBackward("SparseCrossEntropyBackward", logProbs, labels, g, dx, rows, cols, sparse: true);

    /// <summary>Softmax cross-entropy with target distributions: loss[r] = −Σ_c targets[r, c]·logProbs[r, c].</summary>
    public void CrossEntropy(ArrayView<float> logits, ArrayView<float> targets, ArrayView<float> logProbs, ArrayView<float> loss, int rows, int cols) =>
        CrossEntropy("CrossEntropy", logits, targets, logProbs, loss, rows, cols, sparse: false);

    /// <summary>dlogits[r, :] = (e^logProbs[r, :]·Σ_c t[r, c] − t[r, :])·g[r].</summary>
    public void CrossEntropyBackward(ArrayView<float> logProbs, ArrayView<float> targets, ArrayView<float> g, ArrayView<float> dx, int rows, int cols) =>
        CrossEntropyBackward("CrossEntropyBackward", logProbs, targets, g, dx, rows, cols, sparse: false);

    private void Forward(string name, ArrayView<float> x, ArrayView<float> bias, ArrayView<float> y, ArrayView<float> pre, int rows, int cols, bool log)
    {
        int total = CheckRows(name, rows, cols);
        Check.Length(name, x, total, nameof(x));
        Check.Length(name, y, total, nameof(y));
        bool storePre = pre.Length > 0;
        if (storePre)
        {
            Check.Length(name, pre, total, nameof(pre));
        }

        if (total == 0)
        {
            return;
        }

        var shape = new RowShape(rows, cols, log ? 1 : 0, bias.Length > 0 ? 1 : 0, storePre ? 1 : 0);
        try
        {
            _softmax ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, RowShape>(SoftmaxKernel);
            // An empty view is a null pointer, which a kernel must not receive: pass x in its place (never read then).
            _softmax(device.RowConfig(rows, cols), x, shape.HasBias != 0 ? bias : x, y, storePre ? pre : y, shape);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail(name, e);
        }
    }

    private void Backward(string name, ArrayView<float> y, ArrayView<float> g, ArrayView<float> dx, int rows, int cols, bool log)
    {
        int total = CheckRows(name, rows, cols);
        Check.Length(name, y, total, nameof(y));
        Check.Length(name, g, total, nameof(g));
        Check.Length(name, dx, total, nameof(dx));
        if (total == 0)
        {
            return;
        }

        try
        {
            _backward ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(BackwardKernel);
            _backward(device.RowConfig(rows, cols), y, g, dx, rows, cols, log ? 1 : 0);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail(name, e);
        }
    }

    private void CrossEntropy(string name, ArrayView<float> logits, ArrayView<float> labels, ArrayView<float> logProbs, ArrayView<float> loss,
        int rows, int cols, bool sparse)
    {
        int total = CheckRows(name, rows, cols);
        Check.Positive(name, cols, nameof(cols));
        Check.Length(name, logits, total, nameof(logits));
        Check.Length(name, labels, sparse ? rows : total, sparse ? "labels" : "targets");
        Check.Length(name, logProbs, total, nameof(logProbs));
        Check.Length(name, loss, rows, nameof(loss));
        if (rows == 0)
        {
            return;
        }

        try
        {
            _crossEntropy ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(CrossEntropyKernel);
            _crossEntropy(device.RowConfig(rows, cols), logits, labels, logProbs, loss, rows, cols, sparse ? 1 : 0);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail(name, e);
        }
    }

    private void CrossEntropyBackward(string name, ArrayView<float> logProbs, ArrayView<float> labels, ArrayView<float> g, ArrayView<float> dx,
        int rows, int cols, bool sparse)
    {
        int total = CheckRows(name, rows, cols);
        Check.Positive(name, cols, nameof(cols));
        Check.Length(name, logProbs, total, nameof(logProbs));
        Check.Length(name, labels, sparse ? rows : total, sparse ? "labels" : "targets");
        Check.Length(name, g, rows, nameof(g));
        Check.Length(name, dx, total, nameof(dx));
        if (rows == 0)
        {
            return;
        }

        try
        {
            _crossEntropyBackward ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(CrossEntropyBackwardKernel);
            _crossEntropyBackward(device.RowConfig(rows, cols), logProbs, labels, g, dx, rows, cols, sparse ? 1 : 0);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail(name, e);
        }
    }

    private static int CheckRows(string name, int rows, int cols)
    {
        Check.NonNegative(name, rows, nameof(rows));
        Check.NonNegative(name, cols, nameof(cols));
        return Check.Product(name, (long)rows * cols, "the matrix");
    }

    // The row's maximum, then Σ e^(x − m) (writing e^(x − m) into y for softmax), then the normalisation.
    private static void SoftmaxKernel(ArrayView<float> x, ArrayView<float> bias, ArrayView<float> y, ArrayView<float> pre, RowShape s)
    {
        ArrayView<float> scratch = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        for (int row = Grid.IdxX; row < s.Rows; row += Grid.DimX)
        {
            long start = (long)row * s.Cols;
            float m = float.NegativeInfinity;
            for (int c = Group.IdxX; c < s.Cols; c += Group.DimX)
            {
                float z = x[start + c] + (s.HasBias != 0 ? bias[c] : 0f);
                if (s.StorePre != 0)
                {
                    pre[start + c] = z;
                }

                m = GroupReduce.Combine(GroupReduce.Max, m, z);
            }

            m = GroupReduce.All(scratch, GroupReduce.Max, m);
            float sum = 0f;
            for (int c = Group.IdxX; c < s.Cols; c += Group.DimX)
            {
                float z = x[start + c] + (s.HasBias != 0 ? bias[c] : 0f);
                float e = GpuMath.Exp(z - m);
                sum += e;
                if (s.Log == 0)
                {
                    y[start + c] = e;
                }
            }

            sum = GroupReduce.All(scratch, GroupReduce.Sum, sum);
            float logSum = GpuMath.Log(sum);
            for (int c = Group.IdxX; c < s.Cols; c += Group.DimX)
            {
                if (s.Log == 0)
                {
                    y[start + c] /= sum;
                }
                else
                {
                    float z = x[start + c] + (s.HasBias != 0 ? bias[c] : 0f);
                    y[start + c] = (z - m) - logSum;
                }
            }
        }
    }

    private static void BackwardKernel(ArrayView<float> y, ArrayView<float> g, ArrayView<float> dx, int rows, int cols, int log)
    {
        ArrayView<float> scratch = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        for (int row = Grid.IdxX; row < rows; row += Grid.DimX)
        {
            long start = (long)row * cols;
            float acc = 0f;
            for (int c = Group.IdxX; c < cols; c += Group.DimX)
            {
                acc += log != 0 ? g[start + c] : g[start + c] * y[start + c];
            }

            acc = GroupReduce.All(scratch, GroupReduce.Sum, acc);
            for (int c = Group.IdxX; c < cols; c += Group.DimX)
            {
                long at = start + c;
                dx[at] = log != 0 ? g[at] - (GpuMath.Exp(y[at]) * acc) : (g[at] - acc) * y[at];
            }
        }
    }

    private static void CrossEntropyKernel(ArrayView<float> logits, ArrayView<float> labels, ArrayView<float> logProbs, ArrayView<float> loss, int rows, int cols, int sparse)
    {
        ArrayView<float> scratch = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        for (int row = Grid.IdxX; row < rows; row += Grid.DimX)
        {
            long start = (long)row * cols;
            float m = float.NegativeInfinity;
            for (int c = Group.IdxX; c < cols; c += Group.DimX)
            {
                m = GroupReduce.Combine(GroupReduce.Max, m, logits[start + c]);
            }

            m = GroupReduce.All(scratch, GroupReduce.Max, m);
            float sum = 0f;
            for (int c = Group.IdxX; c < cols; c += Group.DimX)
            {
                sum += GpuMath.Exp(logits[start + c] - m);
            }

            float logSum = GpuMath.Log(GroupReduce.All(scratch, GroupReduce.Sum, sum));
            float label = sparse != 0 ? labels[row] : 0f;
            bool valid = sparse == 0 || (label >= 0f && label < cols && label == MathF.Floor(label));
            float picked = 0f;
            for (int c = Group.IdxX; c < cols; c += Group.DimX)
            {
                float lp = (logits[start + c] - m) - logSum;
                logProbs[start + c] = lp;
                picked += sparse != 0 ? (c == (int)label ? lp : 0f) : labels[start + c] * lp;
            }

            picked = GroupReduce.All(scratch, GroupReduce.Sum, picked);
            if (Group.IdxX == 0)
            {
                loss[row] = valid ? -picked : float.NaN;
            }
        }
    }

    private static void CrossEntropyBackwardKernel(ArrayView<float> logProbs, ArrayView<float> labels, ArrayView<float> g, ArrayView<float> dx, int rows, int cols, int sparse)
    {
        ArrayView<float> scratch = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        for (int row = Grid.IdxX; row < rows; row += Grid.DimX)
        {
            long start = (long)row * cols;
            float gr = g[row];
            float scale = gr;
            if (sparse == 0)
            {
                float total = 0f;
                for (int c = Group.IdxX; c < cols; c += Group.DimX)
                {
                    total += labels[start + c];
                }

                scale = GroupReduce.All(scratch, GroupReduce.Sum, total) * gr;
            }

            float label = sparse != 0 ? labels[row] : 0f;
            bool valid = sparse == 0 || (label >= 0f && label < cols && label == MathF.Floor(label));
            for (int c = Group.IdxX; c < cols; c += Group.DimX)
            {
                long at = start + c;
                float d = GpuMath.Exp(logProbs[at]) * scale;
                d = sparse != 0 ? (c == (int)label ? d - gr : d) : d - (labels[at] * gr);
                dx[at] = valid ? d : float.NaN;
            }
        }
    }

    /// <summary>A softmax launch's sizes and switches, as one kernel argument.</summary>
    internal readonly record struct RowShape(int Rows, int Cols, int Log, int HasBias, int StorePre);
}
