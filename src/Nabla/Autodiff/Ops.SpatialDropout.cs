using System.Diagnostics;
using Nabla.Kernels;

namespace Nabla.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// Dropout of whole channels (Keras's <c>SpatialDropout2D</c>): for each sample and channel of a channels-last
    /// [batch, ..., channels] tensor, every value is kept and scaled by 1 / (1 − rate) with probability 1 − rate, or set
    /// to zero, one draw per (sample, channel).
    /// </summary>
    /// <remarks>
    /// The mask [batch, 1, …, 1, channels] holds 0 or 1/(1 − rate) and multiplies x by broadcasting, forward and backward.
    /// Draws come from <paramref name="rng"/> in (sample, channel) order, compared with the rate as
    /// <see cref="Dropout(Tensor, float, RandomSource)"/> compares them.
    /// </remarks>
    internal static Tensor SpatialDropout(Tensor x, float rate, RandomSource rng)
    {
        Debug.Assert(x.Rank >= 2 && rate > 0f && rate < 1f, "the layer passes an image batch and a rate in (0, 1)");
        Span<int> maskDims = stackalloc int[x.Rank];
        maskDims.Fill(1);
        maskDims[0] = x.Dim(0);
        maskDims[^1] = x.Dim(-1);
        Tensor mask = OpSupport.Empty(maskDims);
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
            Binary.Broadcast<MultiplyOp>(x.Span, x.Dims, m, mask.Dims, y.Span, y.Dims);
        }
        else
        {
            // Drawn on the host (the CPU and a device draw the same mask), then uploaded.
            mask = OpSupport.Upload(mask, x);
            Compute.Binary<MultiplyOp>("SpatialDropout", x, mask, y);
        }

        OpSupport.TapeFor(x)?.Record<SpatialDropoutNode>(y, x).Set(x, mask);
        return y;
    }

    private sealed class SpatialDropoutNode : TapeNode
    {
        public Tensor X = null!, Mask = null!;

        public override string Name => "SpatialDropout";

        public void Set(Tensor x, Tensor mask) => (X, Mask) = (x, mask);

        // y = x·mask (mask broadcast over the spatial axes): dx = g·mask.
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor dx = OpSupport.Empty(X.Dims, grad);
            Compute.Binary<MultiplyOp>(Name, grad, Mask, dx);
            tape.Accumulate(X, dx, owned: true);
        }
    }
}
