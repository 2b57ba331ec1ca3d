using System.IO.Compression;
using System.Text;

namespace Nabla.Tests.Datasets;

/// <summary>Builds NumPy .npy arrays and .npz archives (valid or deliberately broken) for reader and download tests.</summary>
internal static class NpzFiles
{
    /// <summary>A version-1.0 .npy file: magic, version, header length, a dict padded to a multiple of 64, the data.</summary>
    public static byte[] Npy(int[] shape, byte[] data, string descr = "|u1", string fortranOrder = "False", byte major = 1)
    {
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        string dict = $"{{'descr': '{descr}', 'fortran_order': {fortranOrder}, 'shape': {shapeText}, }}";
        int lengthBytes = major == 1 ? 2 : 4;
        int unpadded = 6 + 2 + lengthBytes + dict.Length + 1;
        string header = dict + new string(' ', ((64 - (unpadded % 64)) % 64)) + "\n";
        using var output = new MemoryStream();
        output.Write([0x93, .. "NUMPY"u8, major, 0]);
        if (major == 1)
        {
            output.Write(BitConverter.GetBytes((ushort)header.Length));
        }
        else
        {
            output.Write(BitConverter.GetBytes((uint)header.Length));
        }

        output.Write(Encoding.ASCII.GetBytes(header));
        output.Write(data);
        return output.ToArray();
    }

    /// <summary>A .npz archive: one entry per array, named <c>name.npy</c>.</summary>
    public static byte[] Npz(params (string Name, byte[] Npy)[] arrays)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach ((string name, byte[] npy) in arrays)
            {
                ZipArchiveEntry entry = zip.CreateEntry(name + ".npy", CompressionLevel.Optimal);
                using Stream s = entry.Open();
                s.Write(npy);
            }
        }

        return output.ToArray();
    }

    /// <summary>Keras's mnist.npz layout built from the four arrays (images [n, 28, 28], labels [n], as bytes).</summary>
    public static byte[] MnistNpz(Tensor xTrain, Tensor yTrain, Tensor xTest, Tensor yTest) => Npz(
        ("x_train", Npy(xTrain.Shape, Bytes(xTrain))), ("y_train", Npy(yTrain.Shape, Bytes(yTrain))),
        ("x_test", Npy(xTest.Shape, Bytes(xTest))), ("y_test", Npy(yTest.Shape, Bytes(yTest))));

    private static byte[] Bytes(Tensor t) => [.. t.ToArray().Select(v => (byte)v)];
}
