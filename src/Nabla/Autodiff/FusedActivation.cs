using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla.Autodiff;

/// <summary>
/// An activation with its parameters (ELU's alpha, leaky ReLU's slope, GELU's approximation), dispatching to the
/// kernels for its forward pass (optionally fused with a bias add) and its derivative (optionally fused with the
/// bias gradient). Used by the activation ops and by the fused <see cref="Ops.Dense(Tensor, Tensor, Tensor?, string?)"/>.
/// </summary>
/// <param name="Kind">Which function.</param>
/// <param name="Alpha">ELU's alpha or leaky ReLU's negative slope; ignored by the others.</param>
/// <param name="Approximate">For GELU: the tanh approximation instead of the exact x·Φ(x).</param>
internal readonly record struct FusedActivation(ActivationKind Kind, float Alpha = 0f, bool Approximate = false)
{
    /// <summary>Keras's default parameters for <paramref name="kind"/> (elu alpha 1, leaky_relu slope 0.2, exact gelu).</summary>
    public static FusedActivation Of(ActivationKind kind) => kind switch
    {
        ActivationKind.Elu => new(kind, 1f),
        ActivationKind.LeakyRelu => new(kind, 0.2f),
        _ => new(kind),
    };

    /// <summary>
    /// True when the derivative is computed from the activation's output (ReLU, sigmoid, tanh, softmax) rather
    /// than its input; false for linear too, whose derivative needs neither.
    /// </summary>
    public bool DerivativeFromOutput => Kind is ActivationKind.Relu or ActivationKind.Sigmoid or ActivationKind.Tanh or ActivationKind.Softmax;

    /// <summary>True when the derivative needs the pre-activation input, which a fused op must then keep.</summary>
    public bool NeedsInput => Kind != ActivationKind.Linear && !DerivativeFromOutput;

    /// <summary>
    /// y = f(x + bias) over a [rows, cols] buffer, bias ([cols]) optional, storing x + bias into
    /// <paramref name="pre"/> when that is not empty. Elementwise kinds work on any length when there is no bias;
    /// softmax works per row of <paramref name="cols"/>. y may alias x.
    /// </summary>
    public void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, Span<float> pre, int cols)
    {
        switch (Kind)
        {
            case ActivationKind.Linear: Run(new IdentityOp(), x, bias, y, pre); break;
            case ActivationKind.Relu: Run(new ReluOp(), x, bias, y, pre); break;
            case ActivationKind.Sigmoid: Run(new SigmoidOp(), x, bias, y, pre); break;
            case ActivationKind.Tanh: Run(new TanhOp(), x, bias, y, pre); break;
            case ActivationKind.Elu: Run(new EluOp(Alpha), x, bias, y, pre); break;
            case ActivationKind.Selu: Run(new SeluOp(), x, bias, y, pre); break;
            case ActivationKind.Gelu when Approximate: Run(new GeluTanhOp(), x, bias, y, pre); break;
            case ActivationKind.Gelu: Run(new GeluOp(), x, bias, y, pre); break;
            case ActivationKind.LeakyRelu: Run(new LeakyReluOp(Alpha), x, bias, y, pre); break;
            case ActivationKind.Softplus: Run(new SoftplusOp(), x, bias, y, pre); break;
            case ActivationKind.Swish: Run(new SwishOp(), x, bias, y, pre); break;
            case ActivationKind.Softmax:
                // Bias and softmax row by row, so each row is still in L1 when softmax reads it back.
                for (int start = 0; start < x.Length; start += cols)
                {
                    Span<float> row = y.Slice(start, cols);
                    Run(new IdentityOp(), x.Slice(start, cols), bias, row, pre.IsEmpty ? default : pre.Slice(start, cols));
                    Softmax.SoftmaxRows(row, row, 1, cols);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Unknown activation kind.");
        }
    }

    /// <summary>
    /// dx = g ⊙ f'(·) over a [rows, cols] buffer, where <paramref name="v"/> is the output when
    /// <see cref="DerivativeFromOutput"/> and the pre-activation otherwise; also overwrites
    /// <paramref name="biasGrad"/> ([cols]) with the column sums of dx when it is not empty.
    /// </summary>
    public void Backward(ReadOnlySpan<float> g, ReadOnlySpan<float> v, Span<float> dx, Span<float> biasGrad, int cols)
    {
        switch (Kind)
        {
            case ActivationKind.Linear:
                g.CopyTo(dx);
                ColumnSums(dx[..g.Length], biasGrad);
                break;
            case ActivationKind.Relu: RunGradient(new ReluGradientOp(), g, v, dx, biasGrad); break;
            case ActivationKind.Sigmoid: RunGradient(new SigmoidGradientOp(), g, v, dx, biasGrad); break;
            case ActivationKind.Tanh: RunGradient(new TanhGradientOp(), g, v, dx, biasGrad); break;
            case ActivationKind.Elu: RunGradient(new EluGradientOp(Alpha), g, v, dx, biasGrad); break;
            case ActivationKind.Selu: RunGradient(new SeluGradientOp(), g, v, dx, biasGrad); break;
            case ActivationKind.Gelu when Approximate: RunGradient(new GeluTanhGradientOp(), g, v, dx, biasGrad); break;
            case ActivationKind.Gelu: RunGradient(new GeluGradientOp(), g, v, dx, biasGrad); break;
            case ActivationKind.LeakyRelu: RunGradient(new LeakyReluGradientOp(Alpha), g, v, dx, biasGrad); break;
            case ActivationKind.Softplus: RunGradient(new SoftplusGradientOp(), g, v, dx, biasGrad); break;
            case ActivationKind.Swish: RunGradient(new SwishGradientOp(), g, v, dx, biasGrad); break;
            case ActivationKind.Softmax:
                int rows = cols == 0 ? 0 : g.Length / cols;
                Softmax.SoftmaxBackwardRows(v, g, dx, rows, cols);
                ColumnSums(dx[..g.Length], biasGrad);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Unknown activation kind.");
        }
    }

    private static void Run<TOp>(in TOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, Span<float> pre)
        where TOp : struct, IActivationOp
    {
        if (!bias.IsEmpty)
        {
            ActivationDriver.MapBias(op, x, bias, y, pre);
            return;
        }

        if (!pre.IsEmpty)
        {
            x.CopyTo(pre);
        }

        ActivationDriver.Map(op, x, y);
    }

    private static void RunGradient<TOp>(in TOp op, ReadOnlySpan<float> g, ReadOnlySpan<float> v, Span<float> dx, Span<float> biasGrad)
        where TOp : struct, IActivationGradientOp
    {
        if (biasGrad.IsEmpty)
        {
            ActivationDriver.MapGradient(op, g, v, dx);
        }
        else
        {
            ActivationDriver.MapGradientColumnSums(op, g, v, dx, biasGrad);
        }
    }

    private static void ColumnSums(ReadOnlySpan<float> src, Span<float> sums)
    {
        if (sums.IsEmpty)
        {
            return;
        }

        sums.Clear();
        for (int start = 0; start < src.Length; start += sums.Length)
        {
            TensorPrimitives.Add(sums, src.Slice(start, sums.Length), sums);
        }
    }
}
