using Nabla.Plotting;
using Nabla.Tests.Support;

namespace Nabla.Tests.Plotting;

public sealed class AtomicFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_missing_folder_is_named_with_the_target_not_the_temporary_file()
    {
        string folder = Path.Combine(_temp.Path, "no-such-folder");
        string target = Path.Combine(folder, "x.png");
        var ex = AssertEx.Throws<DirectoryNotFoundException>(() => Plot.Image(target, Tensor.Zeros(4, 4)),
            $"Plot: cannot write '{target}': the folder '{folder}' does not exist.", "Directory.CreateDirectory");
        Assert.DoesNotContain(".tmp", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_temp.Path));
    }

    [Fact]
    public void A_failed_cleanup_never_replaces_the_original_error()
    {
        // The target is a folder, so the final rename fails; the temporary file's removal then fails too.
        string target = Path.Combine(_temp.Path, "taken.png");
        Directory.CreateDirectory(target);
        var ex = Assert.ThrowsAny<IOException>(() => AtomicFile.Write(target, [1, 2, 3], deleteTemporary: _ => throw new IOException("cleanup failed")));
        Assert.Contains($"Plot: could not write '{target}'", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("cleanup failed", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.InnerException);
        Assert.DoesNotContain("cleanup failed", ex.InnerException!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void After_a_failure_the_temporary_file_is_removed()
    {
        string target = Path.Combine(_temp.Path, "taken.png");
        Directory.CreateDirectory(target);
        Assert.ThrowsAny<IOException>(() => AtomicFile.Write(target, [1, 2, 3]));
        Assert.Equal([target], Directory.GetFileSystemEntries(_temp.Path));
    }

    [Fact]
    public void A_write_replaces_the_previous_file_whole()
    {
        string target = Path.Combine(_temp.Path, "a.bin");
        File.WriteAllBytes(target, [9, 9, 9, 9, 9]);
        AtomicFile.Write(target, [1, 2]);
        Assert.Equal(new byte[] { 1, 2 }, File.ReadAllBytes(target));
        Assert.Single(Directory.GetFileSystemEntries(_temp.Path));
    }
}
