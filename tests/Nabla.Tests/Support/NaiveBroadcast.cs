namespace Nabla.Tests.Support;

/// <summary>Naive NumPy broadcasting by explicit multi-indices, the reference for the broadcasting kernels.</summary>
internal static class NaiveBroadcast
{
    public static int[] Shape(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var r = new int[rank];
        for (int i = 1; i <= rank; i++)
        {
            int da = i <= a.Length ? a[^i] : 1, db = i <= b.Length ? b[^i] : 1;
            r[rank - i] = da == 1 ? db : da;
        }

        return r;
    }

    /// <summary>Flat index into a tensor of shape <paramref name="dims"/> for the output multi-index <paramref name="idx"/> (broadcast).</summary>
    public static int Source(int[] idx, int[] dims)
    {
        int shift = idx.Length - dims.Length, flat = 0;
        for (int ax = 0; ax < dims.Length; ax++)
        {
            int i = dims[ax] == 1 ? 0 : idx[ax + shift];
            flat = (flat * dims[ax]) + i;
        }

        return flat;
    }

    public static IEnumerable<int[]> Indices(int[] shape)
    {
        int n = 1;
        foreach (int d in shape)
        {
            n *= d;
        }

        var idx = new int[shape.Length];
        for (int k = 0; k < n; k++)
        {
            int rem = k;
            for (int ax = shape.Length - 1; ax >= 0; ax--)
            {
                idx[ax] = rem % shape[ax];
                rem /= shape[ax];
            }

            yield return idx;
        }
    }

    public static float[] Apply(float[] a, int[] aShape, float[] b, int[] bShape, Func<float, float, float> op, out int[] shape)
    {
        shape = Shape(aShape, bShape);
        var y = new List<float>();
        foreach (int[] idx in Indices(shape))
        {
            y.Add(op(a[Source(idx, aShape)], b[Source(idx, bShape)]));
        }

        return [.. y];
    }

    public static float[] SumTo(float[] src, int[] srcShape, int[] dstShape)
    {
        int n = 1;
        foreach (int d in dstShape)
        {
            n *= d;
        }

        var acc = new double[n];
        int k = 0;
        foreach (int[] idx in Indices(srcShape))
        {
            acc[Source(idx, dstShape)] += src[k++];
        }

        return [.. acc.Select(v => (float)v)];
    }
}
