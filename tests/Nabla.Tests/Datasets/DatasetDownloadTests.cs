using Nabla.Datasets;
using Nabla.Tests.Support;

namespace Nabla.Tests.Datasets;

/// <summary>
/// <c>LoadData(download: true)</c> against a local HTTP server on 127.0.0.1 serving the shipped files, never an
/// outside address. The server's files are not byte-identical to Keras's (the shipped Fashion-MNIST was recompressed,
/// and MNIST is the shipped subset packed as an .npz), so most tests give the loader their own SHA-256 table; the
/// tests through the public API check that Keras's hashes are the ones enforced.
/// </summary>
public sealed class DatasetDownloadTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly LocalHttpServer _server = new();
    private readonly StringWriter _log = new();
    private readonly string _cache;

    public DatasetDownloadTests() => _cache = Path.Combine(_temp.Path, "cache");

    public void Dispose()
    {
        _server.Dispose();
        _temp.Dispose();
    }

    // No NABLA_DATA, nothing system-wide; the repository roots are given per test (none, as for a NuGet user).
    private DataSources Sources(params string[] repositoryRoots) => new(null, repositoryRoots, [], _cache, _server.BaseUrl, _log);

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    // The shipped subset packed as Keras's mnist.npz, served, and an MNIST spec that expects its hash.
    private (DatasetSpec Spec, byte[] Npz) ServeMnistNpz()
    {
        var ((xTrain, yTrain), (xTest, yTest)) = Mnist.LoadData(ShippedData.Folder("mnist-10k"));
        byte[] npz = NpzFiles.MnistNpz(xTrain, yTrain, xTest, yTest);
        _server.Serve("mnist.npz", npz);
        return (Mnist.Spec with { Remote = Mnist.Spec.Remote! with { Files = [new("mnist.npz", Sha256(npz))] } }, npz);
    }

    [Fact]
    public void Fashion_MNIST_is_downloaded_verified_cached_and_then_loaded_from_the_cache()
    {
        string shipped = ShippedData.Folder("fashion-mnist");
        var files = new List<RemoteFile>();
        foreach (RemoteFile file in FashionMnist.Spec.Remote!.Files)
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(shipped, file.Name));
            _server.Serve(file.Name, bytes);
            files.Add(file with { Sha256 = Sha256(bytes) });
        }

        DatasetSpec spec = FashionMnist.Spec with { Remote = FashionMnist.Spec.Remote with { Files = [.. files] } };

        // As for a NuGet user: no repository copy, so the download happens.
        var (train, test, folder) = spec.Load(null, download: true, Sources());
        Assert.Equal([60000, 28, 28], train.X.Shape);
        Assert.Equal([10000], test.Y.Shape);
        Assert.Equal(DataOrigin.Cache, folder.Origin);
        Assert.Equal(Path.Combine(_cache, "fashion-mnist"), folder.Path);
        Assert.Equal(4, _server.Requests.Count);
        foreach (RemoteFile file in files)
        {
            Assert.Equal(file.Sha256, DatasetDownloader.Sha256(Path.Combine(_cache, "fashion-mnist", file.Name)));
        }

        Assert.Equal(4, Directory.GetFiles(Path.Combine(_cache, "fashion-mnist")).Length);   // no .part files left
        Assert.Contains($"Nabla: downloading Fashion-MNIST: {_server.BaseUrl}train-images-idx3-ubyte.gz", _log.ToString(), StringComparison.Ordinal);

        // Afterwards the cache is found without asking for a download, and nothing is fetched again.
        var (again, _, cached) = spec.Load(null, download: false, Sources());
        Assert.Equal(DataOrigin.Cache, cached.Origin);
        Assert.Equal(train.X.ToArray()[..5000], again.X.ToArray()[..5000]);
        Assert.Equal(4, _server.Requests.Count);
    }

    [Fact]
    public void Mnist_downloads_Keras_npz_when_only_the_subset_is_at_hand()
    {
        (DatasetSpec spec, _) = ServeMnistNpz();
        string repository = Path.GetDirectoryName(ShippedData.Folder("mnist-10k"))!;
        var (train, test, folder) = spec.Load(null, download: true, Sources(repository));
        Assert.Equal(["mnist.npz"], _server.Requests);
        Assert.Equal(Path.Combine(_cache, "mnist.npz"), folder.Archive);   // Keras's layout: the cache folder itself

        var ((xTrain, yTrain), (xTest, yTest)) = Mnist.LoadData(ShippedData.Folder("mnist-10k"));
        Assert.Equal(xTrain.ToArray(), train.X.ToArray());
        Assert.Equal(yTrain.ToArray(), train.Y.ToArray());
        Assert.Equal(xTest.ToArray(), test.X.ToArray());
        Assert.Equal(yTest.ToArray(), test.Y.ToArray());

        // A second call with download: true checks the cached file's hash and fetches nothing.
        spec.Load(null, download: true, Sources(repository));
        Assert.Single(_server.Requests);
        Assert.DoesNotContain("subset", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupt_download_is_rejected_and_not_cached()
    {
        (DatasetSpec spec, byte[] npz) = ServeMnistNpz();
        byte[] corrupt = (byte[])npz.Clone();
        corrupt[corrupt.Length / 2] ^= 0xFF;
        _server.Serve("mnist.npz", corrupt);

        var ex = AssertEx.Throws<InvalidDataException>(() => spec.Load(null, download: true, Sources()),
            $"The download of {_server.BaseUrl}mnist.npz is corrupt: its SHA-256 is {Sha256(corrupt)}",
            $"but MNIST's mnist.npz has {Sha256(npz)}. Nothing was cached; call Mnist.LoadData(download: true) again.");
        Assert.False(Directory.Exists(_cache) && Directory.EnumerateFileSystemEntries(_cache).Any(),
            "nothing may be left in the cache: " + string.Join(", ", Directory.Exists(_cache) ? Directory.GetFiles(_cache) : []));
    }

    [Fact]
    public void A_cached_file_that_fails_its_hash_is_downloaded_again()
    {
        (DatasetSpec spec, byte[] npz) = ServeMnistNpz();
        Directory.CreateDirectory(_cache);
        File.WriteAllBytes(Path.Combine(_cache, "mnist.npz"), [1, 2, 3]);
        var (train, _, _) = spec.Load(null, download: true, Sources());
        Assert.Equal([8000, 28, 28], train.X.Shape);
        Assert.Single(_server.Requests);
        Assert.Equal(npz, File.ReadAllBytes(Path.Combine(_cache, "mnist.npz")));
        Assert.Contains("fails its SHA-256 check", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_http_error_names_the_url_and_how_to_work_offline()
    {
        (DatasetSpec spec, _) = ServeMnistNpz();
        DataSources sources = Sources() with { BaseUrl = _server.BaseUrl + "missing/" };
        var ex = AssertEx.Throws<IOException>(() => spec.Load(null, download: true, sources),
            $"Downloading MNIST from {_server.BaseUrl}missing/mnist.npz failed:", "404", $"To work offline, put the files in {_cache}");
        Assert.IsType<HttpRequestException>(ex.InnerException);
        Assert.Empty(Directory.GetFiles(_cache));
    }

    [Fact]
    public void Nothing_is_downloaded_unless_asked_and_the_error_says_how_to_ask()
    {
        (DatasetSpec spec, _) = ServeMnistNpz();
        AssertEx.Throws<FileNotFoundException>(() => spec.Load(null, download: false, Sources()),
            "MNIST was not found. Looked in:", $"{_cache} (the download cache): no such folder",
            "or call Mnist.LoadData(download: true) to download it (11 MB) once into the cache.");
        Assert.Empty(_server.Requests);
        Assert.False(Directory.Exists(_cache));
    }

    [Fact]
    public void The_full_set_at_hand_is_used_without_downloading()
    {
        (DatasetSpec spec, _) = ServeMnistNpz();
        string repository = Path.Combine(_temp.Path, "data");
        IdxFiles.WriteDataset(Path.Combine(repository, "mnist"), trainCount: 4, testCount: 2);
        var (train, _, folder) = spec.Load(null, download: true, Sources(repository));
        Assert.Equal(DataOrigin.Repository, folder.Origin);
        Assert.Equal([4, 28, 28], train.X.Shape);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public void The_subset_notice_is_written_once_and_says_how_to_get_the_full_set()
    {
        string repository = Path.GetDirectoryName(ShippedData.Folder("mnist-10k"))!;
        Mnist.Spec.Load(null, download: false, Sources(repository));
        Mnist.Spec.Load(null, download: false, Sources(repository));
        string log = _log.ToString();
        Assert.Single(log.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Nabla: Mnist.LoadData() is using the MNIST subset in", log, StringComparison.Ordinal);
        Assert.Contains("(8,000 training and 2,000 test images), not the full MNIST (60,000 / 10,000) that Keras loads.", log, StringComparison.Ordinal);
        Assert.Contains($"call Mnist.LoadData(download: true), which downloads it once (11 MB) into {_cache}", log, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public void A_path_and_download_together_are_refused()
    {
        AssertEx.Throws<ArgumentException>(() => Mnist.LoadData(ShippedData.Folder("mnist-10k"), download: true),
            "Mnist.LoadData: pass either a path or download: true, not both.");
    }
}
