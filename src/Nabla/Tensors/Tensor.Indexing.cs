using System.Runtime.CompilerServices;
using Nabla.Autodiff;

namespace Nabla;

// First-axis indexing and slicing, as NumPy's t[i] and t[a:b]. Results are views (no copy) and differentiable.
public sealed partial class Tensor
{
    /// <summary>Element <paramref name="index"/> of the first axis, with that axis removed. Negative indices count from the end.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the first axis.</exception>
    [IndexerName("At")]
    public Tensor this[int index] => Ops.Index(this, index);

    /// <summary>Element <paramref name="index"/> of the first axis (<c>t[^1]</c> is the last).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the first axis.</exception>
    [IndexerName("At")]
    public Tensor this[Index index] => Ops.Index(this, index.GetOffset(FirstAxisLength("Index")));

    /// <summary>Rows of the first axis in <paramref name="range"/> (<c>t[..15]</c>, <c>t[a..b]</c>), keeping the axis.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the first axis.</exception>
    [IndexerName("At")]
    public Tensor this[Range range]
    {
        get
        {
            int rows = FirstAxisLength("Slice");
            int start = range.Start.GetOffset(rows), end = range.End.GetOffset(rows);
            if (start < 0 || end > rows || start > end)
            {
                throw new ArgumentOutOfRangeException(nameof(range),
                    $"Slice: range {range} is out of range for a tensor of shape {Tensors.ShapeUtil.Format(Dims)} (first axis has {rows}).");
            }

            return Ops.Slice(this, start, end - start);
        }
    }

    private int FirstAxisLength(string operation) => Rank > 0
        ? _dims[0]
        : throw new ArgumentException($"{operation}: a scalar (rank-0 tensor) has no axis to index; it has shape [].");
}
