using Nabla.Data;

namespace Nabla.Tests.Data;

/// <summary>Small helpers for pipeline tests: datasets of the scalars 0..n-1 and their values.</summary>
internal static class DatasetTesting
{
    /// <summary>A single-tensor dataset whose elements are the scalars 0, 1, ..., n-1.</summary>
    public static Dataset Range(int n) => Dataset.FromTensorSlices(Tensor.Arange(n));

    /// <summary>A labelled dataset: x = i, y = 10 i.</summary>
    public static Dataset Pairs(int n) => Dataset.FromTensorSlices(Tensor.Arange(n), Tensor.Arange(n) * 10f);

    /// <summary>The scalar features of every element, as integers.</summary>
    public static List<int> Values(IEnumerable<DatasetElement> ds)
    {
        var values = new List<int>();
        foreach (DatasetElement e in ds)
        {
            values.Add((int)e.X.Item());
        }

        return values;
    }

    public static List<int> Iota(int start, int count) => Enumerable.Range(start, count).ToList();
}
