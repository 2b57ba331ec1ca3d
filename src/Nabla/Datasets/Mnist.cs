namespace Nabla.Datasets;

/// <summary>The MNIST dataset of 28×28 grey handwritten digits (Keras's <c>keras.datasets.mnist</c>).</summary>
/// <remarks>
/// The full MNIST set has 60,000 training and 10,000 test images. The repository ships a 10,000-image subset
/// (<c>data/mnist-10k/</c>: 8,000 training and 2,000 test images, CC BY-SA 3.0; see <c>data/NOTICE.md</c>). The
/// full set is used when it is found (through a path, <c>NABLA_DATA</c> or the download cache);
/// <c>LoadData(download: true)</c> downloads it once, from the URL Keras uses. When only the subset is at hand,
/// <c>LoadData()</c> says so once on standard error.
/// </remarks>
public static class Mnist
{
    internal static readonly DatasetSpec Spec = new()
    {
        Name = "mnist",
        DisplayName = "MNIST",
        LoadDataName = "Mnist.LoadData",
        Folders = ["mnist", "mnist-10k"],
        SubsetFolder = "mnist-10k",
        FullSize = (60_000, 10_000),
        Archive = "mnist.npz",
        // keras.datasets.mnist: the same file and hash, cached where Keras caches it (the cache folder itself).
        Remote = new RemoteFiles(string.Empty, [new("mnist.npz", "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1")], "11 MB"),
        ClassNames = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
        Description =
            "The MNIST database of handwritten digits: 28x28 grayscale images of the digits 0 to 9 (60,000 training and " +
            "10,000 test examples in the full set; the copy shipped with Nabla is a 10,000-example subset split 8,000/2,000).",
        Citation =
            "Y. LeCun, L. Bottou, Y. Bengio, P. Haffner. Gradient-based learning applied to document recognition. " +
            "Proceedings of the IEEE, 86(11):2278-2324, 1998.",
        Homepage = "http://yann.lecun.com/exdb/mnist/",
    };

    /// <summary>The class names in label order: "0" to "9" (a new array on every call).</summary>
    public static string[] ClassNames => [.. Spec.ClassNames];

    /// <summary>Loads the training and test sets, as Keras's <c>mnist.load_data()</c>.</summary>
    /// <param name="path">
    /// The folder holding the four IDX files (<c>train-images-idx3-ubyte.gz</c>, <c>train-labels-idx1-ubyte.gz</c>,
    /// <c>t10k-images-idx3-ubyte.gz</c>, <c>t10k-labels-idx1-ubyte.gz</c>; gzip-compressed or raw) or Keras's
    /// <c>mnist.npz</c>, or a folder with a <c>mnist/</c> or <c>mnist-10k/</c> subfolder holding them. Default null:
    /// look, in order, in <c>$NABLA_DATA/mnist/</c> then <c>$NABLA_DATA/mnist-10k/</c>, the download cache, the
    /// repository's <c>data/</c> folder, then <c>/usr/share/datasets/</c>. The copy shipped with the repository is the
    /// 10k subset (8,000 train / 2,000 test); the full set (60,000 / 10,000) is used whenever it is found first.
    /// </param>
    /// <param name="download">
    /// Whether to download the full set when it is not at hand (default false: nothing is ever downloaded unless
    /// asked). Downloads Keras's <c>mnist.npz</c> (11 MB) from <c>https://storage.googleapis.com/tensorflow/tf-keras-datasets/</c>
    /// (or the mirror named by <c>NABLA_DATASETS_BASE_URL</c>), checks its SHA-256 and keeps it in the cache; later
    /// calls, with or without <paramref name="download"/>, load it from there. Cannot be combined with <paramref name="path"/>.
    /// </param>
    /// <param name="cacheDir">
    /// The download cache folder (default null: <c>NABLA_DATASETS_CACHE</c>, else <c>~/.nabla/datasets</c>; Keras's
    /// <c>~/.keras/datasets</c> works too, as the layout is the same).
    /// </param>
    /// <returns>
    /// <c>((xTrain, yTrain), (xTest, yTest))</c>: images [n, 28, 28] as floats 0..255, labels [n] as floats 0..9.
    /// </returns>
    /// <example>
    /// <code>
    /// var ((xTrain, yTrain), (xTest, yTest)) = Mnist.LoadData();                 // the shipped subset: [8000, 28, 28]
    /// var ((xFull, yFull), (xFullTest, yFullTest)) = Mnist.LoadData(download: true);   // [60000, 28, 28], cached
    /// </code>
    /// </example>
    /// <exception cref="ArgumentException">Both <paramref name="path"/> and <paramref name="download"/> are given.</exception>
    /// <exception cref="FileNotFoundException">The files were not found; the message lists every place looked in and how to fix it.</exception>
    /// <exception cref="InvalidDataException">
    /// A file is truncated, corrupt or not an IDX or .npz file, the files do not fit together, or a download does not
    /// have the expected SHA-256 (it is then not cached).
    /// </exception>
    /// <exception cref="IOException">A download failed; the message names the URL.</exception>
    public static ((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test) LoadData(string? path = null, bool download = false, string? cacheDir = null)
    {
        var (train, test, _) = Spec.Load(path, download, cacheDir);
        return (train, test);
    }
}
