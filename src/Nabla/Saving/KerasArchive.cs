using System.IO.Compression;

namespace Nabla.Saving;

/// <summary>
/// The Keras 3 <c>.keras</c> file: a zip holding <c>metadata.json</c>, <c>config.json</c> and
/// <c>model.weights.h5</c>, stored uncompressed as Keras writes them. Writing is atomic; reading checks everything a
/// damaged or foreign file could get wrong, with errors that name the file.
/// </summary>
internal static class KerasArchive
{
    public const string MetadataEntry = "metadata.json";
    public const string ConfigEntry = "config.json";
    public const string WeightsEntry = "model.weights.h5";

    /// <summary>The largest entry read into memory (2 GiB less a page, the most a .NET array holds).</summary>
    public const long MaxEntryBytes = int.MaxValue - 4096;

    /// <summary>The largest JSON entry read (configs are kilobytes; this only stops forged sizes).</summary>
    public const long MaxJsonBytes = 64L << 20;

    // Deflate cannot expand data by more than about 1032:1, so a larger claimed ratio is forged.
    private const long MaxDeflateRatio = 1032;

    /// <summary>The entries of a <c>.keras</c> file.</summary>
    public sealed record Contents(byte[] Metadata, byte[] Config, byte[] Weights);

    /// <summary>
    /// Writes the archive to <paramref name="path"/> atomically: a temporary file in the same folder is written,
    /// flushed to disk and renamed over the target, so an interrupted save leaves the previous file whole.
    /// </summary>
    public static void Write(string path, Contents contents) => AtomicFile.Write(path, stream =>
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        Add(zip, MetadataEntry, contents.Metadata);
        Add(zip, ConfigEntry, contents.Config);
        Add(zip, WeightsEntry, contents.Weights);
    });

    /// <summary>Reads the three entries of the archive at <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxEntryBytes">The largest entry accepted (bounds the memory a forged size can claim).</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty, not a zip, damaged, lacks an entry, or an entry is too large.</exception>
    public static Contents Read(string path, long maxEntryBytes = MaxEntryBytes)
    {
        using FileStream stream = OpenExisting(path);
        CheckSignature(path, stream);
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            long jsonCap = Math.Min(maxEntryBytes, MaxJsonBytes);
            return new Contents(
                Entry(zip, path, MetadataEntry, jsonCap, stream.Length), Entry(zip, path, ConfigEntry, jsonCap, stream.Length),
                Entry(zip, path, WeightsEntry, maxEntryBytes, stream.Length));
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException or ArgumentException && e is not FileNotFoundException)
        {
            throw e is InvalidDataException ide && ide.Message.StartsWith($"'{path}'", StringComparison.Ordinal)
                ? ide
                : new InvalidDataException($"'{path}' is not a readable .keras file: the zip archive is damaged ({e.Message}).", e);
        }
    }

    /// <summary>Opens an existing file for reading, with the .NET error for a missing one.</summary>
    public static FileStream OpenExisting(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
    }

    private static void CheckSignature(string path, FileStream stream)
    {
        Span<byte> head = stackalloc byte[8];
        int n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        if (n == 0)
        {
            throw new InvalidDataException($"'{path}' is empty; a .keras file is a zip archive with {ConfigEntry}, {MetadataEntry} and {WeightsEntry}.");
        }

        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4)
        {
            return;
        }

        string what = n >= 8 && head.SequenceEqual(H5Signature) ? "an HDF5 file (a Keras 2 .h5 model or a .weights.h5 file; load it by that extension)" : "not a zip archive";
        throw new InvalidDataException($"'{path}' is {what}; a .keras file is a zip archive with {ConfigEntry}, {MetadataEntry} and {WeightsEntry}.");
    }

    /// <summary>The 8 bytes every HDF5 file starts with.</summary>
    public static ReadOnlySpan<byte> H5Signature => [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A];

    private static byte[] Entry(ZipArchive zip, string path, string name, long maxBytes, long fileLength)
    {
        ZipArchiveEntry entry = zip.GetEntry(name) ?? throw new InvalidDataException(
            $"'{path}' has no {name}; a .keras file holds {ConfigEntry}, {MetadataEntry} and {WeightsEntry} " +
            $"(found: {string.Join(", ", zip.Entries.Take(10).Select(e => e.FullName))}).");
        long claimed = entry.Length, packed = entry.CompressedLength;
        if (claimed < 0 || claimed > maxBytes)
        {
            throw new InvalidDataException($"'{path}': {name} claims {claimed} bytes, more than the {maxBytes} this reader accepts.");
        }

        // Checked before allocating, so that a forged size cannot make the reader reserve memory the file cannot fill.
        if (packed < 0 || packed > fileLength || claimed > (packed * MaxDeflateRatio) + 1024)
        {
            throw new InvalidDataException(
                $"'{path}': {name} claims {claimed} bytes from {packed} stored bytes in a {fileLength}-byte file, which no zip archive can hold.");
        }

        var data = new byte[claimed];
        using (Stream s = entry.Open())
        {
            int read = s.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
            if (read < data.Length)
            {
                throw new InvalidDataException($"'{path}': {name} is truncated ({read} of {claimed} bytes).");
            }

            if (s.ReadByte() >= 0)
            {
                throw new InvalidDataException($"'{path}': {name} holds more than the {claimed} bytes its header claims.");
            }
        }

        uint crc = Crc32.Compute(data);
        if (crc != entry.Crc32)
        {
            throw new InvalidDataException($"'{path}': {name} is corrupted (its CRC-32 is {crc:x8}, but the archive records {entry.Crc32:x8}).");
        }

        return data;
    }

    private static void Add(ZipArchive zip, string name, byte[] data)
    {
        // Keras writes entries uncompressed (ZIP_STORED); so does this, which NoCompression selects.
        ZipArchiveEntry entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
        entry.LastWriteTime = DateTimeOffset.UtcNow;
        using Stream s = entry.Open();
        s.Write(data);
    }
}
