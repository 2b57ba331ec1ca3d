namespace Nabla.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// Inverted dropout: each element is kept with probability 1 − <paramref name="rate"/> and scaled by
    /// 1 / (1 − rate), or set to zero, so the expected value is unchanged (Keras's <c>ops.dropout</c>).
    /// </summary>
    /// <param name="x">The input.</param>
    /// <param name="rate">The fraction of elements dropped, in [0, 1).</param>
    /// <param name="seed">A seed for a reproducible mask; without one, the global sequence of <see cref="Random"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rate"/> is outside [0, 1).</exception>
    public static Tensor Dropout(Tensor x, float rate, int? seed = null) => Dropout(x, rate, Random.Source(seed));

    /// <summary>Dropout drawing its mask from <paramref name="rng"/> (a layer's own generator).</summary>
    internal static Tensor Dropout(Tensor x, float rate, RandomSource rng)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (rate is < 0f or >= 1f || float.IsNaN(rate))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, $"Dropout: rate must be in [0, 1), but received {rate}.");
        }

        if (rate == 0f)
        {
            return x;
        }

        // The mask holds 0 or 1/(1 − rate), so the forward pass and the backward rule are one multiply each.
        Tensor mask = OpSupport.Empty(x.Dims);
        Span<float> m = mask.Span;
        float scale = 1f / (1f - rate);
        uint threshold = (uint)(rate * 4294967296.0);
        for (int i = 0; i < m.Length; i++)
        {
            m[i] = (uint)(rng.NextUInt64() >> 32) >= threshold ? scale : 0f;
        }

        Tensor y = OpSupport.Empty(x.Dims, x);
        if (x.Memory is null)
        {
            Kernels.Binary.Map<Kernels.MultiplyOp>(x.Span, m, y.Span);
        }
        else
        {
            // Drawn on the host (the CPU and a device draw the same mask), then uploaded.
            mask = OpSupport.Upload(mask, x);
            Compute.Multiply("Dropout", x, mask, y);
        }

        if (OpSupport.TapeFor(x) is { } tape)
        {
            tape.RecordUnary<DropoutNode>(y, x).Mask = mask;
        }

        return y;
    }

    private sealed class DropoutNode : UnaryNode
    {
        public Tensor Mask = null!;

        public override string Name => "Dropout";

        // y = x·mask: dL/dx = g·mask.
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor dx = OpSupport.Empty(grad.Dims, grad);
            if (grad.Memory is null)
            {
                Kernels.Binary.Map<Kernels.MultiplyOp>(grad.Span, Mask.Span, dx.Span);
            }
            else
            {
                Compute.Multiply(Name, grad, Mask, dx);
            }

            tape.Accumulate(X, dx, owned: true);
        }
    }
}
