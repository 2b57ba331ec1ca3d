using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using Nabla.Kernels;
using Nabla.Tensors;

namespace Nabla.Datasets;

/// <summary>
/// Reads IDX files (the format of MNIST and Fashion-MNIST), gzip-compressed or raw, into float tensors.
/// </summary>
/// <remarks>
/// An IDX file is a 4-byte magic number (two zero bytes, a data type, the number of dimensions), one big-endian
/// 32-bit length per dimension, then the elements in row-major order. Only unsigned bytes (type 0x08) occur in
/// these datasets and only they are read. Any file that is not exactly that (empty, foreign, truncated, longer
/// than its header says, a broken gzip stream) gets an <see cref="InvalidDataException"/> naming the file and
/// the defect; nothing is returned half-read.
/// </remarks>
internal static class IdxReader
{
    /// <summary>The magic number of an unsigned-byte IDX file with one dimension (labels).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>The magic number of an unsigned-byte IDX file with three dimensions (images).</summary>
    public const int ImagesMagic = 0x00000803;

    private const byte UnsignedByte = 0x08;

    // Bytes decompressed and converted per step: large enough for few calls, small enough to stay in L2.
    private const int ChunkSize = 1 << 18;

    /// <summary>Reads an images file ([count, rows, columns], magic 0x00000803) as floats 0..255.</summary>
    public static Tensor ReadImages(string path) => Read(path, rank: 3);

    /// <summary>Reads a labels file ([count], magic 0x00000801) as floats.</summary>
    public static Tensor ReadLabels(string path) => Read(path, rank: 1);

    /// <summary>Reads an unsigned-byte IDX file that must have <paramref name="rank"/> dimensions.</summary>
    public static Tensor Read(string path, int rank)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        if (file.Length == 0)
        {
            throw Invalid(path, "is empty (0 bytes). Download or copy it again.");
        }

        Span<byte> signature = stackalloc byte[2];
        bool gzip = ReadFull(file, signature, path, gzip: false) == 2 && signature[0] == 0x1f && signature[1] == 0x8b;
        file.Position = 0;
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : file;
        return ReadContent(stream, path, rank, gzip);
    }

    private static Tensor ReadContent(Stream stream, string path, int rank, bool gzip)
    {
        int headerLength = 4 * (rank + 1);
        Span<byte> header = stackalloc byte[4 * 5];
        Span<byte> magic = header[..4];
        int got = ReadFull(stream, magic, path, gzip);
        if (got < 4)
        {
            throw Invalid(path, $"is truncated: it ends after {got} bytes{Decompressed(gzip)}, inside the 4-byte magic number.");
        }

        CheckMagic(path, magic, rank);
        Span<byte> lengths = header.Slice(4, 4 * rank);
        got = ReadFull(stream, lengths, path, gzip);
        if (got < lengths.Length)
        {
            throw Invalid(path, $"is truncated: it ends after {4 + got} bytes{Decompressed(gzip)}, inside its {headerLength}-byte header.");
        }

        var dims = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            uint d = BinaryPrimitives.ReadUInt32BigEndian(lengths.Slice(4 * i, 4));
            count *= d;
            if (d > int.MaxValue || count > Array.MaxLength)
            {
                throw Invalid(path, $"declares dimension {i} of length {d}, which makes more elements ({count}) than a tensor can hold. The header is corrupt.");
            }

            dims[i] = (int)d;
        }

        // Decompress and convert in chunks straight into the result: no second full-size buffer, and each chunk is
        // converted while it is still in cache. Touching fresh memory is the main cost of loading (188 MB of floats
        // for Fashion-MNIST's training images), so the byte side stays small.
        var values = GC.AllocateUninitializedArray<float>((int)count);
        byte[] chunk = ArrayPool<byte>.Shared.Rent((int)Math.Min(count, ChunkSize));
        try
        {
            long done = 0;
            while (done < count)
            {
                int want = (int)Math.Min(count - done, chunk.Length);
                got = ReadFull(stream, chunk.AsSpan(0, want), path, gzip);
                Conversion.BytesToFloats(chunk.AsSpan(0, got), values.AsSpan((int)done, got));
                done += got;
                if (got < want)
                {
                    throw Invalid(path,
                        $"is truncated: its header declares shape {ShapeUtil.Format(dims)} ({Number(count)} bytes of data), " +
                        $"but only {Number(done)} bytes follow the header{Decompressed(gzip)}. Download or copy it again.");
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        Span<byte> probe = stackalloc byte[1];
        if (ReadFull(stream, probe, path, gzip) != 0)
        {
            throw Invalid(path,
                $"holds more data than its header declares: shape {ShapeUtil.Format(dims)} needs {Number(count)} bytes after the " +
                $"{headerLength}-byte header, but more follow{Decompressed(gzip)}. The file is corrupt or not an IDX file.");
        }

        return new Tensor(values, 0, dims);
    }

    private static void CheckMagic(string path, ReadOnlySpan<byte> magic, int rank)
    {
        int value = BinaryPrimitives.ReadInt32BigEndian(magic);
        int expected = rank == 1 ? LabelsMagic : ImagesMagic;
        string kind = rank == 1 ? "labels" : "images";
        if (magic[0] != 0 || magic[1] != 0)
        {
            throw Invalid(path,
                $"is not an IDX file: it starts with the magic number {Hex(value)}, but IDX files start with two zero bytes " +
                $"(IDX {kind} files with {Hex(expected)}).");
        }

        if (magic[2] != UnsignedByte)
        {
            throw Invalid(path,
                $"has IDX data type 0x{magic[2]:X2} (magic number {Hex(value)}), but only unsigned bytes (0x08) are supported.");
        }

        if (magic[3] != rank)
        {
            throw Invalid(path,
                $"has {magic[3]} dimension(s) (magic number {Hex(value)}), but IDX {kind} files have {rank} ({Hex(expected)}). " +
                "Check that the images and labels files are not swapped.");
        }
    }

    // Reads until the buffer is full or the stream ends; returns the count. GZipStream reports a corrupt or
    // truncated stream as InvalidDataException (or IOException); both are rethrown naming the file.
    private static int ReadFull(Stream stream, Span<byte> buffer, string path, bool gzip)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (Exception ex) when (gzip && ex is InvalidDataException or IOException)
        {
            throw new InvalidDataException(
                $"IDX file '{path}' is gzip-compressed, but its compressed data is corrupt or truncated ({ex.Message}). " +
                "Download or copy it again.", ex);
        }
    }

    private static InvalidDataException Invalid(string path, string what) => new($"IDX file '{path}' {what}");

    private static string Decompressed(bool gzip) => gzip ? " (after decompression)" : string.Empty;

    private static string Hex(int value) => "0x" + value.ToString("X8", CultureInfo.InvariantCulture);

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
