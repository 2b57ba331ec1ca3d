using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>
/// Calls, on small arrays of its own, the code that <see cref="Precompilation"/> cannot ask the runtime to compile
/// ahead by reflection: the <see cref="TensorPrimitives"/> functions, and the generic instantiations that the first
/// training step of a dense model reaches inside the kernels (the GEMM edge tiles, the ReLU gradient's column sums,
/// the vector exponentials of softmax).
/// </summary>
/// <remarks>
/// Each call computes a result that is checked against the value it must have; <see cref="Run"/> returns how many
/// were wrong (none is expected), so a test can tell that the calls ran the kernels and not a shortcut. Everything is
/// local to the call: no state of the library changes. In the main sample's fresh process these instantiations were
/// compiled on the training thread during its first step (about 20 ms of it) before this class ran them ahead.
/// </remarks>
internal static unsafe class Rehearsal
{
    /// <summary>Runs every rehearsal on this machine's vector paths.</summary>
    /// <returns>How many results differed from the values they must have.</returns>
    public static int Run()
    {
        int wrong = TensorPrimitivesCalls();
        wrong += Gemm.ActivePath switch
        {
            GemmPath.Avx512 => EdgeTiles<GemmMicroKernelAvx512>(),
            GemmPath.Avx2 => EdgeTiles<GemmMicroKernelAvx2>(),
            _ => EdgeTiles<GemmMicroKernelScalar>(),
        };
        wrong += ReluColumnSums(cols: 16) + ReluColumnSums(cols: 8) + ReluColumnSums(cols: 10);
        wrong += SoftmaxRows(rows: 2, cols: 10) + SoftmaxRows(rows: Softmax.NarrowMinRows, cols: 10) + SoftmaxRows(rows: 2, cols: 24);
        wrong += Fills();
        return wrong;
    }

    /// <summary>
    /// Runs <typeparamref name="TK"/>'s edge tile for every row count up to its <c>Mr</c> and for one column and
    /// <c>Nr</c> − 1 columns, on a depth-2 product of ones: every element written must be 2, every other one untouched.
    /// </summary>
    internal static int EdgeTiles<TK>()
        where TK : struct, IGemmMicroKernel
    {
        const int Depth = 2;
        const float Untouched = -1f;
        int mrMax = TK.Mr, nrMax = TK.Nr;
        float* a = stackalloc float[mrMax * Depth];
        float* b = stackalloc float[Depth * nrMax];
        float* c = stackalloc float[mrMax * nrMax];
        new Span<float>(a, mrMax * Depth).Fill(1f);
        new Span<float>(b, Depth * nrMax).Fill(1f);
        int wrong = 0;
        for (int mr = 1; mr <= mrMax; mr++)
        {
            foreach (int nr in (ReadOnlySpan<int>)[1, nrMax - 1])
            {
                new Span<float>(c, mrMax * nrMax).Fill(Untouched);
                TK.RunEdge(Depth, a, mrMax, b, nrMax, c, nrMax, accumulate: false, mr, nr);
                for (int i = 0; i < mrMax; i++)
                {
                    for (int j = 0; j < nrMax; j++)
                    {
                        float expected = i < mr && j < nr ? Depth : Untouched;
                        wrong += c[(i * nrMax) + j] == expected ? 0 : 1;
                    }
                }
            }
        }

        return wrong;
    }

    /// <summary>
    /// ReLU's gradient with its column sums over 4 rows of <paramref name="cols"/> columns (the bias gradient of a
    /// hidden layer): half the outputs are positive, so dx keeps half of g.
    /// </summary>
    internal static int ReluColumnSums(int cols)
    {
        const int Rows = 4;
        Span<float> g = stackalloc float[Rows * cols], y = stackalloc float[Rows * cols], dx = stackalloc float[Rows * cols];
        Span<float> sums = stackalloc float[cols];
        for (int i = 0; i < g.Length; i++)
        {
            g[i] = 1f + (i % cols);
            y[i] = (i / cols) % 2 == 0 ? 0.5f : 0f;
        }

        ActivationDriver.MapGradientColumnSums(new ReluGradientOp(), g, y, dx, sums);
        int wrong = 0;
        for (int i = 0; i < g.Length; i++)
        {
            wrong += dx[i] == (y[i] > 0f ? g[i] : 0f) ? 0 : 1;
        }

        for (int j = 0; j < cols; j++)
        {
            wrong += sums[j] == (Rows / 2) * (1f + j) ? 0 : 1;  // rows 0 and 2 pass
        }

        return wrong;
    }

