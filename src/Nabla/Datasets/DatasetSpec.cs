using System.Globalization;
using Nabla.Tensors;

namespace Nabla.Datasets;

/// <summary>
/// What the loaders know about one image-classification dataset stored as four IDX files: where to look, how to
/// describe it, and what shapes and labels to expect. <c>Load</c> finds, reads and checks the files.
/// </summary>
internal sealed record DatasetSpec
{
    /// <summary>The catalog name, as tfds spells it (<c>fashion_mnist</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The name people write (<c>Fashion-MNIST</c>).</summary>
    public required string DisplayName { get; init; }

    /// <summary>The public entry point, for messages (<c>FashionMnist.LoadData</c>).</summary>
    public required string LoadDataName { get; init; }

    /// <summary>Subfolder names to look for under each root, in order of preference.</summary>
    public required string[] Folders { get; init; }

    /// <summary>A Debian package that installs the files under /usr/share/datasets, if there is one.</summary>
    public string? SystemPackage { get; init; }

    /// <summary>The class names, in label order.</summary>
    public required string[] ClassNames { get; init; }

    /// <summary>Image height and width in pixels.</summary>
    public int Rows { get; init; } = 28;

    /// <inheritdoc cref="Rows"/>
    public int Columns { get; init; } = 28;

    /// <summary>A paragraph describing the dataset.</summary>
    public required string Description { get; init; }

    /// <summary>The reference to cite.</summary>
    public required string Citation { get; init; }

    /// <summary>The dataset's home page.</summary>
    public required string Homepage { get; init; }

    /// <summary>The canonical download (Keras's URLs and SHA-256 hashes), or null when the dataset has none.</summary>
    public RemoteFiles? Remote { get; init; }

    /// <summary>The name of a NumPy archive holding the four arrays (<c>mnist.npz</c>), when the download is one.</summary>
    public string? Archive { get; init; }

    /// <summary>The folder name of a subset shipped instead of the full set (<c>mnist-10k</c>), if there is one.</summary>
    public string? SubsetFolder { get; init; }

    /// <summary>The size of the full set, for the subset notice: training and test examples.</summary>
    public (int Train, int Test) FullSize { get; init; }

