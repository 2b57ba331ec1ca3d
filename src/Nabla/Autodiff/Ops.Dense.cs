using Nabla.Kernels;
using Nabla.Tensors;

namespace Nabla.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// A fully connected layer's computation, fused: activation(x·kernel + bias), as Keras's <c>Dense</c> layer
    /// computes it.
    /// </summary>
    /// <param name="x">Input of shape [..., inputDim], rank 2 or more; leading axes are treated as rows.</param>
    /// <param name="kernel">Weights of shape [inputDim, units].</param>
    /// <param name="bias">Optional bias of shape [units], added to every row. Default null (no bias).</param>
    /// <param name="activation">
    /// Keras name of the activation: "relu", "sigmoid", "tanh", "softmax", "elu", "selu", "gelu", "leaky_relu",
    /// "softplus", "swish"/"silu", or "linear". Default null, which means linear (no activation).
    /// </param>
    /// <returns>A tensor of shape [..., units].</returns>
    /// <remarks>
    /// One matrix product writes the output, then the bias and the activation are applied in a single pass over
    /// each output row while it is still in cache. The backward pass computes dKernel = xᵀ·dZ, dBias = Σ_rows dZ and
    /// dx = dZ·kernelᵀ (only when x needs a gradient), with dZ = g ⊙ activation′. The pre-activation is kept only
    /// for activations whose derivative needs it (not for relu, sigmoid, tanh, softmax or linear).
    /// </remarks>
    /// <example>
    /// <code>
    /// Tensor h = Ops.Dense(x, w1, b1, "relu");     // [32, 784] · [784, 128] + [128]
    /// Tensor logits = Ops.Dense(h, w2, b2);          // [32, 10]
    /// </code>
    /// </example>
    /// <exception cref="ShapeMismatchException">
    /// The kernel is not rank 2, <paramref name="x"/> has rank below 2 or a last axis other than the kernel's first,
    /// or the bias is not [units].
    /// </exception>
    /// <exception cref="ArgumentException">The activation name is unknown (the message lists the known names).</exception>
    public static Tensor Dense(Tensor x, Tensor kernel, Tensor? bias = null, string? activation = null) =>
        Dense(x, kernel, bias, ActivationTable.Parse(activation));

    /// <summary>The fused dense op with an already parsed activation (layers parse their name once).</summary>
    internal static Tensor Dense(Tensor x, Tensor kernel, Tensor? bias, ActivationDescriptor activation)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(kernel);
        CheckDenseShapes(x, kernel, bias);
        int inputDim = kernel.Dim(0), units = kernel.Dim(1), rows = ShapeUtil.Product(x.Dims[..^1]);
        Span<int> dims = stackalloc int[x.Rank];
        x.Dims.CopyTo(dims);
        dims[^1] = units;

        Tensor y = OpSupport.Empty(dims, x);
        Compute.Gemm("Dense", false, false, rows, units, inputDim, x, inputDim, kernel, units, y, units);

        ActivationDescriptor f = activation;
        Tape? tape = OpSupport.TapeFor(x, kernel, bias);
        Tensor? pre = tape is not null && f.NeedsInput ? OpSupport.Empty(dims, x) : null;
        Compute.ActivationForward("Dense", f, y, bias, y, pre, units);
        tape?.Record<DenseNode>(y, x, kernel, bias).Set(x, kernel, bias, pre, f);

        return y;
    }

    private static void CheckDenseShapes(Tensor x, Tensor kernel, Tensor? bias)
    {
        // Checked on every call, so nothing is formatted unless a check fails (the warm step allocates nothing).
        if (kernel.Rank != 2)
        {
            string k = ShapeUtil.Format(kernel.Dims);
            throw new ShapeMismatchException("Dense", "[inputDim, units]", k,
                $"Dense expects a kernel of rank 2 ([inputDim, units]), but received kernel shape {k}.");
        }

        int inputDim = kernel.Dim(0), units = kernel.Dim(1);
        if (x.Rank < 2 || x.Dim(-1) != inputDim)
        {
            throw BadDenseInput(x, kernel);
        }

        if (bias is not null && (bias.Rank != 1 || bias.Dim(0) != units))
        {
            string b = ShapeUtil.Format(bias.Dims);
            throw new ShapeMismatchException("Dense", $"[{units}]", b,
                $"Dense: bias must have shape [{units}] to match kernel {ShapeUtil.Format(kernel.Dims)}, but received bias shape {b}.");
        }
    }

    private static ShapeMismatchException BadDenseInput(Tensor x, Tensor kernel)
    {
        int inputDim = kernel.Dim(0);
        string s = ShapeUtil.Format(x.Dims), k = ShapeUtil.Format(kernel.Dims);
        string expected = $"[batch, ..., {inputDim}]";
        if (x.Rank < 2)
        {
            return new ShapeMismatchException("Dense", expected, s,
                $"Dense: kernel {k} expects input of rank 2 or more ({expected}), but received shape {s}. " +
                "Add a batch axis first, e.g. x.Reshape(1, -1).");
        }

        string hint = x.Rank > 2 && ShapeUtil.Product(x.Dims[1..]) == inputDim
            ? $" Flatten the input to [{x.Dim(0)}, {inputDim}] first (a Flatten layer, or x.Reshape({x.Dim(0)}, -1))."
            : string.Empty;
        return new ShapeMismatchException("Dense", expected, s,
            $"Dense: kernel {k} expects input with last axis {inputDim}, but received shape {s}.{hint}");
    }

    private sealed class DenseNode : TapeNode
    {
        public Tensor X = null!, Kernel = null!;
        public Tensor? Bias, PreActivation;
        public ActivationDescriptor Activation = null!;

        public override string Name => "Dense";

        public void Set(Tensor x, Tensor kernel, Tensor? bias, Tensor? preActivation, ActivationDescriptor activation) =>
            (X, Kernel, Bias, PreActivation, Activation) = (x, kernel, bias, preActivation, activation);

        // y = f(z), z = x·W + b over rows of x ([rows, K]·[K, U]):
        //   dZ = g ⊙ f'(·)   (row-wise softmax Jacobian for softmax; dZ = g for linear)
        //   dW = xᵀ·dZ,  db = Σ_rows dZ,  dx = dZ·Wᵀ
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor x = X, kernel = Kernel;
            Tensor? bias = Bias;
            bool needX = tape.NeedsGradient(x), needKernel = tape.NeedsGradient(kernel), needBias = tape.NeedsGradient(bias);
            if (!needX && !needKernel && !needBias)
            {
                return;
            }

            ActivationDescriptor f = Activation;
            int inputDim = kernel.Dim(0), units = kernel.Dim(1), rows = units == 0 ? 0 : grad.Size / units;
            Tensor? db = needBias ? OpSupport.Empty(bias!.Dims, grad) : null;
            Tensor dz;
            if (f.IsLinear)
            {
                dz = grad;
                if (db is not null)
                {
                    Compute.SumTo("Dense", grad, db);
                }
            }
            else
            {
                dz = OpSupport.Empty(grad.Dims, grad);
                Tensor v = f.DerivativeFromOutput ? Output : PreActivation!;
                Compute.ActivationBackward("Dense", f, grad, v, dz, db, units);
            }

            if (needKernel)
            {
                Tensor dk = OpSupport.Empty(kernel.Dims, grad);
                Compute.Gemm("Dense", true, false, inputDim, units, rows, x, inputDim, dz, units, dk, units);
                tape.Accumulate(kernel, dk, owned: true);
            }

            if (needX)
            {
                Tensor dx = OpSupport.Empty(x.Dims, grad);
                Compute.Gemm("Dense", false, true, rows, inputDim, units, dz, units, kernel, units, dx, inputDim);
                tape.Accumulate(x, dx, owned: true);
            }

            if (db is not null)
            {
                tape.Accumulate(bias, db, owned: true);
            }
        }
    }
}
