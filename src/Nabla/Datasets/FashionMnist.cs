namespace Nabla.Datasets;

/// <summary>
/// The Fashion-MNIST dataset: 70,000 28×28 grey images of 10 kinds of clothing (Keras's
/// <c>keras.datasets.fashion_mnist</c>).
/// </summary>
/// <remarks>
/// 60,000 training and 10,000 test images by Zalando Research, a drop-in replacement for MNIST that is harder to
/// classify. A copy ships with the repository (<c>data/fashion-mnist/</c>, MIT licence; see
/// <c>data/NOTICE.md</c>), so no download is needed there; a program using the NuGet package calls
/// <c>LoadData(download: true)</c> once, which fetches the files Keras fetches.
/// </remarks>
public static class FashionMnist
{
    internal static readonly DatasetSpec Spec = new()
    {
        Name = "fashion_mnist",
        DisplayName = "Fashion-MNIST",
        LoadDataName = "FashionMnist.LoadData",
        Folders = ["fashion-mnist"],
        FullSize = (60_000, 10_000),
        // keras.datasets.fashion_mnist: the same files and SHA-256 hashes, cached in the same fashion-mnist/ subfolder.
        Remote = new RemoteFiles("fashion-mnist",
        [
            new("train-labels-idx1-ubyte.gz", "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
            new("train-images-idx3-ubyte.gz", "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
            new("t10k-labels-idx1-ubyte.gz", "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"),
            new("t10k-images-idx3-ubyte.gz", "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
        ], "30 MB"),
        SystemPackage = "dataset-fashion-mnist",
        ClassNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
        Description =
            "Fashion-MNIST is a dataset of Zalando's article images: a training set of 60,000 examples and a test set of " +
            "10,000 examples, each a 28x28 grayscale image labelled with one of 10 classes.",
        Citation =
            "Han Xiao, Kashif Rasul, Roland Vollgraf. Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine " +
            "Learning Algorithms. arXiv:1708.07747, 2017.",
        Homepage = "https://github.com/zalandoresearch/fashion-mnist",
    };

    /// <summary>
    /// The class names in label order: T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag,
    /// Ankle boot (a new array on every call).
    /// </summary>
    public static string[] ClassNames => [.. Spec.ClassNames];

    /// <summary>Loads the training and test sets, as Keras's <c>fashion_mnist.load_data()</c>.</summary>
    /// <param name="path">
    /// The folder holding the four IDX files (<c>train-images-idx3-ubyte.gz</c>, <c>train-labels-idx1-ubyte.gz</c>,
    /// <c>t10k-images-idx3-ubyte.gz</c>, <c>t10k-labels-idx1-ubyte.gz</c>; gzip-compressed or raw), or a folder with
    /// a <c>fashion-mnist/</c> subfolder holding them. Default null: look, in order, in
    /// <c>$NABLA_DATA/fashion-mnist/</c> (the <c>NABLA_DATA</c> environment variable names a folder with one
    /// subfolder per dataset: <c>fashion-mnist/</c>, <c>mnist/</c> or <c>mnist-10k/</c>), the copy shipped in the
    /// repository's <c>data/fashion-mnist/</c>, then <c>/usr/share/datasets/fashion-mnist/</c> (Debian's
    /// <c>dataset-fashion-mnist</c> package). The download cache is searched after <c>NABLA_DATA</c>.
    /// </param>
    /// <param name="download">
    /// Whether to download the dataset when it is not at hand (default false: nothing is ever downloaded unless
    /// asked). Downloads the four files (30 MB) from <c>https://storage.googleapis.com/tensorflow/tf-keras-datasets/</c>
    /// (or the mirror named by <c>NABLA_DATASETS_BASE_URL</c>), checks each one's SHA-256 and keeps them in the
    /// cache's <c>fashion-mnist/</c> folder; later calls load them from there. Cannot be combined with <paramref name="path"/>.
    /// </param>
    /// <param name="cacheDir">
    /// The download cache folder (default null: <c>NABLA_DATASETS_CACHE</c>, else <c>~/.nabla/datasets</c>; Keras's
    /// <c>~/.keras/datasets</c> works too, as the layout is the same).
    /// </param>
    /// <returns>
    /// <c>((xTrain, yTrain), (xTest, yTest))</c>: images [60000, 28, 28] and [10000, 28, 28] as floats 0..255
    /// (divide by 255 before training), labels [60000] and [10000] as floats 0..9 (see <see cref="ClassNames"/>).
    /// </returns>
    /// <example>
    /// <code>
    /// var ((xTrain, yTrain), (xTest, yTest)) = FashionMnist.LoadData();
    /// </code>
    /// </example>
    /// <exception cref="ArgumentException">Both <paramref name="path"/> and <paramref name="download"/> are given.</exception>
    /// <exception cref="FileNotFoundException">The files were not found; the message lists every place looked in and how to fix it.</exception>
    /// <exception cref="InvalidDataException">
    /// A file is truncated, corrupt or not an IDX file, the files do not fit together, or a download does not have
    /// the expected SHA-256 (it is then not cached).
    /// </exception>
    /// <exception cref="IOException">A download failed; the message names the URL.</exception>
    public static ((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test) LoadData(string? path = null, bool download = false, string? cacheDir = null)
    {
        var (train, test, _) = Spec.Load(path, download, cacheDir);
        return (train, test);
    }
}
