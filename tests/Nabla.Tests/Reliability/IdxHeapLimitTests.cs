using System.Globalization;
using Nabla.Tests.Datasets;
using Nabla.Tests.Support;

namespace Nabla.Tests.Reliability;

/// <summary>
/// Issue 11, item 5: an IDX file whose header claims 2.7 M images was allocated before the file was checked, and
/// under a container's heap limit the loader died with a bare <see cref="OutOfMemoryException"/>. In a child process
/// limited to a 256 MB heap it must now say what is wrong with the file.
/// </summary>
public sealed class IdxHeapLimitTests : IDisposable
{
    // 2.7 M images of 28x28: 2,116,800,000 elements, 8.5 GB as floats.
    private const long ClaimedElements = 2_700_000L * 28 * 28;

    private static readonly Dictionary<string, string> s_heapLimit = new()
    {
        ["DOTNET_GCHeapHardLimit"] = "0x10000000",   // 256 MB
        ["DOTNET_gcServer"] = "0",
    };

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_heap_limit_is_in_force_in_the_child_process()
    {
        // Without this, the tests below could pass because the limit was not applied.
        (int code, string output) = ChildProcess.Run(s_heapLimit, "allocate-floats", ClaimedElements.ToString(CultureInfo.InvariantCulture));
        Assert.StartsWith("OutOfMemoryException", output, StringComparison.Ordinal);
        Assert.Equal(1, code);
    }

    [Theory]
    [InlineData("raw", "only 2,352 bytes follow the header.")]
    [InlineData("gz", "only 2,352 bytes follow the header (after decompression).")]
    public void A_header_claiming_millions_of_images_gives_a_clear_error_under_a_256_MB_heap(string kind, string expected)
    {
        byte[] bytes = IdxFiles.Bytes([2_700_000, 28, 28], IdxFiles.Ramp(3 * 28 * 28));
        string path = _temp.File("train-images-idx3-ubyte" + (kind == "gz" ? ".gz" : string.Empty));
        File.WriteAllBytes(path, kind == "gz" ? IdxFiles.Gzip(bytes) : bytes);

        (int code, string output) = ChildProcess.Run(s_heapLimit, "read-idx", path, "3");
        Assert.DoesNotContain("OutOfMemory", output, StringComparison.Ordinal);
        Assert.StartsWith(
            $"InvalidDataException: IDX file '{path}' is truncated: its header declares shape [2700000, 28, 28] (2,116,800,000 bytes of data)",
            output, StringComparison.Ordinal);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.Equal(1, code);
    }

    [Fact]
    public void A_real_dataset_file_still_loads_under_the_limit()
    {
        string path = Path.Combine(ShippedData.Folder("mnist-10k"), "t10k-images-idx3-ubyte.gz");
        (int code, string output) = ChildProcess.Run(s_heapLimit, "read-idx", path, "3");
        Assert.Equal("ok 2000x28x28", output.Trim());
        Assert.Equal(0, code);
    }
}
