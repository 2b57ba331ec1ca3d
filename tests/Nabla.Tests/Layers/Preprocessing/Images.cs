namespace Nabla.Tests.Layers.Preprocessing;

/// <summary>Small images for the preprocessing tests: counting images (Keras's <c>np.arange(25)</c>) and pixel access.</summary>
internal static class Images
{
    /// <summary>0, 1, 2… in row-major order, in the given shape.</summary>
    public static Tensor Arange(params int[] shape)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        return Tensor.FromArray(Enumerable.Range(0, n).Select(i => (float)i).ToArray(), shape);
    }

    /// <summary>A batch of <paramref name="count"/> copies of one image.</summary>
    public static Tensor Repeat(Tensor image, int count)
    {
        float[] one = image.ToArray();
        float[] all = Enumerable.Range(0, count).SelectMany(_ => one).ToArray();
        return Tensor.FromArray(all, [count, .. image.Shape.ToArray()]);
    }

    /// <summary>Image <paramref name="n"/> of a batch, as a flat array.</summary>
    public static float[] Image(Tensor batch, int n)
    {
        int size = batch.Size / batch.Dim(0);
        return batch.ToArray().AsSpan(n * size, size).ToArray();
    }

    /// <summary>The image mirrored left-right (bit 0) and/or top-bottom (bit 1), by its definition.</summary>
    public static float[] Flip(float[] image, int h, int w, int c, int code)
    {
        var y = new float[image.Length];
        for (int r = 0; r < h; r++)
        {
            for (int q = 0; q < w; q++)
            {
                int sr = (code & 2) != 0 ? h - 1 - r : r, sq = (code & 1) != 0 ? w - 1 - q : q;
                for (int k = 0; k < c; k++)
                {
                    y[(((r * w) + q) * c) + k] = image[(((sr * w) + sq) * c) + k];
                }
            }
        }

        return y;
    }
}
