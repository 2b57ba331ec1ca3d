namespace Nabla.Datasets;

/// <summary>The MNIST dataset of 28×28 grey handwritten digits (Keras's <c>keras.datasets.mnist</c>).</summary>
/// <remarks>
/// The full MNIST set has 60,000 training and 10,000 test images. The repository ships a 10,000-image subset
/// (<c>data/mnist-10k/</c>: 8,000 training and 2,000 test images, CC BY-SA 3.0; see <c>data/NOTICE.md</c>);
/// the full set is used when it is found through a path or <c>NABLA_DATA</c>.
/// </remarks>
public static class Mnist
{
    internal static readonly DatasetSpec Spec = new()
    {
        Name = "mnist",
        DisplayName = "MNIST",
        LoadDataName = "Mnist.LoadData",
        Folders = ["mnist", "mnist-10k"],
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
    /// <c>t10k-images-idx3-ubyte.gz</c>, <c>t10k-labels-idx1-ubyte.gz</c>; gzip-compressed or raw), or a folder with
    /// a <c>mnist/</c> or <c>mnist-10k/</c> subfolder holding them. Default null: look, in order, in
    /// <c>$NABLA_DATA/mnist/</c> then <c>$NABLA_DATA/mnist-10k/</c>, the repository's <c>data/</c> folder, then
    /// <c>/usr/share/datasets/</c>. The copy shipped with the repository is the 10k subset (8,000 train / 2,000 test);
    /// the full set (60,000 / 10,000) is used when it is found via this path or <c>NABLA_DATA</c>.
    /// </param>
    /// <returns>
    /// <c>((xTrain, yTrain), (xTest, yTest))</c>: images [n, 28, 28] as floats 0..255, labels [n] as floats 0..9.
    /// </returns>
    /// <example>
    /// <code>
    /// var ((xTrain, yTrain), (xTest, yTest)) = Mnist.LoadData();   // [8000, 28, 28] from the shipped subset
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
