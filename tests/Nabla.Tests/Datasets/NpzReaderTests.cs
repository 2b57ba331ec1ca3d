using Nabla.Datasets;
using Nabla.Tests.Support;

namespace Nabla.Tests.Datasets;

public sealed class NpzReaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Unsigned_byte_arrays_read_to_float_tensors(byte major)
    {
        string path = Write("a.npz", NpzFiles.Npz(
            ("images", NpzFiles.Npy([2, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255], major: major)),
            ("labels", NpzFiles.Npy([2], [7, 3], descr: "<u1", major: major))));
        Dictionary<string, Tensor> arrays = NpzReader.Read(path, "labels", "images");
        Assert.Equal([2, 2, 3], arrays["images"].Shape);
        Assert.Equal([0f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255], arrays["images"].ToArray());
        Assert.Equal([7f, 3f], arrays["labels"].ToArray());
    }

    [Fact]
    public void A_missing_array_lists_what_the_archive_holds()
    {
        string path = Write("a.npz", NpzFiles.Npz(("x_train", NpzFiles.Npy([1], [1]))));
        AssertEx.Throws<InvalidDataException>(() => NpzReader.Read(path, "y_train"),
            $"NumPy archive '{path}' has no array 'y_train' (y_train.npy). It holds: x_train.npy.");
    }

    [Fact]
    public void Unsupported_element_types_and_layouts_are_named()
    {
        string floats = Write("f.npz", NpzFiles.Npz(("x", NpzFiles.Npy([1], [0, 0, 128, 63], descr: "<f4"))));
        AssertEx.Throws<InvalidDataException>(() => NpzReader.Read(floats, "x"),
            "array 'x.npy' holds elements of NumPy type '<f4', but only unsigned bytes ('|u1', uint8) are supported.");
        string fortran = Write("o.npz", NpzFiles.Npz(("x", NpzFiles.Npy([2, 2], [1, 2, 3, 4], fortranOrder: "True"))));
        AssertEx.Throws<InvalidDataException>(() => NpzReader.Read(fortran, "x"), "is stored in Fortran (column-major) order");
    }

    [Fact]
    public void Truncated_long_and_foreign_arrays_are_rejected()
    {
        byte[] npy = NpzFiles.Npy([3, 4], [.. Enumerable.Range(0, 12).Select(i => (byte)i)]);
        string cut = Write("cut.npz", NpzFiles.Npz(("x", npy[..^5])));
        AssertEx.Throws<InvalidDataException>(() => NpzReader.Read(cut, "x"),
            "is truncated: its header declares shape [3, 4] (12 bytes of data), but the archive records only 7 bytes after the header.");
        string longer = Write("long.npz", NpzFiles.Npz(("x", [.. npy, 1, 2])));
        AssertEx.Throws<InvalidDataException>(() => NpzReader.Read(longer, "x"), "holds more data than its header declares: shape [3, 4] needs 12 bytes, but 2 more follow.");
        string foreign = Write("foreign.npz", NpzFiles.Npz(("x", "PK not numpy"u8.ToArray())));
        AssertEx.Throws<InvalidDataException>(() => NpzReader.Read(foreign, "x"), "is not a .npy array: it does not start with the magic string");
        string notZip = Write("not-a-zip.npz", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22]);
        AssertEx.Throws<InvalidDataException>(() => NpzReader.Read(notZip, "x"), $"NumPy archive '{notZip}' is not a valid .npz (zip) file");
    }

    [Fact]
    public void A_header_claiming_more_than_the_entry_can_hold_is_refused_before_allocating()
    {
        // 2.7 M images of 28x28 in a 12-byte entry.
        string path = Write("huge.npz", NpzFiles.Npz(("x", NpzFiles.Npy([2_700_000, 28, 28], new byte[12]))));
        long before = GC.GetAllocatedBytesForCurrentThread();
        AssertEx.Throws<InvalidDataException>(() => NpzReader.Read(path, "x"),
            "is truncated: its header declares shape [2700000, 28, 28] (2,116,800,000 bytes of data), but the archive records only 12 bytes");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    private string Write(string name, byte[] bytes)
    {
        string path = _temp.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
