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
/// <para>
/// An IDX file is a 4-byte magic number (two zero bytes, a data type, the number of dimensions), one big-endian
/// 32-bit length per dimension, then the elements in row-major order. Only unsigned bytes (type 0x08) occur in
/// these datasets and only they are read. Any file that is not exactly that (empty, foreign, truncated, longer
/// than its header says, holding no elements, a broken gzip stream) gets an <see cref="InvalidDataException"/>
/// naming the file and the defect; nothing is returned half-read.
/// </para>
/// <para>
/// The header is not trusted with memory: a corrupt count must give an error, not an <see cref="OutOfMemoryException"/>.
/// A raw file's length is checked against the header before anything is allocated. A gzip file's real size is only
/// known once it is decompressed (its trailer records it modulo 2³², and only for the last member), so the result is
/// allocated up front only when it is small or the trailer agrees with the header; otherwise the data is
/// decompressed in bounded chunks, and the result allocated once the data has proved to be there.
/// </para>
/// </remarks>
internal static class IdxReader
{
    /// <summary>The magic number of an unsigned-byte IDX file with one dimension (labels).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>The magic number of an unsigned-byte IDX file with three dimensions (images).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>
    /// Elements a gzip file may claim and have allocated before its data is seen, without the trailer's agreement:
    /// 16 MB of floats.
    /// </summary>
    internal const int UnverifiedElements = 1 << 22;

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

        if (!GzipFile.HasSignature(file))
        {
            return ReadContent(new Source(file, path, Gzip: false, SizeHint: null), rank);
        }

