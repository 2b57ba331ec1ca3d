using Nabla.Data;

namespace Nabla.Datasets;

/// <summary>
/// Loads datasets by name as <see cref="Dataset"/> splits with their metadata, the way
/// <c>tfds.load(name, with_info=True, as_supervised=True)</c> does.
/// </summary>
/// <example>
/// <code>
/// var (splits, info) = DatasetCatalog.Load("fashion_mnist");
/// Dataset train = splits["train"].Map((image, label) => (image / 255f, label)).Shuffle(1024).Batch(32);
/// </code>
/// </example>
public static class DatasetCatalog
{
    private static readonly DatasetSpec[] s_known = [FashionMnist.Spec, Mnist.Spec];

    /// <summary>The names <see cref="Load"/> accepts: <c>fashion_mnist</c>, <c>mnist</c>.</summary>
    public static IReadOnlyList<string> Names => Array.ConvertAll(s_known, s => s.Name);

    /// <summary>Loads a dataset's <c>train</c> and <c>test</c> splits and its metadata.</summary>
    /// <param name="name">The dataset's tfds name: <c>fashion_mnist</c> or <c>mnist</c>.</param>
    /// <param name="dataDir">
    /// The folder holding the dataset's IDX files (default null: found as <see cref="FashionMnist.LoadData"/>
    /// finds them: <c>NABLA_DATA</c>, the download cache, the repository's copy, <c>/usr/share/datasets</c>).
    /// </param>
    /// <param name="download">
    /// Whether to download the dataset's canonical files into the cache when the full set is not at hand (default
    /// false), as <see cref="Mnist.LoadData"/> does. Cannot be combined with <paramref name="dataDir"/>.
    /// </param>
    /// <param name="cacheDir">The download cache folder (default null: <c>NABLA_DATASETS_CACHE</c>, else <c>~/.nabla/datasets</c>).</param>
    /// <returns>
    /// The splits by name, each a dataset of (image, label) elements with images [28, 28, 1] as floats 0..255 and
    /// labels as scalars (tfds's supervised form, with float images), and the <see cref="DatasetInfo"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="name"/> is not a known dataset (the message lists the known ones), or both
    /// <paramref name="dataDir"/> and <paramref name="download"/> are given.
    /// </exception>
    /// <exception cref="FileNotFoundException">The files were not found; the message lists every place looked in.</exception>
    /// <exception cref="InvalidDataException">A file is truncated or corrupt, or a download does not have the expected SHA-256.</exception>
    /// <exception cref="IOException">A download failed; the message names the URL.</exception>
    public static (IReadOnlyDictionary<string, Dataset> Splits, DatasetInfo Info) Load(string name, string? dataDir = null, bool download = false, string? cacheDir = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        DatasetSpec spec = Array.Find(s_known, s => s.Name == name) ?? throw UnknownName(name);
        var (train, test, folder) = spec.Load(dataDir, download, cacheDir);
        var splits = new Dictionary<string, Dataset>(StringComparer.Ordinal)
        {
            ["train"] = Split(spec, train),
            ["test"] = Split(spec, test),
        };
        var infos = new Dictionary<string, SplitInfo>(StringComparer.Ordinal)
        {
            ["train"] = new SplitInfo("train", train.X.Dim(0)),
            ["test"] = new SplitInfo("test", test.X.Dim(0)),
        };
        return (splits, new DatasetInfo(spec, infos, folder.Path));
    }

    // Images gain tfds's channel axis ([n, 28, 28] -> [n, 28, 28, 1]) as a view made directly, so that it is never
    // an arena slot whatever the calling thread is doing; elements are slices of these tensors.
    private static Dataset Split(DatasetSpec spec, (Tensor X, Tensor Y) data) =>
        Dataset.FromTensorSlices(new Tensor(data.X.Storage, data.X.Offset, [data.X.Dim(0), spec.Rows, spec.Columns, 1]), data.Y);

    private static ArgumentException UnknownName(string name) =>
        new(KnownNames.UnknownMessage("dataset", name, [.. Names.Order(StringComparer.Ordinal)]), nameof(name));
}
