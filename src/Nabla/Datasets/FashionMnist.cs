namespace Nabla.Datasets;

/// <summary>
/// The Fashion-MNIST dataset: 70,000 28×28 grey images of 10 kinds of clothing (Keras's
/// <c>keras.datasets.fashion_mnist</c>).
/// </summary>
/// <remarks>
/// 60,000 training and 10,000 test images by Zalando Research, a drop-in replacement for MNIST that is harder to
/// classify. A copy ships with the repository (<c>data/fashion-mnist/</c>, MIT licence; see
/// <c>data/NOTICE.md</c>), so no download is needed.
/// </remarks>
public static class FashionMnist
{
    internal static readonly DatasetSpec Spec = new()
    {
        Name = "fashion_mnist",
        DisplayName = "Fashion-MNIST",
        LoadDataName = "FashionMnist.LoadData",
        Folders = ["fashion-mnist"],
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
    /// <c>dataset-fashion-mnist</c> package).
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
    /// <exception cref="FileNotFoundException">The files were not found; the message lists every place looked in and how to fix it.</exception>
    /// <exception cref="InvalidDataException">A file is truncated, corrupt or not an IDX file, or the files do not fit together.</exception>
    public static ((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test) LoadData(string? path = null)
    {
        var (train, test, _) = Spec.Load(path);
        return (train, test);
    }
}
