using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Nabla.Kernels;
using Nabla.Tensors;

namespace Nabla.Datasets;

/// <summary>
/// Reads NumPy's <c>.npz</c> archives (a zip of <c>.npy</c> files, the format of Keras's <c>mnist.npz</c>) holding
/// unsigned-byte arrays, into float tensors.
/// </summary>
/// <remarks>
/// <para>
/// An <c>.npy</c> file is the magic string <c>\x93NUMPY</c>, a version (1.0 with a 2-byte header length; 2.0 and
/// 3.0 with 4 bytes), then a Python dict literal such as <c>{'descr': '|u1', 'fortran_order': False, 'shape':
/// (60000, 28, 28), }</c>, then the elements. Only unsigned bytes (<c>u1</c>) in C order are read, which is what
/// MNIST holds; anything else gets an <see cref="InvalidDataException"/> naming the archive, the array and the
/// defect.
/// </para>
/// <para>
/// As with IDX files, the header is not trusted with memory: an array is allocated only when the zip entry's sizes
/// can hold what the header declares (deflate expands at most 1032 to 1), and a short entry is an error.
/// </para>
/// </remarks>
internal static class NpzReader
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    // Deflate's largest possible expansion (zlib's technical notes): 258-byte matches coded in 2 bits.
    private const long MaxDeflateRatio = 1032;

    /// <summary>Reads the arrays named <paramref name="names"/> (without <c>.npy</c>) from the archive at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a zip archive, an array is missing, or an array is not a readable unsigned-byte array.</exception>
    public static Dictionary<string, Tensor> Read(string path, params string[] names)
    {
        ArgumentNullException.ThrowIfNull(path);
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException(
                $"NumPy archive '{path}' is not a valid .npz (zip) file ({ex.Message}). Download or copy it again.", ex);
        }

        using (zip)
        {
            var arrays = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (string name in names)
            {
                ZipArchiveEntry entry = zip.GetEntry(name + ".npy") ?? throw new InvalidDataException(
                    $"NumPy archive '{path}' has no array '{name}' ({name}.npy). It holds: " +
                    $"{string.Join(", ", zip.Entries.Select(e => e.FullName))}.");
                arrays[name] = ReadEntry(path, entry);
            }

            return arrays;
        }
    }

    private static Tensor ReadEntry(string path, ZipArchiveEntry entry)
    {
        string where = $"NumPy archive '{path}', array '{entry.FullName}'";
        try
        {
            using Stream stream = entry.Open();
            return ReadNpy(stream, where, entry.Length, entry.CompressedLength);
        }
        catch (InvalidDataException ex) when (!ex.Message.StartsWith(where, StringComparison.Ordinal))
        {
            // The zip's own deflate or CRC check failed.
            throw new InvalidDataException($"{where}: its compressed data is corrupt ({ex.Message}). Download or copy it again.", ex);
        }
    }

    /// <summary>
    /// Reads one <c>.npy</c> stream of unsigned bytes. <paramref name="length"/> and <paramref name="compressedLength"/>
    /// are the sizes the container records, used to refuse a header that claims more than can be there.
    /// </summary>
    internal static Tensor ReadNpy(Stream stream, string where, long length, long compressedLength)
    {
        Span<byte> preamble = stackalloc byte[12];
        int got = stream.ReadAtLeast(preamble[..8], 8, throwOnEndOfStream: false);
        if (got < 8 || !preamble[..6].SequenceEqual(Magic))
        {
            throw Invalid(where, "is not a .npy array: it does not start with the magic string \\x93NUMPY.");
        }

        byte major = preamble[6];
        int lengthBytes = major switch
        {
            1 => 2,
            2 or 3 => 4,
            _ => throw Invalid(where, $"has .npy format version {major}.{preamble[7]}; versions 1.0 to 3.0 are known."),
        };
        Span<byte> lengthField = preamble.Slice(8, lengthBytes);
        if (stream.ReadAtLeast(lengthField, lengthBytes, throwOnEndOfStream: false) < lengthBytes)
        {
            throw Invalid(where, "ends inside its .npy header.");
        }

        long headerLength = lengthBytes == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(lengthField) : BinaryPrimitives.ReadUInt32LittleEndian(lengthField);
        if (headerLength > 1 << 20)
        {
            throw Invalid(where, $"declares a {headerLength:N0}-byte .npy header; real headers are a few hundred bytes. The file is corrupt.");
        }

        byte[] headerBytes = new byte[headerLength];
        if (stream.ReadAtLeast(headerBytes, headerBytes.Length, throwOnEndOfStream: false) < headerBytes.Length)
        {
            throw Invalid(where, "ends inside its .npy header.");
        }

        string header = Encoding.Latin1.GetString(headerBytes);
        int[] dims = ParseHeader(where, header);
        long count = 1;
        foreach (int d in dims)
        {
            count *= d;
            if (count > Array.MaxLength)
            {
                throw Invalid(where, $"declares shape {ShapeUtil.Format(dims)}, more elements than a tensor can hold. The header is corrupt.");
            }
        }

        long dataOffset = 8 + lengthBytes + headerLength;
        long present = length - dataOffset;
        if (present < count || count > (compressedLength * MaxDeflateRatio) + 1024)
        {
            throw Invalid(where,
                $"is truncated: its header declares shape {ShapeUtil.Format(dims)} ({count:N0} bytes of data), but the archive " +
                $"records only {Math.Max(present, 0):N0} bytes after the header. Download or copy it again.");
        }

        if (present > count)
        {
            throw Invalid(where,
                $"holds more data than its header declares: shape {ShapeUtil.Format(dims)} needs {count:N0} bytes, but {present - count:N0} more follow. The file is corrupt.");
        }

        var values = GC.AllocateUninitializedArray<float>((int)count);
        byte[] chunk = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(count, 1, 1 << 18));
        try
        {
            long done = 0;
            while (done < count)
            {
                int want = (int)Math.Min(count - done, chunk.Length);
                int n = stream.ReadAtLeast(chunk.AsSpan(0, want), want, throwOnEndOfStream: false);
                Conversion.BytesToFloats(chunk.AsSpan(0, n), values.AsSpan((int)done, n));
                done += n;
                if (n < want)
                {
                    throw Invalid(where, $"is truncated: its data ends after {done:N0} of the {count:N0} bytes its header declares. Download or copy it again.");
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return new Tensor(values, 0, dims);
    }

    // {'descr': '|u1', 'fortran_order': False, 'shape': (60000, 28, 28), }
    private static int[] ParseHeader(string where, string header)
    {
        string descr = Value(where, header, "descr");
        if (descr is not ("'|u1'" or "'<u1'" or "'>u1'" or "'=u1'" or "'u1'" or "'|B'" or "'B'"))
        {
            throw Invalid(where, $"holds elements of NumPy type {descr}, but only unsigned bytes ('|u1', uint8) are supported.");
        }

        string order = Value(where, header, "fortran_order");
        if (order != "False")
        {
            throw Invalid(where, $"is stored in Fortran (column-major) order (fortran_order: {order}); only C order is supported.");
        }

        string shape = Value(where, header, "shape");
        if (shape.Length < 2 || shape[0] != '(' || shape[^1] != ')')
        {
            throw Invalid(where, $"has a malformed shape {shape} in its .npy header.");
        }

        string[] parts = shape[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var dims = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i].TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]))
            {
                throw Invalid(where, $"has a malformed shape {shape} in its .npy header.");
            }
        }

        return dims;
    }

    // The text after 'key': up to the next top-level comma (the shape's tuple counts as one value).
    private static string Value(string where, string header, string key)
    {
        int at = header.IndexOf($"'{key}'", StringComparison.Ordinal);
        int colon = at < 0 ? -1 : header.IndexOf(':', at);
        if (colon < 0)
        {
            throw Invalid(where, $"has no '{key}' in its .npy header: {header.Trim()}");
        }

        int start = colon + 1, end = start, depth = 0;
        for (; end < header.Length; end++)
        {
            char c = header[end];
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (depth == 0 && (c == ',' || c == '}'))
            {
                break;
            }
        }

        return header[start..end].Trim();
    }

    private static InvalidDataException Invalid(string where, string what) => new($"{where} {what}");
}
