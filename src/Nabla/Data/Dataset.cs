using System.Collections;

namespace Nabla.Data;

/// <summary>
/// An input pipeline over tensors, in the manner of <c>tf.data.Dataset</c>: a source of elements (single tensors
/// or (x, y) pairs) transformed lazily by <c>Map</c>, <c>Filter</c>, <c>Shuffle</c>, <c>Batch</c>, <c>Repeat</c>,
/// <c>Take</c>, <c>Skip</c>, <c>Shard</c>, <c>Cache</c> and <c>Prefetch</c>.
/// </summary>
/// <remarks>
/// <para>
/// A dataset is a recipe: nothing runs until it is enumerated, and every enumeration (every <c>foreach</c>,
/// every epoch of <c>Fit</c>) starts again from the source. Transformations return new datasets and never change
/// the one they are called on, so a dataset can be shared and enumerated by several loops at once.
/// </para>
/// <para>
/// Elements are <see cref="DatasetElement"/> values; labelled ones deconstruct as pairs
/// (<c>foreach (var (images, labels) in ds)</c>). Every element tensor may be kept for as long as needed:
/// slices are views of the source tensors, batches own fresh memory, and results of <c>Map</c> are never
/// recycled by a training step's arena.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// Dataset train = Dataset.FromTensorSlices(xTrain, yTrain)
///     .Shuffle(60000, seed: 42)
///     .Batch(32)
///     .Prefetch(Dataset.Autotune);
/// foreach (var (images, labels) in train.Take(1)) { /* images: [32, 28, 28], labels: [32] */ }
/// </code>
/// </example>
public abstract partial class Dataset : IEnumerable<DatasetElement>
{
    /// <summary>The <see cref="Cardinality"/> of a dataset that never ends (<c>tf.data.INFINITE_CARDINALITY</c>).</summary>
    public const long InfiniteCardinality = -1;

    /// <summary>The <see cref="Cardinality"/> of a dataset whose length is only known by enumerating it, such as one after <c>Filter</c> (<c>tf.data.UNKNOWN_CARDINALITY</c>).</summary>
    public const long UnknownCardinality = -2;

    /// <summary>Lets <see cref="Prefetch"/> choose its buffer size (<c>tf.data.AUTOTUNE</c>).</summary>
    public const int Autotune = -1;

    private protected Dataset(bool hasLabels)
    {
        HasLabels = hasLabels;
    }

    /// <summary>True when the elements are (x, y) pairs; false when they are single tensors.</summary>
    public bool HasLabels { get; }

    /// <summary>
    /// The number of elements one enumeration yields, when it is known without enumerating:
    /// <see cref="InfiniteCardinality"/> (-1) for a dataset that repeats forever, <see cref="UnknownCardinality"/>
    /// (-2) when only enumerating can tell (after <c>Filter</c>), otherwise the count.
    /// </summary>
    public long Cardinality => ComputeCardinality();

    /// <summary>A dataset of the slices of <paramref name="x"/> along its first axis, as <c>tf.data.Dataset.from_tensor_slices(x)</c>.</summary>
    /// <param name="x">A tensor with at least one axis; element i is <c>x[i]</c> (a view, not a copy).</param>
    /// <returns>A dataset of <c>x.Shape[0]</c> single-tensor elements.</returns>
    /// <remarks>
    /// The elements share memory with <paramref name="x"/>. A tensor computed inside a training step (which
    /// the step's arena recycles) must be <see cref="Tensor.Clone"/>d before it is sliced.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="x"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="x"/> is a scalar.</exception>
    public static Dataset FromTensorSlices(Tensor x) => new TensorSlicesDataset(x, null);

    /// <summary>
    /// A dataset of (x[i], y[i]) pairs, the slices of <paramref name="x"/> and <paramref name="y"/> along their
    /// first axis, as <c>tf.data.Dataset.from_tensor_slices((x, y))</c>.
    /// </summary>
    /// <param name="x">The features, for example images [n, 28, 28]; sliced as views, not copied.</param>
    /// <param name="y">The labels, for example [n]; its first axis must have the same length as <paramref name="x"/>'s.</param>
    /// <returns>A dataset of n labelled elements.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="x"/> or <paramref name="y"/> is null.</exception>
    /// <exception cref="ArgumentException">One of the tensors is a scalar.</exception>
    /// <exception cref="ShapeMismatchException">The first axes differ in length.</exception>
    public static Dataset FromTensorSlices(Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(y);
        return new TensorSlicesDataset(x, y);
    }

    /// <summary>Starts an enumeration of the dataset from its source.</summary>
    /// <returns>An enumerator of the elements; dispose it (as <c>foreach</c> does) to release background producers.</returns>
    public IEnumerator<DatasetElement> GetEnumerator() => Enumerate();

    IEnumerator IEnumerable.GetEnumerator() => Enumerate();

    /// <summary>The dataset as an <see cref="IEnumerable{T}"/>, for LINQ and APIs that take sequences.</summary>
    /// <returns>This dataset; each enumeration starts again from the source.</returns>
    public IEnumerable<DatasetElement> AsEnumerable() => this;

    /// <inheritdoc/>
    public override string ToString()
    {
        long n = Cardinality;
        string count = n switch
        {
            InfiniteCardinality => "infinite",
            UnknownCardinality => "unknown",
            _ => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return $"{GetType().Name}(elements: {(HasLabels ? "(x, y)" : "x")}, cardinality: {count})";
    }

    /// <summary>Starts one pass over the elements.</summary>
    private protected abstract IEnumerator<DatasetElement> Enumerate();

    /// <summary>The element count as <see cref="Cardinality"/> reports it.</summary>
    private protected abstract long ComputeCardinality();
}
