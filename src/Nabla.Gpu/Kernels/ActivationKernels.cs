using ILGPU;
using ILGPU.Runtime;

namespace Nabla.Gpu.Kernels;

/// <summary>
/// Elementwise activations and their derivatives, plain and in the row forms a fused Dense layer needs: bias add and
/// activation in one pass, and the derivative together with the bias gradient's column sums (the CPU engine's
/// <c>ActivationDriver</c> and <c>ActivationTable</c>).
/// </summary>
/// <remarks>Destinations may alias sources exactly. Softmax is a row operation: see <see cref="RowKernels"/>.</remarks>
internal sealed class ActivationKernels(GpuDevice device)
{
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, GpuActivation.Arguments>? _forward;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, GpuActivation.Arguments>? _backward;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BiasShape>? _biasForward;

    /// <summary>y[i] = f(x[i]) for i in [0, n).</summary>
    public void Forward(GpuActivation activation, ArrayView<float> x, ArrayView<float> y, int n)
    {
        const string name = "Activation";
        Check.NonNegative(name, n, nameof(n));
        Check.Length(name, x, n, nameof(x));
        Check.Length(name, y, n, nameof(y));
        try
        {
            _forward ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, GpuActivation.Arguments>(ForwardKernel);
            _forward(device.ElementwiseConfig(n), x, y, n, activation.Args);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail($"{name}.{activation.Function}", e);
        }
    }

    /// <summary>dx[i] = g[i]·f′(v[i]), v the output y for ReLU, sigmoid and tanh and the input x otherwise.</summary>
    public void Backward(GpuActivation activation, ArrayView<float> g, ArrayView<float> v, ArrayView<float> dx, int n)
    {
        const string name = "ActivationBackward";
        Check.NonNegative(name, n, nameof(n));
        Check.Length(name, g, n, nameof(g));
        Check.Length(name, v, n, nameof(v));
        Check.Length(name, dx, n, nameof(dx));
        try
        {
            _backward ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, GpuActivation.Arguments>(BackwardKernel);
            _backward(device.ElementwiseConfig(n), g, v, dx, n, activation.Args);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail($"{name}.{activation.Function}", e);
        }
    }

    /// <summary>
    /// For a [rows, cols] matrix: z = x + bias (bias added to every row), y = f(z), and z stored into <paramref name="pre"/>
    /// unless it is empty (the activations whose derivative reads the input need it).
    /// </summary>
    public void BiasForward(GpuActivation activation, ArrayView<float> x, ArrayView<float> bias, ArrayView<float> y, ArrayView<float> pre, int rows, int cols)
    {
        const string name = "BiasActivation";
        Check.NonNegative(name, rows, nameof(rows));
        Check.NonNegative(name, cols, nameof(cols));
        int n = Check.Product(name, (long)rows * cols, "x");
        Check.Length(name, x, n, nameof(x));
        Check.Length(name, bias, cols, nameof(bias));
        Check.Length(name, y, n, nameof(y));
        bool store = pre.Length > 0;
        if (store)
        {
            Check.Length(name, pre, n, nameof(pre));
        }

        if (n == 0)
        {
            return;
        }

        try
        {
            _biasForward ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BiasShape>(BiasForwardKernel);
            var shape = new BiasShape(n, cols, activation.Args, store ? 1 : 0);
            _biasForward(device.ElementwiseConfig(n), x, bias, y, store ? pre : y, shape);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail($"{name}.{activation.Function}", e);
        }
    }

    /// <summary>
    /// <see cref="Backward"/> over a [rows, cols] matrix, then <paramref name="columnSums"/> = Σ_rows dx (a dense layer's bias
    /// gradient, overwritten).
    /// </summary>
    public void BiasBackward(GpuActivation activation, ArrayView<float> g, ArrayView<float> v, ArrayView<float> dx, ArrayView<float> columnSums, int rows, int cols)
    {
        Check.NonNegative("BiasActivationBackward", rows, nameof(rows));
        Check.NonNegative("BiasActivationBackward", cols, nameof(cols));
        int n = Check.Product("BiasActivationBackward", (long)rows * cols, "g");
        Backward(activation, g, v, dx, n);
        device.Kernels.Reductions.ColumnSums(dx, rows, cols, columnSums);
    }

    private static void ForwardKernel(ArrayView<float> x, ArrayView<float> y, int n, GpuActivation.Arguments f)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX)
        {
            y[i] = GpuActivation.Apply(f, x[i]);
        }
    }

    private static void BackwardKernel(ArrayView<float> g, ArrayView<float> v, ArrayView<float> dx, int n, GpuActivation.Arguments f)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX)
        {
            dx[i] = GpuActivation.Derivative(f, g[i], v[i]);
        }
    }

    private static void BiasForwardKernel(ArrayView<float> x, ArrayView<float> bias, ArrayView<float> y, ArrayView<float> pre, BiasShape s)
    {
        for (int i = Grid.GlobalIndex.X; i < s.N; i += Grid.DimX * Group.DimX)
        {
            float z = x[i] + bias[i % s.Cols];
            if (s.StorePre != 0)
            {
                pre[i] = z;
            }

            y[i] = GpuActivation.Apply(s.Function, z);
        }
    }

    /// <summary>A bias-activation launch's sizes and function, as one kernel argument.</summary>
    internal readonly record struct BiasShape(int N, int Cols, GpuActivation.Arguments Function, int StorePre);
}
