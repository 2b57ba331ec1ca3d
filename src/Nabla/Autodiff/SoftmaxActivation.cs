using Nabla.Kernels;

namespace Nabla.Autodiff;

/// <summary>Softmax over the last axis: rows of <c>cols</c>, its derivative the row-wise Jacobian product y ⊙ (g − Σ g·y).</summary>
internal sealed class SoftmaxActivation : ActivationDescriptor
{
    /// <summary>Creates the descriptor.</summary>
    public SoftmaxActivation()
        : base("softmax", derivativeFromOutput: true, keepsLogits: true)
    {
    }

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x) => Ops.Softmax(x);

    /// <inheritdoc/>
    public override void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, Span<float> pre, int cols)
    {
        // Bias and softmax row by row, so each row is still in L1 when softmax reads it back.
        for (int start = 0; start < x.Length; start += cols)
        {
            Span<float> row = y.Slice(start, cols);
            Span<float> preRow = pre.IsEmpty ? default : pre.Slice(start, cols);
            if (bias.IsEmpty)
            {
                x.Slice(start, cols).CopyTo(row);
                if (!preRow.IsEmpty)
                {
                    row.CopyTo(preRow);
                }
            }
            else
            {
                ActivationDriver.MapBias(new IdentityOp(), x.Slice(start, cols), bias, row, preRow);
            }

            Softmax.SoftmaxRows(row, row, 1, cols);
        }
    }

    /// <inheritdoc/>
    public override void Backward(ReadOnlySpan<float> g, ReadOnlySpan<float> v, Span<float> dx, Span<float> biasGrad, int cols)
    {
        int rows = cols == 0 ? 0 : g.Length / cols;
        Softmax.SoftmaxBackwardRows(v, g, dx, rows, cols);
        ColumnSums(dx[..g.Length], biasGrad);
    }
}
