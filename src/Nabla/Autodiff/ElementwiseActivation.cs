using Nabla.Kernels;

namespace Nabla.Autodiff;

/// <summary>
/// An activation applied element by element: a forward kernel op and its derivative op (with their parameters, such as
/// ELU's alpha), run by <see cref="ActivationDriver"/> with the bias fusions a dense layer needs.
/// </summary>
/// <typeparam name="TOp">The forward kernel op.</typeparam>
/// <typeparam name="TGradient">The derivative kernel op: dx = g·f'(v).</typeparam>
internal sealed class ElementwiseActivation<TOp, TGradient> : ActivationDescriptor
    where TOp : struct, IActivationOp
    where TGradient : struct, IActivationGradientOp
{
    private readonly TOp _op;
    private readonly TGradient _gradient;

    /// <summary>Creates the descriptor.</summary>
    public ElementwiseActivation(string name, TOp op, TGradient gradient, bool derivativeFromOutput, bool keepsLogits = false,
        string? kernel = null, float parameter = 0f)
        : base(name, derivativeFromOutput, keepsLogits, kernel, parameter)
    {
        _op = op;
        _gradient = gradient;
    }

    /// <inheritdoc/>
    public override bool IsRelu => typeof(TOp) == typeof(ReluOp);

    /// <inheritdoc/>
    public override Tensor Apply(Tensor x) => Ops.ApplyElementwise(x, this);

    /// <inheritdoc/>
    public override void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, Span<float> pre, int cols)
    {
        if (!bias.IsEmpty)
        {
            ActivationDriver.MapBias(_op, x, bias, y, pre);
            return;
        }

        if (!pre.IsEmpty)
        {
            x.CopyTo(pre);
        }

        ActivationDriver.Map(_op, x, y);
    }

    /// <inheritdoc/>
    public override void Backward(ReadOnlySpan<float> g, ReadOnlySpan<float> v, Span<float> dx, Span<float> biasGrad, int cols)
    {
        if (biasGrad.IsEmpty)
        {
            ActivationDriver.MapGradient(_gradient, g, v, dx);
        }
        else
        {
            ActivationDriver.MapGradientColumnSums(_gradient, g, v, dx, biasGrad);
        }
    }
}