    /// <summary>
    /// Finds, reads and checks the dataset from this process's environment: images [n, rows, columns] as floats
    /// 0..255, labels [n] as floats.
    /// </summary>
    /// <exception cref="ArgumentException">Both <paramref name="path"/> and <paramref name="download"/> are given.</exception>
    /// <exception cref="FileNotFoundException">The files were not found; the message lists where it looked.</exception>
    /// <exception cref="InvalidDataException">A file is corrupt, or the files do not fit together.</exception>
    /// <exception cref="IOException">A download failed.</exception>
    public ((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test, DataFolder Folder) Load(string? path, bool download = false, string? cacheDir = null) =>
        Load(path, download, DataSources.FromEnvironment(cacheDir));

    /// <summary>
    /// Finds (downloading when <paramref name="download"/> is set and the full set is not at hand), reads and checks
    /// the dataset, looking only where <paramref name="sources"/> says.
    /// </summary>
    public ((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test, DataFolder Folder) Load(string? path, bool download, DataSources sources)
    {
        Kernels.Precompilation.Start();
        if (download && path is not null)
        {
            throw new ArgumentException(
                $"{LoadDataName}: pass either a path or download: true, not both. A path names a folder that already holds the " +
                "files; to choose where downloads go, pass cacheDir (or set " + DataSources.CacheVariable + ").", nameof(path));
        }

        DataFolder folder = download ? FindOrDownload(sources) : DataLocator.Find(this, path, sources);
        var (train, test) = folder.Archive is { } archive ? ReadArchive(archive) : ReadIdx(folder);
        if (IsSubset(folder))
        {
            SubsetNotice.Once(sources.Log, Name, string.Create(CultureInfo.InvariantCulture,
                $"Nabla: {LoadDataName}() is using the {DisplayName} subset in {folder.Path} ({train.X.Dim(0):N0} training and " +
                $"{test.X.Dim(0):N0} test images), not the full {DisplayName} ({FullSize.Train:N0} / {FullSize.Test:N0}) that " +
                $"Keras loads. For the full set call {LoadDataName}(download: true), which downloads it once ({Remote?.Size}) into " +
                $"{Path.Combine(sources.CacheRoot, Remote?.Folder ?? string.Empty)}, or set {DataLocator.EnvironmentVariable} to a folder holding {Folders[0]}/."));
        }

        return (train, test, folder);
    }

    private bool IsSubset(DataFolder folder) =>
        SubsetFolder is not null && folder.Origin != DataOrigin.ExplicitPath &&
        string.Equals(Path.GetFileName(Path.TrimEndingDirectorySeparator(folder.Path)), SubsetFolder, StringComparison.Ordinal);

    // With download: true, the full set found anywhere is used as is; the cache is checked by hash (as Keras's
    // get_file does) and filled or repaired from the canonical URLs.
    private DataFolder FindOrDownload(DataSources sources)
    {
        RemoteFiles remote = Remote ?? throw new InvalidOperationException($"{DisplayName} has no download.");
        if (DataLocator.TryFind(this, sources) is { } found && found.Origin != DataOrigin.Cache && !IsSubset(found))
        {
            return found;
        }

        string folder = DatasetDownloader.Fetch(this, remote, sources);
        return DataLocator.InCache(this, sources.CacheRoot)
            ?? throw new InvalidDataException($"{DisplayName}: the download into {folder} did not produce the dataset's files.");
    }

    private ((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test) ReadArchive(string archive)
    {
        Dictionary<string, Tensor> arrays = NpzReader.Read(archive, "x_train", "y_train", "x_test", "y_test");
        string Entry(string name) => $"{archive} ({name})";
        CheckPair(Entry("x_train"), arrays["x_train"], Entry("y_train"), arrays["y_train"]);
        CheckPair(Entry("x_test"), arrays["x_test"], Entry("y_test"), arrays["y_test"]);
        return ((arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"]));
    }

    private ((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test) ReadIdx(DataFolder folder)
    {
        // The training images are most of the work (47 MB for Fashion-MNIST); read them while this thread reads
        // the rest, which roughly halves the load time on two or more cores.
        Task<Tensor> trainImages = Task.Run(() => IdxReader.ReadImages(folder.TrainImages));
        Tensor trainLabels = IdxReader.ReadLabels(folder.TrainLabels);
        Tensor testImages = IdxReader.ReadImages(folder.TestImages);
        Tensor testLabels = IdxReader.ReadLabels(folder.TestLabels);
        Tensor xTrain = trainImages.GetAwaiter().GetResult();

        CheckPair(folder.TrainImages, xTrain, folder.TrainLabels, trainLabels);
        CheckPair(folder.TestImages, testImages, folder.TestLabels, testLabels);
        return ((xTrain, trainLabels), (testImages, testLabels));
    }

    private void CheckPair(string imagesPath, Tensor images, string labelsPath, Tensor labels)
    {
        if (images.Rank != 3 || labels.Rank != 1)
        {
            throw new InvalidDataException(
                $"{DisplayName}: the images in '{imagesPath}' have shape {ShapeUtil.Format(images.Dims)} and the labels in " +
                $"'{labelsPath}' {ShapeUtil.Format(labels.Dims)}, but {DisplayName} has images [n, {Rows}, {Columns}] and labels [n].");
        }

        if (images.Dim(1) != Rows || images.Dim(2) != Columns)
        {
            throw new InvalidDataException(
                $"{DisplayName}: the images in '{imagesPath}' have shape {ShapeUtil.Format(images.Dims)}, but {DisplayName} images are " +
                $"{Rows}x{Columns} ([n, {Rows}, {Columns}]). The file belongs to another dataset.");
        }

        if (images.Dim(0) != labels.Dim(0))
        {
            throw new InvalidDataException(
                $"{DisplayName}: '{imagesPath}' holds {images.Dim(0)} images but '{labelsPath}' holds {labels.Dim(0)} labels; " +
                "the two files must come from the same split.");
        }

        ReadOnlySpan<float> y = labels.Span;
        for (int i = 0; i < y.Length; i++)
        {
            if (y[i] >= ClassNames.Length)
            {
                throw new InvalidDataException(
                    $"{DisplayName}: '{labelsPath}' has label {y[i]} at index {i}, but labels must be in [0, {ClassNames.Length}).");
            }
        }
    }
}
