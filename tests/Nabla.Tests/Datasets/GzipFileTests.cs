using Nabla.Datasets;
using Nabla.Tests.Support;

namespace Nabla.Tests.Datasets;

/// <summary>
/// Damaged .gz IDX files get messages that name the real defect, where .NET's GZipStream says "unsupported
/// compression method" for every one of them, or ends silently.
/// </summary>
public sealed class GzipFileTests : IDisposable
{
    private static readonly byte[] s_idx = IdxFiles.Bytes([50, 28, 28], IdxFiles.Ramp(50 * 28 * 28));
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static byte[] Gz() => IdxFiles.Gzip(s_idx);   // a 10-byte header without a name, deflate data, 8-byte trailer

    [Fact]
    public void A_changed_byte_in_the_deflate_data_is_reported_as_corrupt_compressed_data()
    {
        byte[] gz = Gz();
        for (int i = gz.Length / 2; i < (gz.Length / 2) + 8; i++)
        {
            gz[i] ^= 0xA5;
        }

        var ex = Read(gz, out string path);
        Assert.StartsWith($"IDX file '{path}' is gzip-compressed, but its compressed data is corrupt", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("unsupported compression method", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("holds more data", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_checksum_mismatch_is_reported_as_a_failed_crc_check()
    {
        byte[] gz = Gz();
        gz[^8] ^= 0x01;   // first byte of the CRC-32 in the trailer
        var ex = Read(gz, out _);
        Assert.Contains("its deflate data decompresses (39,216 bytes), but they fail gzip's CRC-32 check", ex.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidDataException>(ex.InnerException);
    }

    [Fact]
    public void A_size_mismatch_in_the_trailer_is_reported_as_such()
    {
        byte[] gz = Gz();
        gz[^1] ^= 0x40;   // the top byte of ISIZE
        var ex = Read(gz, out _);
        Assert.Contains("its deflate data decompresses to 39,216 bytes, but its gzip trailer records 1,073,781,040", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_defects_are_named()
    {
        byte[] method = Gz();
        method[2] = 7;
        Assert.Contains("has a corrupt gzip header: its compression method byte is 7, but gzip files use 8 (deflate)", Read(method, out _).Message, StringComparison.Ordinal);
        byte[] flags = Gz();
        flags[3] = 0x80;
        Assert.Contains("its flag byte 0x80 sets reserved bits (0x80)", Read(flags, out _).Message, StringComparison.Ordinal);
        byte[] named = Gz();
        named[3] = 0x08;   // "a name follows", but what follows is deflate data with no terminating zero before the end
        Array.Fill(named, (byte)'a', 10, named.Length - 10);
        Assert.Contains("ends inside its gzip header: the file is truncated", Read(named, out _).Message, StringComparison.Ordinal);
        Assert.Contains("ends after 5 bytes, inside its 10-byte gzip header", Read(Gz()[..5], out _).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cut_gz_file_is_told_apart_from_an_intact_one_whose_header_overstates_its_count()
    {
        byte[] gz = Gz();
        Assert.Contains("The .gz file is cut short: its gzip stream ends before the data does.", Read(gz[..(gz.Length / 2)], out _).Message, StringComparison.Ordinal);

        byte[] overstated = IdxFiles.Gzip(IdxFiles.Bytes([60, 28, 28], IdxFiles.Ramp(50 * 28 * 28)));
        var ex = Read(overstated, out _);
        Assert.Contains("declares shape [60, 28, 28] (47,040 bytes of data), but only 39,200 bytes follow the header (after decompression).", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Its gzip stream is complete (the trailer records 39,216 bytes), so the IDX header's count is wrong", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_gz_files_joined_are_reported_as_two_idx_files()
    {
        byte[] gz = Gz();
        var ex = Read([.. gz, .. gz], out _);
        Assert.Contains("holds two IDX files: after the 39,200 bytes its header declares (shape [50, 28, 28]), the decompressed data starts again with an IDX header (39,216 bytes more)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Extra_decompressed_data_is_counted_exactly()
    {
        var ex = Read(IdxFiles.Gzip([.. s_idx, 1, 2, 3]), out _);
        Assert.Contains("holds more data than its header declares: shape [50, 28, 28] needs 39,200 bytes after the 16-byte header, but 3 more follow (after decompression)", ex.Message, StringComparison.Ordinal);
    }

    private InvalidDataException Read(byte[] gz, out string path)
    {
        path = _temp.File($"file{Guid.NewGuid():N}.gz");
        File.WriteAllBytes(path, gz);
        string p = path;
        return Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(p));
    }
}
