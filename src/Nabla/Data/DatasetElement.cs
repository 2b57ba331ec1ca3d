namespace Nabla.Data;

/// <summary>
/// One element of a <see cref="Dataset"/>: a features tensor and, for labelled datasets, a label tensor.
/// </summary>
/// <remarks>
/// <para>
/// A dataset made with <see cref="Dataset.FromTensorSlices(Tensor, Tensor)"/> (or mapped to pairs) yields
/// elements with both tensors, which deconstruct as a pair: <c>foreach (var (images, labels) in ds)</c>. A
/// dataset of single tensors (<see cref="Dataset.FromTensorSlices(Tensor)"/>) yields elements whose
/// <see cref="Y"/> is null; read <see cref="X"/>.
/// </para>
/// <para>
/// The tensors are ordinary tensors that may be kept for as long as needed; they are never recycled by a
/// training step's arena.
/// </para>
/// </remarks>
public readonly struct DatasetElement
{
    /// <summary>Creates an element.</summary>
    /// <param name="x">The features (for example an image).</param>
    /// <param name="y">The label, or null for a single-tensor element.</param>
    /// <exception cref="ArgumentNullException"><paramref name="x"/> is null.</exception>
    public DatasetElement(Tensor x, Tensor? y = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        X = x;
        Y = y;
    }

    /// <summary>The features tensor.</summary>
    public Tensor X { get; }

    /// <summary>The label tensor, or null when the dataset's elements are single tensors.</summary>
    public Tensor? Y { get; }

    /// <summary>True when the element is an (x, y) pair.</summary>
    public bool HasLabels => Y is not null;

    /// <summary>Deconstructs a labelled element into its features and its label.</summary>
    /// <param name="x">The features tensor.</param>
    /// <param name="y">The label tensor.</param>
    /// <exception cref="InvalidOperationException">The element is a single tensor with no label.</exception>
    public void Deconstruct(out Tensor x, out Tensor y)
    {
        x = X ?? throw NoElement();
        y = Y ?? throw new InvalidOperationException(
            "This dataset element is a single tensor (the dataset was made from one tensor), so it cannot be " +
            "deconstructed into (x, y). Read element.X instead, or build the dataset with FromTensorSlices(x, y).");
    }

    /// <inheritdoc/>
    public override string ToString() => Y is null
        ? $"({Describe(X)})"
        : $"({Describe(X)}, {Describe(Y)})";

    private static InvalidOperationException NoElement() =>
        new("This DatasetElement is the default value and holds no tensors.");

    private static string Describe(Tensor? t) => t is null ? "null" : $"Tensor {Tensors.ShapeUtil.Format(t.Dims)}";
}
