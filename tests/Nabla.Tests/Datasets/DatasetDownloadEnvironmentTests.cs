using Nabla.Datasets;
using Nabla.Tests.Support;

namespace Nabla.Tests.Datasets;

/// <summary>
/// The public download entry points, steered by <c>NABLA_DATASETS_BASE_URL</c> and <c>NABLA_DATASETS_CACHE</c> to a
/// local server and a temporary cache. The server's file is the shipped subset, not Keras's mnist.npz, so the
/// download must be refused by Keras's SHA-256 and leave nothing in the cache.
/// </summary>
[Collection(EnvironmentVariablesCollection.Name)]
public sealed class DatasetDownloadEnvironmentTests : IDisposable
{
    private const string KerasMnistSha256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1";
    private static readonly string[] s_variables = [DataSources.BaseUrlVariable, DataSources.CacheVariable, DataLocator.EnvironmentVariable];

    private readonly TempFolder _temp = new();
    private readonly LocalHttpServer _server = new();
    private readonly Dictionary<string, string?> _saved = [];
    private readonly string _cache;

    public DatasetDownloadEnvironmentTests()
    {
        foreach (string name in s_variables)
        {
            _saved[name] = Environment.GetEnvironmentVariable(name);
        }

        _cache = Path.Combine(_temp.Path, "cache");
        Environment.SetEnvironmentVariable(DataSources.BaseUrlVariable, _server.BaseUrl.TrimEnd('/'));   // the '/' is added
        Environment.SetEnvironmentVariable(DataSources.CacheVariable, _cache);
        Environment.SetEnvironmentVariable(DataLocator.EnvironmentVariable, null);
        var ((xTrain, yTrain), (xTest, yTest)) = Mnist.LoadData(ShippedData.Folder("mnist-10k"));
        _server.Serve("mnist.npz", NpzFiles.MnistNpz(xTrain, yTrain, xTest, yTest));
    }

    public void Dispose()
    {
        foreach ((string name, string? value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        _server.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Mnist_LoadData_download_fetches_from_the_mirror_and_enforces_Keras_hash()
    {
        AssertEx.Throws<InvalidDataException>(() => Mnist.LoadData(download: true),
            $"The download of {_server.BaseUrl}mnist.npz is corrupt", $"but MNIST's mnist.npz has {KerasMnistSha256}. Nothing was cached");
        Assert.Equal(["mnist.npz"], _server.Requests);
        Assert.Empty(Directory.GetFileSystemEntries(_cache));
    }

    [Fact]
    public void DatasetCatalog_Load_download_goes_the_same_way()
    {
        AssertEx.Throws<InvalidDataException>(() => DatasetCatalog.Load("mnist", download: true), $"has {KerasMnistSha256}");
        Assert.Single(_server.Requests);
    }

    [Fact]
    public void A_cacheDir_argument_wins_over_the_environment()
    {
        string other = Path.Combine(_temp.Path, "other-cache");
        AssertEx.Throws<InvalidDataException>(() => Mnist.LoadData(download: true, cacheDir: other), "Nothing was cached");
        Assert.True(Directory.Exists(other));
        Assert.False(Directory.Exists(_cache));
    }

    [Fact]
    public void Without_download_nothing_is_fetched()
    {
        var ((xTrain, _), _) = Mnist.LoadData();   // the shipped subset, found in the repository
        Assert.Equal(8000, xTrain.Shape[0]);
        var ((fashion, _), _) = FashionMnist.LoadData(download: true);   // the full set is at hand: no download
        Assert.Equal(60000, fashion.Shape[0]);
        Assert.Empty(_server.Requests);
    }
}
