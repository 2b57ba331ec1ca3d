namespace Nabla.Kernels;

/// <summary>
/// L2 normalisation along the middle axis of an [outer, length, inner] buffer (the axis normalised over in the middle,
/// the axes before it folded into outer and those after it into inner), and its backward rule.
/// </summary>
/// <remarks>
/// Computes Keras's <c>ops.normalize(x, axis, order=2)</c>: y = x·min(1/‖x‖, 1/ε), that is x/‖x‖ unless the norm
/// is below ε, where the scale stops growing at 1/ε (so a zero slice stays zero instead of becoming NaN). Norms are
/// accumulated in double. NaN propagates; destinations may alias sources exactly. Cosine similarity (the Dot layer's
/// <c>normalize</c>) is its main use, so this is a plain strided loop rather than a vectorised kernel.
/// </remarks>
internal static class L2Norm
{
    /// <summary>y[o, :, i] = x[o, :, i]·min(1/‖x[o, :, i]‖, 1/ε).</summary>
    public static void NormalizeAxis(ReadOnlySpan<float> x, Span<float> y, int outer, int length, int inner, float epsilon)
    {
        Check(x, y, outer, length, inner);
        for (int o = 0; o < outer; o++)
        {
            int start = o * length * inner;
            for (int i = 0; i < inner; i++)
            {
                double scale = Scale(x, start + i, length, inner, epsilon);
                for (int j = 0, p = start + i; j < length; j++, p += inner)
                {
                    y[p] = (float)(x[p] * scale);
                }
            }
        }
    }

    /// <summary>
    /// dx for y = x/‖x‖ along the axis: dx = (g − y·Σ g⊙y)/‖x‖ (the Jacobian I/‖x‖ − x·xᵀ/‖x‖³ applied to g), or
    /// g/ε where the norm is below ε and the scale is the constant 1/ε. dx may alias g exactly.
    /// </summary>
    public static void NormalizeAxisBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> dx, int outer, int length, int inner, float epsilon)
    {
        Check(x, dx, outer, length, inner);
        Check(g, dx, outer, length, inner);
        for (int o = 0; o < outer; o++)
        {
            int start = o * length * inner;
            for (int i = 0; i < inner; i++)
            {
                double scale = Scale(x, start + i, length, inner, epsilon);
                bool clamped = scale >= 1.0 / epsilon;
                double dot = 0;
                if (!clamped)
                {
                    for (int j = 0, p = start + i; j < length; j++, p += inner)
                    {
                        dot += (double)g[p] * x[p] * scale;
                    }
                }

                for (int j = 0, p = start + i; j < length; j++, p += inner)
                {
                    dx[p] = (float)(scale * (g[p] - (x[p] * scale * dot)));
                }
            }
        }
    }

    // min(1/‖x‖, 1/ε) for the slice starting at first with the given stride; infinity (a zero slice) becomes 1/ε.
    private static double Scale(ReadOnlySpan<float> x, int first, int length, int stride, float epsilon)
    {
        double sum = 0;
        for (int j = 0, p = first; j < length; j++, p += stride)
        {
            sum += (double)x[p] * x[p];
        }

        double inverse = 1.0 / Math.Sqrt(sum);
        return double.IsNaN(inverse) ? inverse : Math.Min(inverse, 1.0 / epsilon);
    }

    private static void Check(ReadOnlySpan<float> x, Span<float> y, int outer, int length, int inner)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(outer);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfNegative(inner);
        long n = (long)outer * length * inner;
        if (x.Length < n)
        {
            ThrowHelper.SourceTooShort(nameof(x), n, x.Length);
        }

        if (y.Length < n)
        {
            ThrowHelper.DestinationTooShort(nameof(y), n, y.Length);
        }
    }
}
