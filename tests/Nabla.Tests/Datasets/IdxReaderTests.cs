using Nabla.Datasets;
using Nabla.Tests.Support;

namespace Nabla.Tests.Datasets;

public sealed class IdxReaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Raw_and_gzip_files_read_to_the_same_float_tensor()
    {
        byte[] bytes = IdxFiles.Bytes([2, 3, 4], [.. IdxFiles.Ramp(23), 255]);
        string raw = Write("images", bytes), gz = Write("images.gz", IdxFiles.Gzip(bytes));
        foreach (string path in new[] { raw, gz })
        {
            Tensor t = IdxReader.ReadImages(path);
            Assert.Equal([2, 3, 4], t.Shape);
            Assert.Equal([.. Enumerable.Range(0, 23).Select(i => (float)i), 255f], t.ToArray());
        }

        Tensor labels = IdxReader.ReadLabels(Write("labels", IdxFiles.Bytes([3], [9, 0, 7])));
        Assert.Equal([3], labels.Shape);
        Assert.Equal([9f, 0f, 7f], labels.ToArray());
    }

    [Fact]
    public void Files_larger_than_one_read_chunk_are_read_whole_and_checked_whole()
    {
        // 548,800 bytes: more than two of the reader's 256 KiB chunks.
        byte[] data = new byte[700 * 28 * 28];
        new System.Random(5).NextBytes(data);
        byte[] bytes = IdxFiles.Bytes([700, 28, 28], data);
        Tensor t = IdxReader.ReadImages(Write("big.gz", IdxFiles.Gzip(bytes)));
        Assert.Equal(data.Select(b => (float)b), t.ToArray());

        string cut = Write("big-cut", bytes[..(16 + 300_000)]);
        AssertEx.Throws<InvalidDataException>(() => IdxReader.ReadImages(cut),
            "declares shape [700, 28, 28] (548,800 bytes of data), but only 300,000 bytes follow the header.");
    }

    [Fact]
    public void An_empty_file_is_rejected()
    {
        string path = Write("empty", []);
        AssertEx.Throws<InvalidDataException>(() => IdxReader.ReadImages(path), $"IDX file '{path}' is empty (0 bytes)");
    }

    [Fact]
    public void A_foreign_file_is_rejected_by_its_magic_number()
    {
        string path = Write("picture.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0]);
        AssertEx.Throws<InvalidDataException>(() => IdxReader.ReadImages(path),
            path, "is not an IDX file: it starts with the magic number 0x89504E47", "(IDX images files with 0x00000803)");
    }

    [Fact]
    public void A_data_type_other_than_unsigned_byte_is_rejected()
    {
        string path = Write("floats", IdxFiles.Bytes([1], new byte[4], type: 0x0D));
        AssertEx.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path), path, "data type 0x0D (magic number 0x00000D01)", "only unsigned bytes (0x08)");
    }

    [Fact]
    public void A_wrong_dimension_count_is_rejected()
    {
        string labels = Write("labels", IdxFiles.Bytes([3], [1, 2, 3]));
        AssertEx.Throws<InvalidDataException>(() => IdxReader.ReadImages(labels),
            labels, "has 1 dimension(s) (magic number 0x00000801), but IDX images files have 3 (0x00000803)", "swapped");
        string images = Write("images", IdxFiles.Bytes([1, 1, 1], [1]));
        AssertEx.Throws<InvalidDataException>(() => IdxReader.ReadLabels(images), "has 3 dimension(s)", "IDX labels files have 1 (0x00000801)");
    }

    [Fact]
    public void A_truncated_header_is_rejected()
    {
        byte[] whole = IdxFiles.Bytes([2, 3, 4], IdxFiles.Ramp(24));
        string path = Write("short-header", whole[..10]);
        AssertEx.Throws<InvalidDataException>(() => IdxReader.ReadImages(path), path, "is truncated: it ends after 10 bytes, inside its 16-byte header");
        string tiny = Write("tiny", whole[..3]);
        AssertEx.Throws<InvalidDataException>(() => IdxReader.ReadImages(tiny), "ends after 3 bytes, inside the 4-byte magic number");
    }

    [Fact]
    public void A_truncated_payload_is_rejected()
    {
        byte[] whole = IdxFiles.Bytes([2, 3, 4], IdxFiles.Ramp(24));
        string path = Write("short", whole[..(16 + 10)]);
        AssertEx.Throws<InvalidDataException>(() => IdxReader.ReadImages(path),
            path, "is truncated: its header declares shape [2, 3, 4] (24 bytes of data), but only 10 bytes follow the header.");
        string gz = Write("short.gz", IdxFiles.Gzip(whole[..(16 + 10)]));
        AssertEx.Throws<InvalidDataException>(() => IdxReader.ReadImages(gz), "only 10 bytes follow the header (after decompression)");
    }

    [Fact]
    public void Data_beyond_what_the_header_declares_is_rejected()
    {
        string path = Write("long", IdxFiles.Bytes([2], [1, 2, 3]));
        AssertEx.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path),
            path, "holds more data than its header declares: shape [2] needs 2 bytes after the 8-byte header");
    }

    [Fact]
    public void A_truncated_gzip_stream_is_rejected_naming_the_file()
    {
        byte[] gz = IdxFiles.Gzip(IdxFiles.Bytes([50, 28, 28], IdxFiles.Ramp(50 * 28 * 28)));
        string path = Write("cut.gz", gz[..(gz.Length / 2)]);

        // .NET's GZipStream reports a stream cut short as an early end, so the reader's own length check catches it.
        AssertEx.Throws<InvalidDataException>(() => IdxReader.ReadImages(path),
            $"IDX file '{path}' is truncated: its header declares shape [50, 28, 28] (39,200 bytes of data)", "(after decompression)");
    }

    [Fact]
    public void A_corrupt_gzip_stream_is_rethrown_with_the_file_name_and_the_cause()
    {
        byte[] gz = IdxFiles.Gzip(IdxFiles.Bytes([50, 28, 28], IdxFiles.Ramp(50 * 28 * 28)));
        for (int i = 10; i < 40; i++)
        {
            gz[i] ^= 0x5A;   // scramble the start of the deflate stream
        }

        string path = Write("corrupt.gz", gz);
        var ex = AssertEx.Throws<InvalidDataException>(() => IdxReader.ReadImages(path),
            $"IDX file '{path}' is gzip-compressed, but its compressed data is corrupt: the deflate stream breaks after 0 decompressed bytes");
        Assert.IsType<InvalidDataException>(ex.InnerException);
        Assert.DoesNotContain("unsupported compression method", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_file_with_zero_images_or_labels_is_a_clear_error(bool gzip)
    {
        byte[] images = IdxFiles.Bytes([0, 28, 28], []), labels = IdxFiles.Bytes([0], []);
        string imagesPath = Write("zero-images" + (gzip ? ".gz" : string.Empty), gzip ? IdxFiles.Gzip(images) : images);
        string labelsPath = Write("zero-labels" + (gzip ? ".gz" : string.Empty), gzip ? IdxFiles.Gzip(labels) : labels);
        AssertEx.Throws<InvalidDataException>(() => IdxReader.ReadImages(imagesPath),
            $"IDX file '{imagesPath}' holds 0 images: its header declares shape [0, 28, 28]. A dataset file needs at least one");
        AssertEx.Throws<InvalidDataException>(() => IdxReader.ReadLabels(labelsPath), "holds 0 labels: its header declares shape [0]");
        string noPixels = Write("no-pixels", IdxFiles.Bytes([5, 0, 28], []));
        AssertEx.Throws<InvalidDataException>(() => IdxReader.ReadImages(noPixels), "declares shape [5, 0, 28], which holds no pixels");
    }

    [Fact]
    public void A_raw_file_claiming_millions_of_images_is_rejected_from_its_length_before_allocating()
    {
        // 2.7 M images of 28x28 would be 8.5 GB of floats; the file holds 3 images.
        string path = Write("huge-claim", IdxFiles.Bytes([2_700_000, 28, 28], IdxFiles.Ramp(3 * 784)));
        long before = GC.GetAllocatedBytesForCurrentThread();
        AssertEx.Throws<InvalidDataException>(() => IdxReader.ReadImages(path),
            "is truncated: its header declares shape [2700000, 28, 28] (2,116,800,000 bytes of data), but only 2,352 bytes follow the header.");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "nothing the size of the claim may be allocated");
    }

    [Fact]
    public void A_gzip_file_claiming_millions_of_images_is_read_in_bounded_chunks_and_rejected()
    {
        string path = Write("huge-claim.gz", IdxFiles.Gzip(IdxFiles.Bytes([2_700_000, 28, 28], IdxFiles.Ramp(3 * 784))));
        long before = GC.GetAllocatedBytesForCurrentThread();
        AssertEx.Throws<InvalidDataException>(() => IdxReader.ReadImages(path),
            "is truncated: its header declares shape [2700000, 28, 28] (2,116,800,000 bytes of data), but only 2,352 bytes follow the header (after decompression).",
            "Its gzip stream is complete (the trailer records 2,368 bytes), so the IDX header's count is wrong");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4 << 20, "only chunks of the data present may be allocated");
    }

    [Fact]
    public void A_large_gzip_file_whose_trailer_cannot_vouch_for_it_is_still_read_whole()
    {
        // Two gzip members (as bgzip or pigz --independent write): the trailer's size covers the last member only,
        // so the 5 M-element claim is read through the chunked path.
        byte[] data = new byte[6400 * 28 * 28];
        new System.Random(7).NextBytes(data);
        byte[] bytes = IdxFiles.Bytes([6400, 28, 28], data);
        Assert.True(data.Length > IdxReader.UnverifiedElements);
        int half = bytes.Length / 2;
        string path = Write("two-members.gz", [.. IdxFiles.Gzip(bytes[..half]), .. IdxFiles.Gzip(bytes[half..])]);
        Tensor t = IdxReader.ReadImages(path);
        Assert.Equal([6400, 28, 28], t.Shape);
        Assert.True(data.AsSpan().SequenceEqual(t.ToArray().Select(v => (byte)v).ToArray()));
    }

    private string Write(string name, byte[] bytes)
    {
        string path = _temp.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
