using ILGPU;

namespace Nabla.Gpu.Kernels;

/// <summary>Tree reductions across one group through shared memory (device code), and the combine rules of the reductions.</summary>
/// <remarks>
/// The group size must be a power of two and at most <see cref="MaxGroupSize"/>. Every thread of the group must call
/// the same reduction (they contain barriers) and gets the result. Max and Min propagate NaN as NumPy does.
/// </remarks>
internal static class GroupReduce
{
    /// <summary>The largest group the row and reduction kernels launch (the shared scratch they allocate).</summary>
    public const int MaxGroupSize = 256;

    /// <summary>Reduction codes.</summary>
    public const int Sum = 0, Max = 1, Min = 2;

    /// <summary>The identity of <paramref name="op"/>: 0, −∞ or +∞.</summary>
    public static float Identity(int op) => op == Sum ? 0f : op == Max ? float.NegativeInfinity : float.PositiveInfinity;

    /// <summary>a ⊕ b for <paramref name="op"/>; NaN in either operand wins for Max and Min.</summary>
    public static float Combine(int op, float a, float b)
    {
        if (op == Sum)
        {
            return a + b;
        }

        if (float.IsNaN(a) || float.IsNaN(b))
        {
            return float.NaN;
        }

        return op == Max ? MathF.Max(a, b) : MathF.Min(a, b);
    }

    /// <summary>The <paramref name="op"/>-reduction of <paramref name="value"/> over the group, returned to every thread.</summary>
    public static float All(ArrayView<float> scratch, int op, float value)
    {
        int t = Group.IdxX;
        scratch[t] = value;
        Group.Barrier();
        for (int s = Group.DimX / 2; s > 0; s /= 2)
        {
            if (t < s)
            {
                scratch[t] = Combine(op, scratch[t], scratch[t + s]);
            }

            Group.Barrier();
        }

        float result = scratch[0];
        Group.Barrier();
        return result;
    }
}
