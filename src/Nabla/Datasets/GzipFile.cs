using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace Nabla.Datasets;

/// <summary>
/// The gzip framing around a compressed IDX file (RFC 1952): checks the header before decompressing, reads the size
/// hint in the trailer, and works out what is really wrong when decompression fails.
/// </summary>
/// <remarks>
/// .NET's <see cref="GZipStream"/> reports every damaged stream, whether a corrupt deflate block, a checksum
/// mismatch or a bad header, as "unsupported compression method", and ends a truncated stream silently. The checks
/// here turn those into messages that name the defect: a bad header field, deflate data that breaks after n bytes,
/// a failed CRC-32 check, or a trailer that disagrees with the data.
/// </remarks>
internal static class GzipFile
{
    private const byte FlagHeaderCrc = 0x02, FlagExtra = 0x04, FlagName = 0x08, FlagComment = 0x10, ReservedFlags = 0xE0;

    /// <summary>Whether <paramref name="file"/> starts with the gzip magic bytes 1F 8B; leaves the position at 0.</summary>
    public static bool HasSignature(Stream file)
    {
        Span<byte> signature = stackalloc byte[2];
        file.Position = 0;
        int got = file.ReadAtLeast(signature, 2, throwOnEndOfStream: false);
        file.Position = 0;
        return got == 2 && signature[0] == 0x1f && signature[1] == 0x8b;
    }

    /// <summary>
    /// Checks the gzip header at the start of <paramref name="file"/> and returns its length; throws
    /// <see cref="InvalidDataException"/> naming the bad field. Leaves the position at 0.
    /// </summary>
    public static int CheckHeader(Stream file, string path)
    {
        file.Position = 0;
        Span<byte> fixedPart = stackalloc byte[10];
        int got = file.ReadAtLeast(fixedPart, fixedPart.Length, throwOnEndOfStream: false);
        if (got < fixedPart.Length)
        {
            throw Invalid(path, $"ends after {got} bytes, inside its 10-byte gzip header: the file is truncated.");
        }

        if (fixedPart[2] != 8)
        {
            throw Invalid(path,
                $"has a corrupt gzip header: its compression method byte is {fixedPart[2]}, but gzip files use 8 (deflate).");
        }

        byte flags = fixedPart[3];
        if ((flags & ReservedFlags) != 0)
        {
            throw Invalid(path,
                $"has a corrupt gzip header: its flag byte 0x{flags:X2} sets reserved bits (0x{flags & ReservedFlags:X2}), which gzip files never set.");
        }

        long position = fixedPart.Length;
        if ((flags & FlagExtra) != 0)
        {
            Span<byte> xlen = stackalloc byte[2];
            if (file.ReadAtLeast(xlen, 2, throwOnEndOfStream: false) < 2)
            {
                throw TruncatedHeader(path);
            }

            position += 2 + BinaryPrimitives.ReadUInt16LittleEndian(xlen);
        }

        file.Position = position;
        if ((flags & FlagName) != 0)
        {
            position = SkipZeroTerminated(file, path);
        }

        if ((flags & FlagComment) != 0)
        {
            position = SkipZeroTerminated(file, path);
        }

        if ((flags & FlagHeaderCrc) != 0)
        {
            position += 2;
        }

        if (position > file.Length)
        {
            throw TruncatedHeader(path);
        }

        file.Position = 0;
        return (int)Math.Min(position, int.MaxValue);
    }

    /// <summary>
    /// The uncompressed size modulo 2³² that the last 4 bytes record (ISIZE), or null when the file is too short to
    /// have a trailer. It is a hint only: in a file of several gzip members it covers the last member alone.
    /// </summary>
    public static uint? SizeHint(Stream file, int headerLength)
    {
        if (file.Length < headerLength + 8)
        {
            return null;
        }

        Span<byte> isize = stackalloc byte[4];
        file.Position = file.Length - 4;
        file.ReadExactly(isize);
        file.Position = 0;
        return BinaryPrimitives.ReadUInt32LittleEndian(isize);
    }

    /// <summary>
    /// Explains why <see cref="GZipStream"/> failed on <paramref name="file"/> after producing
    /// <paramref name="produced"/> bytes: decompresses the first member's deflate data alone to tell a corrupt
    /// deflate stream from a failed trailer check.
    /// </summary>
    public static InvalidDataException Diagnose(Stream file, string path, int headerLength, uint? sizeHint, long produced, Exception cause)
    {
        long inflated = 0;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            file.Position = headerLength;
            using var deflate = new DeflateStream(file, CompressionMode.Decompress, leaveOpen: true);
            int n;
            while ((n = deflate.Read(buffer)) > 0)
            {
                inflated += n;
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            return Invalid(path,
                $"is gzip-compressed, but its compressed data is corrupt: the deflate stream breaks after {Number(inflated)} " +
                "decompressed bytes. Download or copy it again.", cause);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (inflated < produced)
        {
            return Invalid(path,
                $"is gzip-compressed, but its compressed data is corrupt after {Number(produced)} decompressed bytes " +
                "(in a later gzip member). Download or copy it again.", cause);
        }

        if (sizeHint is uint isize && isize != (uint)inflated)
        {
            return Invalid(path,
                $"is gzip-compressed and its deflate data decompresses to {Number(inflated)} bytes, but its gzip trailer " +
                $"records {Number(isize)}: the trailer is damaged or bytes were added or lost at the end. Download or copy it again.", cause);
        }

        return Invalid(path,
            $"is gzip-compressed and its deflate data decompresses ({Number(inflated)} bytes), but they fail gzip's CRC-32 " +
            "check against the checksum in the trailer: bytes of the file were changed. Download or copy it again.", cause);
    }

    private static long SkipZeroTerminated(Stream file, string path)
    {
        int b;
        while ((b = file.ReadByte()) > 0)
        {
        }

        return b < 0 ? throw TruncatedHeader(path) : file.Position;
    }

    private static InvalidDataException TruncatedHeader(string path) =>
        Invalid(path, "ends inside its gzip header: the file is truncated.");

    private static InvalidDataException Invalid(string path, string what, Exception? inner = null) =>
        new($"IDX file '{path}' {what}", inner);

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