        int gzipHeader = GzipFile.CheckHeader(file, path);
        var source = new Source(file, path, Gzip: true, GzipFile.SizeHint(file, gzipHeader));
        using var stream = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
        try
        {
            return ReadContent(source with { Stream = stream }, rank);
        }
        catch (GzipFailure failure)
        {
            throw GzipFile.Diagnose(file, path, gzipHeader, source.SizeHint, failure.Produced, failure.InnerException!);
        }
    }

    private static Tensor ReadContent(Source source, int rank)
    {
        string path = source.Path;
        int headerLength = 4 * (rank + 1);
        Span<byte> header = stackalloc byte[4 * 5];
        Span<byte> magic = header[..4];
        int got = ReadFull(source, magic, produced: 0);
        if (got < 4)
        {
            throw Invalid(path, $"is truncated: it ends after {got} bytes{Decompressed(source)}, inside the 4-byte magic number.");
        }

        CheckMagic(path, magic, rank);
        Span<byte> lengths = header.Slice(4, 4 * rank);
        got = ReadFull(source, lengths, produced: 4);
        if (got < lengths.Length)
        {
            throw Invalid(path, $"is truncated: it ends after {4 + got} bytes{Decompressed(source)}, inside its {headerLength}-byte header.");
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

        if (count == 0)
        {
            string kind = rank == 1 ? "labels" : "images";
            throw Invalid(path, dims[0] == 0
                ? $"holds 0 {kind}: its header declares shape {ShapeUtil.Format(dims)}. A dataset file needs at least one; the file is corrupt or was written empty."
                : $"declares shape {ShapeUtil.Format(dims)}, which holds no pixels. The header is corrupt.");
        }

        if (!source.Gzip)
        {
            // A raw file's length is known: check it against the header before allocating what the header claims.
            long follow = source.Stream.Length - headerLength;
            if (follow < count)
            {
                throw Truncated(source, dims, count, follow, headerLength);
            }

            if (follow > count)
            {
                throw TooLong(source, dims, count, headerLength, $"{Number(follow - count)} more follow");
            }
        }

        bool trusted = !source.Gzip || count <= UnverifiedElements || source.SizeHint == (uint)(headerLength + count);
        float[] values = trusted ? ReadTrusted(source, dims, count, headerLength) : ReadUntrusted(source, dims, count, headerLength);

        Span<byte> probe = stackalloc byte[4];
        got = ReadFull(source, probe[..1], headerLength + count);
        if (got != 0)
        {
            throw ExtraData(source, dims, count, headerLength, probe);
        }

        return new Tensor(values, 0, dims);
    }

    // Decompresses and converts in chunks straight into the result: no second full-size buffer, and each chunk is
    // converted while it is still in cache. Touching fresh memory is the main cost of loading (188 MB of floats for
    // Fashion-MNIST's training images), so the byte side stays small.
    private static float[] ReadTrusted(Source source, int[] dims, long count, int headerLength)
    {
        var values = GC.AllocateUninitializedArray<float>((int)count);
        byte[] chunk = ArrayPool<byte>.Shared.Rent((int)Math.Min(count, ChunkSize));
        try
        {
            long done = 0;
            while (done < count)
            {
                int want = (int)Math.Min(count - done, chunk.Length);
                int got = ReadFull(source, chunk.AsSpan(0, want), headerLength + done);
                Conversion.BytesToFloats(chunk.AsSpan(0, got), values.AsSpan((int)done, got));
                done += got;
                if (got < want)
                {
                    throw Truncated(source, dims, count, done, headerLength);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return values;
    }

    // A large claim that nothing confirms: keep the decompressed bytes in chunks as they arrive, so that memory
    // follows the data actually present, and allocate the result only once all of it is there.
    private static float[] ReadUntrusted(Source source, int[] dims, long count, int headerLength)
    {
        var chunks = new List<byte[]>();
        long done = 0;
        while (done < count)
        {
            var chunk = new byte[(int)Math.Min(count - done, ChunkSize)];
            int got = ReadFull(source, chunk, headerLength + done);
            done += got;
            if (got < chunk.Length)
            {
                throw Truncated(source, dims, count, done, headerLength);
            }

            chunks.Add(chunk);
        }

        var values = GC.AllocateUninitializedArray<float>((int)count);
        int at = 0;
        foreach (byte[] chunk in chunks)
        {
            Conversion.BytesToFloats(chunk, values.AsSpan(at, chunk.Length));
            at += chunk.Length;
        }

        return values;
    }

    private static InvalidDataException Truncated(Source source, int[] dims, long count, long follow, int headerLength)
    {
        string message =
            $"is truncated: its header declares shape {ShapeUtil.Format(dims)} ({Number(count)} bytes of data), " +
            $"but only {Number(follow)} bytes follow the header{Decompressed(source)}.";
        if (!source.Gzip)
        {
            return Invalid(source.Path, message + " Download or copy it again.");
        }

        // GZipStream ends a cut-short stream silently. The trailer's size tells a cut file from an intact one whose
        // IDX header overstates its count.
        long total = headerLength + follow;
        return Invalid(source.Path, message + (source.SizeHint == (uint)total
            ? $" Its gzip stream is complete (the trailer records {Number(total)} bytes), so the IDX header's count is wrong: the file is corrupt."
            : " The .gz file is cut short: its gzip stream ends before the data does. Download or copy it again."));
    }

    private static InvalidDataException TooLong(Source source, int[] dims, long count, int headerLength, string more) =>
        Invalid(source.Path,
            $"holds more data than its header declares: shape {ShapeUtil.Format(dims)} needs {Number(count)} bytes after the " +
            $"{headerLength}-byte header, but {more}{Decompressed(source)}. The header's count is wrong or data was appended; " +
            "the file is corrupt or not an IDX file.");

    // Data continues after the declared elements. For gzip, decompress the rest first: GZipStream checks the CRC only
    // at the end of the stream, and a damaged byte (not a wrong count) is the likelier cause.
    private static InvalidDataException ExtraData(Source source, int[] dims, long count, int headerLength, Span<byte> probe)
    {
        if (!source.Gzip)
        {
            return TooLong(source, dims, count, headerLength, "more follow");
        }

        long extra = 1 + ReadFull(source, probe[1..], headerLength + count + 1);
        bool secondFile = extra >= 4 && probe[0] == 0 && probe[1] == 0 && probe[2] == UnsignedByte && probe[3] == dims.Length;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            int n;
            while ((n = ReadFull(source, buffer, headerLength + count + extra)) > 0)
            {
                extra += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return secondFile
            ? Invalid(source.Path,
                $"holds two IDX files: after the {Number(count)} bytes its header declares (shape {ShapeUtil.Format(dims)}), the " +
                $"decompressed data starts again with an IDX header ({Number(extra)} bytes more). Files were joined, for example " +
                "two .gz files with cat. Use one of them.")
            : TooLong(source, dims, count, headerLength, $"{Number(extra)} more follow");
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

    // Reads until the buffer is full or the stream ends; returns the count. GZipStream reports a corrupt stream as
    // InvalidDataException (or IOException) with a misleading text; Read works out the real cause.
    private static int ReadFull(Source source, Span<byte> buffer, long produced)
    {
        try
        {
            return source.Stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (Exception ex) when (source.Gzip && ex is InvalidDataException or IOException)
        {
            throw new GzipFailure(produced, ex);
        }
    }

    private static InvalidDataException Invalid(string path, string what) => new($"IDX file '{path}' {what}");

    private static string Decompressed(Source source) => source.Gzip ? " (after decompression)" : string.Empty;

    private static string Hex(int value) => "0x" + value.ToString("X8", CultureInfo.InvariantCulture);

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The stream being read (the file, or the decompressing stream over it) and what is known about it.</summary>
    private sealed record Source(Stream Stream, string Path, bool Gzip, uint? SizeHint);

    /// <summary>GZipStream failed after <see cref="Produced"/> decompressed bytes; caught in Read and diagnosed.</summary>
    private sealed class GzipFailure(long produced, Exception inner) : Exception("gzip decompression failed", inner)
    {
        public long Produced { get; } = produced;
    }
}
