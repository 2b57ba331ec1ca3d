namespace Nabla.Onnx;

/// <summary>
/// A tensor of the exported graph: its ONNX name, its shape as Keras sees it (channels last, batch axis first,
/// -1 = unknown) and the order in which the ONNX tensor holds those axes.
/// </summary>
/// <remarks>
/// <see cref="Perm"/>[i] is the Keras axis stored at ONNX axis i: the identity for channels-last data, and
/// <c>[0, rank − 1, 1, …, rank − 2]</c> for the channels-first (NCHW) data that ONNX's Conv, pooling and
/// BatchNormalization operators take. Keeping the order with the value lets a run of convolutions stay channels-first,
/// with Transpose nodes only where a layer needs the other order.
/// </remarks>
internal sealed record OnnxValue(string Name, int[] Shape, int[] Perm)
{
    /// <summary>The rank, batch axis included.</summary>
    public int Rank => Shape.Length;

    /// <summary>True when the ONNX tensor holds the Keras axes in their own order.</summary>
    public bool IsChannelsLast => IsIdentity(Perm);

    /// <summary>The ONNX axis that holds Keras axis <paramref name="kerasAxis"/> (negative counts from the end).</summary>
    public int OnnxAxis(int kerasAxis) => Array.IndexOf(Perm, kerasAxis < 0 ? kerasAxis + Rank : kerasAxis);

    /// <summary>The identity order: channels last, as Keras holds every tensor.</summary>
    public static int[] ChannelsLast(int rank) => [.. Enumerable.Range(0, rank)];

    /// <summary>The channels-first order <c>[0, rank − 1, 1, …, rank − 2]</c> (NCHW for images, NCW for sequences).</summary>
    public static int[] ChannelsFirst(int rank) => rank <= 2 ? ChannelsLast(rank) : [0, rank - 1, .. Enumerable.Range(1, rank - 2)];

    /// <summary>Whether <paramref name="perm"/> is the identity.</summary>
    public static bool IsIdentity(int[] perm)
    {
        for (int i = 0; i < perm.Length; i++)
        {
            if (perm[i] != i)
            {
                return false;
            }
        }

        return true;
    }
}