    /// <summary>
    /// Softmax and log-softmax of <paramref name="rows"/> rows of <paramref name="cols"/> equal logits: every output
    /// must be 1 / cols, and ln(1 / cols).
    /// </summary>
    internal static int SoftmaxRows(int rows, int cols)
    {
        Span<float> x = stackalloc float[rows * cols], y = stackalloc float[rows * cols], ly = stackalloc float[rows * cols];
        x.Fill(0.25f);
        Softmax.SoftmaxRows(x, y, rows, cols);
        Softmax.LogSoftmaxRows(x, ly, rows, cols);
        int wrong = 0;
        for (int i = 0; i < y.Length; i++)
        {
            wrong += MathF.Abs(y[i] - (1f / cols)) <= 1e-6f ? 0 : 1;
            wrong += MathF.Abs(ly[i] + MathF.Log(cols)) <= 1e-6f ? 0 : 1;
        }

        return wrong;
    }

    // Span.Fill of float and int (the runtime's generic SpanHelpers.Fill), which the layers use to clear and set buffers.
    private static int Fills()
    {
        Span<float> f = stackalloc float[40];
        Span<int> n = stackalloc int[40];
        f.Fill(3f);
        n.Fill(3);
        return f.IndexOfAnyExcept(3f) < 0 && n.IndexOfAnyExcept(3) < 0 ? 0 : 1;
    }

    /// <summary>
    /// Runs the <see cref="TensorPrimitives"/> functions (float) that the library calls, on 40 elements, and checks
    /// two of them.
    /// </summary>
    private static int TensorPrimitivesCalls()
    {
        float[] a = new float[40], b = new float[40], c = new float[40], d = new float[40];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = 0.5f + (i * 0.01f);
            b[i] = 1f + (i * 0.02f);
        }

        TensorPrimitives.Add(a, b, d);
        int wrong = d[39] == a[39] + b[39] ? 0 : 1;
        TensorPrimitives.Add(a, 1f, d);
        TensorPrimitives.Subtract(a, b, d);
        TensorPrimitives.Subtract(a, 1f, d);
        TensorPrimitives.Multiply(a, b, d);
        TensorPrimitives.Multiply(a, 2f, d);
        TensorPrimitives.Divide(a, b, d);
        TensorPrimitives.Divide(a, 2f, d);
        TensorPrimitives.MultiplyAdd(a, b, c, d);
        TensorPrimitives.MultiplyAdd(a, 2f, c, d);
        TensorPrimitives.AddMultiply(a, b, c, d);
        TensorPrimitives.Negate(a, d);
        TensorPrimitives.Abs(a, d);
        TensorPrimitives.Sqrt(a, d);
        TensorPrimitives.Exp(a, d);
        TensorPrimitives.Log(a, d);
        TensorPrimitives.Tanh(a, d);
        TensorPrimitives.SoftMax(a, d);
        TensorPrimitives.Clamp(a, 0.6f, 0.7f, d);
        _ = TensorPrimitives.Sum(a);
        _ = TensorPrimitives.SumOfSquares(a);
        _ = TensorPrimitives.Dot(a, b);
        wrong += TensorPrimitives.Max(a) == a[39] ? 0 : 1;
        _ = TensorPrimitives.Min(a);
        _ = TensorPrimitives.IndexOfMax(a);
        _ = TensorPrimitives.IndexOfMin(a);
        TensorPrimitives.Max(a, b, d);
        TensorPrimitives.Min(a, b, d);
        TensorPrimitives.Max(a, 0.6f, d);
        TensorPrimitives.Min(a, 0.6f, d);
        return wrong;
    }
}
