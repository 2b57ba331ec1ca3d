using Nabla.Kernels;

namespace Nabla.Autodiff;

/// <summary>The identity (Keras <c>"linear"</c>, or no activation): a fused op only adds the bias, and the derivative is g itself.</summary>
internal sealed class LinearActivation : ActivationDescriptor
{
    /// <summary>Creates the descriptor.</summary>
    public LinearActivation()
        : base("linear", derivativeFromOutput: false)
    {
    }

    /// <inheritdoc/>
    public override bool IsLinear => true;

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x;
    }

    /// <inheritdoc/>
    public override void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, Span<float> pre, int cols)
    {
        if (!bias.IsEmpty)
        {
            ActivationDriver.MapBias(new IdentityOp(), x, bias, y, pre);
            return;
        }

        if (!pre.IsEmpty)
        {
            x.CopyTo(pre);
        }

        x.CopyTo(y);
    }

    /// <inheritdoc/>
    public override void Backward(ReadOnlySpan<float> g, ReadOnlySpan<float> v, Span<float> dx, Span<float> biasGrad, int cols)
    {
        g.CopyTo(dx);
        ColumnSums(dx[..g.Length], biasGrad);
    }
}
