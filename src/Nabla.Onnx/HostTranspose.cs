namespace Nabla.Onnx;

/// <summary>Reorders the axes of a weight on the host, once at export, into the layout an ONNX operator takes.</summary>
internal static class HostTranspose
{
    /// <summary>
    /// <paramref name="data"/> of shape <paramref name="dims"/> with its axes reordered: axis i of the result is axis
    /// <paramref name="perm"/>[i] of the input (ONNX Transpose's rule).
    /// </summary>
    /// <returns>The reordered values and their shape.</returns>
    public static (float[] Data, int[] Dims) Apply(float[] data, int[] dims, int[] perm)
    {
        int rank = dims.Length;
        int[] outDims = [.. perm.Select(p => dims[p])];
        var inStrides = new int[rank];
        for (int i = rank - 1, s = 1; i >= 0; s *= dims[i], i--)
        {
            inStrides[i] = s;
        }

        // The input stride of each output axis, walked as an odometer over the output.
        int[] strides = [.. perm.Select(p => inStrides[p])];
        var result = new float[data.Length];
        var index = new int[rank];
        int offset = 0;
        for (int o = 0; o < result.Length; o++)
        {
            result[o] = data[offset];
            for (int a = rank - 1; a >= 0; a--)
            {
                offset += strides[a];
                if (++index[a] < outDims[a])
                {
                    break;
                }

                offset -= strides[a] * outDims[a];
                index[a] = 0;
            }
        }

        return (result, outDims);
    }
}
