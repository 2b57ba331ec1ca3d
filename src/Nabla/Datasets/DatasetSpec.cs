using Nabla.Tensors;

namespace Nabla.Datasets;

/// <summary>
/// What the loaders know about one image-classification dataset stored as four IDX files: where to look, how to
/// describe it, and what shapes and labels to expect. <see cref="Load"/> finds, reads and checks the files.
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

    /// <summary>Finds, reads and checks the four files: images [n, rows, columns] as floats 0..255, labels [n] as floats.</summary>
    /// <exception cref="FileNotFoundException">The files were not found; the message lists where it looked.</exception>
    /// <exception cref="InvalidDataException">A file is corrupt, or the files do not fit together.</exception>
    public ((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test, DataFolder Folder) Load(string? path)
    {
        DataFolder folder = DataLocator.Find(this, path);

        // The training images are most of the work (47 MB for Fashion-MNIST); read them while this thread reads
        // the rest, which roughly halves the load time on two or more cores.
        Task<Tensor> trainImages = Task.Run(() => IdxReader.ReadImages(folder.TrainImages));
        Tensor trainLabels = IdxReader.ReadLabels(folder.TrainLabels);
        Tensor testImages = IdxReader.ReadImages(folder.TestImages);
        Tensor testLabels = IdxReader.ReadLabels(folder.TestLabels);
        Tensor xTrain = trainImages.GetAwaiter().GetResult();

        CheckPair(folder.TrainImages, xTrain, folder.TrainLabels, trainLabels);
        CheckPair(folder.TestImages, testImages, folder.TestLabels, testLabels);
        return ((xTrain, trainLabels), (testImages, testLabels), folder);
    }

    private void CheckPair(string imagesPath, Tensor images, string labelsPath, Tensor labels)
    {
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
