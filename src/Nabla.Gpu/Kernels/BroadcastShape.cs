using Nabla.Kernels;

namespace Nabla.Gpu.Kernels;

/// <summary>
/// A broadcast of two operands over an output of rank at most <see cref="MaxRank"/>, as a kernel argument: the output's
/// dims and each operand's element strides per axis (0 where it is broadcast), adjacent axes merged where possible,
/// padded in front with axes of length 1.
/// </summary>
/// <remarks>Axis 5 is the innermost. Built on the host by <see cref="Create"/> with the CPU engine's <c>Strides.Collapse</c>.</remarks>
internal struct BroadcastShape
{
    /// <summary>The most axes a broadcast may have (after merging).</summary>
    public const int MaxRank = 6;

#pragma warning disable SA1600 // the fields are the kernel's view of the arrays below
    public int D0, D1, D2, D3, D4, D5;
    public int A0, A1, A2, A3, A4, A5;
    public int B0, B1, B2, B3, B4, B5;
#pragma warning restore SA1600

    /// <summary>The broadcast of shapes <paramref name="aDims"/> and <paramref name="bDims"/> to <paramref name="outDims"/>.</summary>
    /// <exception cref="ArgumentException">The shapes do not broadcast to the output, or it has more than <see cref="MaxRank"/> axes after merging.</exception>
    public static BroadcastShape Create(string kernel, ReadOnlySpan<int> aDims, ReadOnlySpan<int> bDims, ReadOnlySpan<int> outDims)
    {
        CheckBroadcasts(kernel, aDims, outDims, "a");
        CheckBroadcasts(kernel, bDims, outDims, "b");
        int rank = Math.Max(outDims.Length, 1);
        Span<int> dims = stackalloc int[rank];
        Span<int> sa = stackalloc int[rank];
        Span<int> sb = stackalloc int[rank];
        int r = outDims.Length == 0 ? 1 : Strides.Collapse(aDims, bDims, outDims, dims, sa, sb);
        if (outDims.Length == 0)
        {
            dims[0] = 1;
        }

        if (r > MaxRank)
        {
            throw new ArgumentException(
                $"GPU kernel '{kernel}' broadcasts over at most {MaxRank} axes, but [{string.Join(", ", outDims.ToArray())}] needs {r} after merging.");
        }

        Span<int> d = stackalloc int[MaxRank];
        Span<int> a = stackalloc int[MaxRank];
        Span<int> b = stackalloc int[MaxRank];
        d.Fill(1);
        a.Clear();
        b.Clear();
        for (int i = 0; i < r; i++)
        {
            d[MaxRank - r + i] = dims[i];
            a[MaxRank - r + i] = sa[i];
            b[MaxRank - r + i] = sb[i];
        }

        return new BroadcastShape
        {
            D0 = d[0],
            D1 = d[1],
            D2 = d[2],
            D3 = d[3],
            D4 = d[4],
            D5 = d[5],
            A0 = a[0],
            A1 = a[1],
            A2 = a[2],
            A3 = a[3],
            A4 = a[4],
            A5 = a[5],
            B0 = b[0],
            B1 = b[1],
            B2 = b[2],
            B3 = b[3],
            B4 = b[4],
            B5 = b[5],
        };
    }

    /// <summary>The offsets into a and b of output element <paramref name="index"/> (device code).</summary>
    public readonly void Offsets(int index, out int offsetA, out int offsetB)
    {
        int oa = 0, ob = 0;
        Step(ref index, D5, A5, B5, ref oa, ref ob);
        Step(ref index, D4, A4, B4, ref oa, ref ob);
        Step(ref index, D3, A3, B3, ref oa, ref ob);
        Step(ref index, D2, A2, B2, ref oa, ref ob);
        Step(ref index, D1, A1, B1, ref oa, ref ob);
        oa += index * A0;
        ob += index * B0;
        offsetA = oa;
        offsetB = ob;
    }

    private static void Step(ref int index, int dim, int strideA, int strideB, ref int offsetA, ref int offsetB)
    {
        int q = index / dim;
        int c = index - (q * dim);
        offsetA += c * strideA;
        offsetB += c * strideB;
        index = q;
    }

    private static void CheckBroadcasts(string kernel, ReadOnlySpan<int> dims, ReadOnlySpan<int> outDims, string name)
    {
        bool ok = dims.Length <= outDims.Length;
        for (int i = 1; ok && i <= dims.Length; i++)
        {
            int d = dims[^i], o = outDims[^i];
            ok = d == o || d == 1;
        }

        if (!ok)
        {
            throw new ArgumentException(
                $"GPU kernel '{kernel}' expects {name} of shape [{string.Join(", ", dims.ToArray())}] to broadcast to [{string.Join(", ", outDims.ToArray())}], but it does not.", name);
        }
    }
}
