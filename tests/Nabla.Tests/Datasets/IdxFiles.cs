using System.Buffers.Binary;
using System.IO.Compression;

namespace Nabla.Tests.Datasets;

/// <summary>Builds small IDX files (valid or deliberately broken) for reader and loader tests.</summary>
internal static class IdxFiles
{
    /// <summary>The bytes of an unsigned-byte IDX file: magic 0x0000 08 rank, big-endian dims, then the data.</summary>
    public static byte[] Bytes(int[] dims, byte[] data, byte type = 0x08)
    {
        var bytes = new byte[4 + (4 * dims.Length) + data.Length];
        bytes[2] = type;
        bytes[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * i)), dims[i]);
        }

        data.CopyTo(bytes, 4 + (4 * dims.Length));
        return bytes;
    }

    /// <summary>Elements 0, 1, 2, ... modulo 256.</summary>
    public static byte[] Ramp(int length)
    {
        var data = new byte[length];
        for (int i = 0; i < length; i++)
        {
            data[i] = (byte)i;
        }

        return data;
    }

    public static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gz.Write(raw);
        }

        return output.ToArray();
    }

    /// <summary>Writes a complete, valid dataset folder: the four files, gzip-compressed unless <paramref name="raw"/>.</summary>
    public static void WriteDataset(string folder, int trainCount = 3, int testCount = 2, int rows = 28, int columns = 28, bool raw = false, byte firstLabel = 0)
    {
        Directory.CreateDirectory(folder);
        Write(folder, "train-images-idx3-ubyte", Bytes([trainCount, rows, columns], Ramp(trainCount * rows * columns)), raw);
        Write(folder, "train-labels-idx1-ubyte", Bytes([trainCount], Labels(trainCount, firstLabel)), raw);
        Write(folder, "t10k-images-idx3-ubyte", Bytes([testCount, rows, columns], Ramp(testCount * rows * columns)), raw);
        Write(folder, "t10k-labels-idx1-ubyte", Bytes([testCount], Labels(testCount, firstLabel)), raw);
    }

    private static byte[] Labels(int count, byte first)
    {
        var labels = new byte[count];
        labels[0] = first;
        for (int i = 1; i < count; i++)
        {
            labels[i] = (byte)(i % 10);
        }

        return labels;
    }

    private static void Write(string folder, string name, byte[] bytes, bool raw) =>
        File.WriteAllBytes(Path.Combine(folder, raw ? name : name + ".gz"), raw ? bytes : Gzip(bytes));
}
