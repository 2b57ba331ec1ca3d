namespace Nabla.Datasets;

/// <summary>
/// Metadata of a dataset loaded with <see cref="DatasetCatalog.Load"/>: its splits, classes, image shape and
/// provenance (tfds's <c>DatasetInfo</c>).
/// </summary>
/// <example>
/// <code>
/// var (splits, info) = DatasetCatalog.Load("fashion_mnist");
/// int numTrain = info.Splits["train"].NumExamples;   // 60000
/// string[] classNames = info.ClassNames;
/// </code>
/// </example>
public sealed class DatasetInfo
{
    private readonly string[] _classNames;
    private readonly int[] _imageShape;

    internal DatasetInfo(DatasetSpec spec, IReadOnlyDictionary<string, SplitInfo> splits, string dataDirectory)
    {
        Name = spec.Name;
        FullName = spec.DisplayName;
        Description = spec.Description;
        Citation = spec.Citation;
        Homepage = spec.Homepage;
        _classNames = [.. spec.ClassNames];
        _imageShape = [spec.Rows, spec.Columns, 1];
        Splits = splits;
        DataDirectory = dataDirectory;
    }

    /// <summary>The catalog name, for example <c>fashion_mnist</c>.</summary>
    public string Name { get; }

    /// <summary>The dataset's usual written name, for example <c>Fashion-MNIST</c>.</summary>
    public string FullName { get; }

    /// <summary>What the dataset contains.</summary>
    public string Description { get; }

    /// <summary>The reference to cite when publishing results on it.</summary>
    public string Citation { get; }

    /// <summary>The dataset's home page.</summary>
    public string Homepage { get; }

    /// <summary>The class names in label order (a new array on every call).</summary>
    public string[] ClassNames => [.. _classNames];

    /// <summary>The number of classes (labels are 0 to NumClasses - 1).</summary>
    public int NumClasses => _classNames.Length;

    /// <summary>The shape of one image, [28, 28, 1] (height, width, channels; a new array on every call).</summary>
    public int[] ImageShape => [.. _imageShape];

    /// <summary>The splits by name (<c>train</c>, <c>test</c>).</summary>
    public IReadOnlyDictionary<string, SplitInfo> Splits { get; }

    /// <summary>The folder the files were read from.</summary>
    public string DataDirectory { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{FullName} ({Name}): {string.Join(", ", Splits.Values)}; {NumClasses} classes; images [{string.Join(", ", _imageShape)}]; from {DataDirectory}";
}
