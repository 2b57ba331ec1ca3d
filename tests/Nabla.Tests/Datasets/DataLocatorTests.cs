using Nabla.Datasets;
using Nabla.Tests.Support;

namespace Nabla.Tests.Datasets;

public sealed class DataLocatorTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _explicit, _env, _repo, _system;

    public DataLocatorTests()
    {
        _explicit = Path.Combine(_temp.Path, "explicit");
        _env = Path.Combine(_temp.Path, "env");
        _repo = Path.Combine(_temp.Path, "repo", "data");
        _system = Path.Combine(_temp.Path, "usr-share-datasets");
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void An_explicit_path_comes_first_then_NABLA_DATA_then_the_repository_then_the_system()
    {
        foreach (string root in new[] { _env, _repo, _system })
        {
            IdxFiles.WriteDataset(Path.Combine(root, "fashion-mnist"));
        }

        IdxFiles.WriteDataset(_explicit);

        Assert.Equal((DataOrigin.ExplicitPath, Full(_explicit)), Find(FashionMnist.Spec, _explicit));
        Assert.Equal((DataOrigin.Environment, Full(_env, "fashion-mnist")), Find(FashionMnist.Spec, null));
        Assert.Equal((DataOrigin.Repository, Full(_repo, "fashion-mnist")), Find(FashionMnist.Spec, null, env: null));

        Directory.Delete(Path.Combine(_repo, "fashion-mnist"), recursive: true);
        Assert.Equal((DataOrigin.System, Full(_system, "fashion-mnist")), Find(FashionMnist.Spec, null, env: null));
    }

    [Fact]
    public void NABLA_DATA_without_the_dataset_falls_through_to_the_next_place()
    {
        IdxFiles.WriteDataset(Path.Combine(_env, "mnist-10k"));
        IdxFiles.WriteDataset(Path.Combine(_repo, "fashion-mnist"));
        Assert.Equal((DataOrigin.Repository, Full(_repo, "fashion-mnist")), Find(FashionMnist.Spec, null));
        Assert.Equal((DataOrigin.Environment, Full(_env, "mnist-10k")), Find(Mnist.Spec, null));
    }

    [Fact]
    public void The_full_MNIST_is_preferred_to_the_subset_under_the_same_root()
    {
        IdxFiles.WriteDataset(Path.Combine(_env, "mnist-10k"));
        IdxFiles.WriteDataset(Path.Combine(_env, "mnist"));
        Assert.Equal((DataOrigin.Environment, Full(_env, "mnist")), Find(Mnist.Spec, null));
    }

    [Fact]
    public void Raw_files_are_found_and_gzip_files_are_preferred()
    {
        string folder = Path.Combine(_repo, "fashion-mnist");
        IdxFiles.WriteDataset(folder, raw: true);
        DataFolder found = DataLocator.Find(FashionMnist.Spec, null, null, [_repo], []);
        Assert.Equal(Path.Combine(found.Path, "train-images-idx3-ubyte"), found.TrainImages);

        IdxFiles.WriteDataset(folder);
        found = DataLocator.Find(FashionMnist.Spec, null, null, [_repo], []);
        Assert.Equal(Path.Combine(found.Path, "t10k-labels-idx1-ubyte.gz"), found.TestLabels);
    }

    [Fact]
    public void An_explicit_parent_folder_in_the_NABLA_DATA_layout_is_accepted()
    {
        IdxFiles.WriteDataset(Path.Combine(_explicit, "fashion-mnist"));
        Assert.Equal((DataOrigin.ExplicitPath, Full(_explicit, "fashion-mnist")), Find(FashionMnist.Spec, _explicit));
    }

    [Fact]
    public void A_wrong_explicit_path_is_an_error_and_not_a_fallback()
    {
        IdxFiles.WriteDataset(Path.Combine(_repo, "fashion-mnist"));
        string missing = Path.Combine(_temp.Path, "nowhere");
        AssertEx.Throws<FileNotFoundException>(() => Find(FashionMnist.Spec, missing),
            $"FashionMnist.LoadData: the folder '{missing}' does not exist");

        IdxFiles.WriteDataset(_explicit);
        File.Delete(Path.Combine(_explicit, "t10k-labels-idx1-ubyte.gz"));
        AssertEx.Throws<FileNotFoundException>(() => Find(FashionMnist.Spec, _explicit),
            $"the folder '{_explicit}' does not hold the Fashion-MNIST files: missing t10k-labels-idx1-ubyte(.gz)");
    }

    [Fact]
    public void Nothing_found_lists_every_place_looked_in_and_how_to_fix_it()
    {
        Directory.CreateDirectory(Path.Combine(_repo, "fashion-mnist"));
        var ex = AssertEx.Throws<FileNotFoundException>(() => Find(FashionMnist.Spec, null),
            "Fashion-MNIST was not found. Looked in:",
            $"{Path.Combine(_env, "fashion-mnist")} (from NABLA_DATA): no such folder",
            $"{Path.Combine(_repo, "fashion-mnist")} (the copy shipped with the repository): missing train-images-idx3-ubyte(.gz)",
            $"{Path.Combine(_system, "fashion-mnist")} (system-wide): no such folder",
            "to FashionMnist.LoadData(path), or set NABLA_DATA to a folder containing fashion-mnist/",
            "install Debian's dataset-fashion-mnist package");
        Assert.DoesNotContain("NABLA_DATA: not set", ex.Message, StringComparison.Ordinal);

        AssertEx.Throws<FileNotFoundException>(() => Find(Mnist.Spec, null, env: null),
            "MNIST was not found", "NABLA_DATA: not set", "containing mnist/ or mnist-10k/");
    }

    [Fact]
    public void The_download_cache_comes_after_NABLA_DATA_and_before_the_repository()
    {
        string cache = Path.Combine(_temp.Path, "cache");
        IdxFiles.WriteDataset(Path.Combine(cache, "fashion-mnist"));
        IdxFiles.WriteDataset(Path.Combine(_repo, "fashion-mnist"));
        Assert.Equal(DataOrigin.Cache, DataLocator.Find(FashionMnist.Spec, null, null, [_repo], [_system], cache).Origin);
        IdxFiles.WriteDataset(Path.Combine(_env, "fashion-mnist"));
        Assert.Equal(DataOrigin.Environment, DataLocator.Find(FashionMnist.Spec, null, _env, [_repo], [_system], cache).Origin);
    }

    [Fact]
    public void Without_a_repository_as_for_a_NuGet_user_the_cache_and_Keras_npz_are_found()
    {
        // Keras's layout: mnist.npz directly in the cache folder.
        string cache = Path.Combine(_temp.Path, "cache");
        Directory.CreateDirectory(cache);
        File.WriteAllBytes(Path.Combine(cache, "mnist.npz"), [1]);
        DataFolder found = DataLocator.Find(Mnist.Spec, null, null, [], [], cache);
        Assert.Equal((DataOrigin.Cache, Path.Combine(cache, "mnist.npz")), (found.Origin, found.Archive));

        // An explicit folder holding mnist.npz (Keras's ~/.keras/datasets) works too.
        Assert.Equal(Path.Combine(cache, "mnist.npz"), DataLocator.Find(Mnist.Spec, cache, null, [], []).Archive);
        AssertEx.Throws<FileNotFoundException>(() => DataLocator.Find(Mnist.Spec, null, null, [], [], Path.Combine(_temp.Path, "empty")),
            "(the download cache): no such folder", "or call Mnist.LoadData(download: true)");
    }

    [Fact]
    public void The_repository_data_folder_is_recorded_at_build_time()
    {
        IReadOnlyList<string> roots = DataLocator.RepositoryRoots();
        Assert.NotEmpty(roots);
        Assert.True(Directory.Exists(Path.Combine(roots[0], "fashion-mnist")), $"no fashion-mnist under {roots[0]}");
        Assert.True(File.Exists(Path.Combine(roots[0], "NOTICE.md")));
    }

    private (DataOrigin, string) Find(DatasetSpec spec, string? path, string? env = "default")
    {
        DataFolder f = DataLocator.Find(spec, path, env == "default" ? _env : env, [_repo], [_system]);
        return (f.Origin, f.Path);
    }

    private static string Full(params string[] parts) => Path.GetFullPath(Path.Combine(parts));
}
