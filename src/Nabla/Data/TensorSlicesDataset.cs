using Nabla.Tensors;

namespace Nabla.Data;

/// <summary>The source of <see cref="Dataset.FromTensorSlices(Tensor, Tensor)"/>: rows of one or two tensors as views.</summary>
internal sealed class TensorSlicesDataset : Dataset
{
    private readonly Tensor _x;
    private readonly Tensor? _y;

    public TensorSlicesDataset(Tensor x, Tensor? y)
        : base(hasLabels: y is not null)
    {
        ArgumentNullException.ThrowIfNull(x);
        RequireAxis(x, nameof(x));
        if (y is not null)
        {
            RequireAxis(y, nameof(y));
            if (x.Dim(0) != y.Dim(0))
            {
                string xs = ShapeUtil.Format(x.Dims), ys = ShapeUtil.Format(y.Dims);
                throw new ShapeMismatchException("FromTensorSlices", $"y with first axis {x.Dim(0)}", ys,
                    $"FromTensorSlices: x and y must have the same length along the first axis, but received x of shape {xs} " +
                    $"and y of shape {ys} ({x.Dim(0)} != {y.Dim(0)}).");
            }
        }

        _x = x;
        _y = y;
    }

    private protected override long ComputeCardinality() => _x.Dim(0);

    private protected override IEnumerator<DatasetElement> Enumerate()
    {
        int n = _x.Dim(0);
        for (int i = 0; i < n; i++)
        {
            yield return new DatasetElement(Row(_x, i, n), _y is null ? null : Row(_y, i, n));
        }
    }

    // A view of row i, made directly rather than through x[i] so that it is never an arena slot (which a training
    // step would recycle) and never recorded on a gradient tape, whatever thread enumerates the dataset.
    private static Tensor Row(Tensor t, int i, int rows)
    {
        int rowSize = t.Size / rows;
        return new Tensor(t.Storage, t.Offset + (i * rowSize), t.DimsArray[1..]);
    }

    private static void RequireAxis(Tensor t, string name)
    {
        if (t.Rank == 0)
        {
            throw new ArgumentException(
                $"FromTensorSlices: {name} must have at least one axis to slice along, but received a scalar (shape []). " +
                $"Reshape it to [1] for a one-element dataset.", name);
        }
    }
}
