using Nabla.Tensors;

namespace Nabla.Data;

/// <summary><see cref="Dataset.Map(Func{Tensor, Tensor, ValueTuple{Tensor, Tensor}})"/> and its overloads.</summary>
internal sealed class MapDataset : Dataset
{
    private readonly Dataset _source;
    private readonly Func<DatasetElement, (Tensor? X, Tensor? Y)> _map;

    public MapDataset(Dataset source, bool hasLabels, Func<DatasetElement, (Tensor? X, Tensor? Y)> map)
        : base(hasLabels)
    {
        _source = source;
        _map = map;
    }

    private protected override long ComputeCardinality() => _source.Cardinality;

    private protected override IEnumerator<DatasetElement> Enumerate()
    {
        long index = 0;
        foreach (DatasetElement e in _source)
        {
            (Tensor? x, Tensor? y) = _map(e);
            if (x is null || (HasLabels && y is null))
            {
                throw new InvalidOperationException(
                    $"Map: the function returned null {(x is null ? "x" : "y")} for element {index}; it must return tensors.");
            }

            yield return new DatasetElement(Keepable(x), y is null ? null : Keepable(y));
            index++;
        }
    }

    // When the consumer enumerates inside one of the library's own step scopes, op results are arena slots that the
    // next step overwrites (see StepContext). Elements must outlive that, so copy them out.
    private static Tensor Keepable(Tensor t) => Autodiff.StepContext.Current.Arena.IsActive ? t.Clone() : t;
}
