using Nabla.Autodiff;
using Nabla.Data;
using Nabla.Tests.Support;
using static Nabla.Tests.Data.DatasetTesting;

namespace Nabla.Tests.Data;

public class DatasetTests
{
    [Fact]
    public void FromTensorSlices_yields_views_of_each_row()
    {
        Tensor x = Tensor.Arange(12f).Reshape(4, 3), y = Tensor.FromArray(new float[] { 5, 6, 7, 8 });
        Dataset ds = Dataset.FromTensorSlices(x, y);
        Assert.True(ds.HasLabels);
        Assert.Equal(4, ds.Cardinality);

        var rows = ds.ToList();
        Assert.Equal(4, rows.Count);
        (Tensor x2, Tensor y2) = rows[2];
        Assert.Equal([3], x2.Shape);
        Assert.Equal([6f, 7f, 8f], x2.ToArray());
        Assert.Equal([], y2.Shape);
        Assert.Equal(7f, y2.Item());
        Assert.Same(x.Storage, x2.Storage);   // a view, not a copy
    }

    [Fact]
    public void Deconstruct_works_in_foreach_and_refuses_single_tensors()
    {
        var sums = new List<float>();
        foreach (var (image, label) in Pairs(3))
        {
            sums.Add(image.Item() + label.Item());
        }

        Assert.Equal([0f, 11f, 22f], sums);
        DatasetElement single = Range(1).First();
        Assert.False(single.HasLabels);
        AssertEx.Throws<InvalidOperationException>(() => { var (_, _) = single; }, "single tensor", "element.X");
    }

    [Fact]
    public void FromTensorSlices_rejects_mismatched_lengths_and_scalars()
    {
        var ex = AssertEx.Throws<ShapeMismatchException>(
            () => Dataset.FromTensorSlices(Tensor.Zeros(5, 28, 28), Tensor.Zeros(4)),
            "same length along the first axis", "x of shape [5, 28, 28]", "y of shape [4]");
        Assert.Equal("[4]", ex.Actual);
        AssertEx.Throws<ArgumentException>(() => Dataset.FromTensorSlices(Tensor.Scalar(1f)), "scalar (shape [])");
        Assert.Throws<ArgumentNullException>(() => Dataset.FromTensorSlices(Tensor.Zeros(2), null!));
    }

    [Fact]
    public void Map_transforms_pairs_and_single_tensors_and_changes_structure()
    {
        Assert.Equal([0, 2, 4], Values(Range(3).Map(x => x * 2f)));

        var pairs = Pairs(3).Map((x, y) => (y, x)).ToList();
        Assert.Equal(20f, pairs[2].X.Item());
        Assert.Equal(2f, pairs[2].Y!.Item());

        Dataset toPairs = Range(3).Map(x => (x, x * 3f));
        Assert.True(toPairs.HasLabels);
        Assert.Equal(6f, toPairs.Last().Y!.Item());

        Dataset dropLabels = Pairs(3).Map((x, y) => y);
        Assert.False(dropLabels.HasLabels);
        Assert.Equal([0, 10, 20], Values(dropLabels));
        Assert.Equal(3, dropLabels.Cardinality);
    }

    [Fact]
    public void Map_and_Filter_check_the_element_structure_when_the_pipeline_is_built()
    {
        AssertEx.Throws<ArgumentException>(() => Range(3).Map((x, y) => (x, y)), "Map: this dataset's elements are single tensors");
        AssertEx.Throws<ArgumentException>(() => Pairs(3).Map(x => x), "Map: this dataset's elements are (x, y) pairs");
        AssertEx.Throws<ArgumentException>(() => Pairs(3).Filter(x => true), "Filter: this dataset's elements are (x, y) pairs");
        AssertEx.Throws<ArgumentException>(() => Range(3).Filter((x, y) => true), "Filter: this dataset's elements are single tensors");
    }

    [Fact]
    public void Map_that_returns_null_is_reported_with_the_element_index()
    {
        Dataset ds = Range(3).Map(x => x.Item() == 1f ? null! : x);
        AssertEx.Throws<InvalidOperationException>(() => ds.ToList(), "Map: the function returned null x for element 1");
    }

    [Fact]
    public void Map_results_survive_an_arena_scope_on_the_consuming_thread()
    {
        Dataset ds = Range(3).Map(x => x * 2f);
        List<DatasetElement> kept;
        using (new GradientTape())
        {
            kept = ds.ToList();
        }

        using (new GradientTape())
        {
            // The next step reuses the arena's slots; the dataset's elements must not be among them.
            for (int i = 0; i < 10; i++)
            {
                _ = Tensor.Full([], 99f) * 1f;
            }
        }

        Assert.Equal([0, 2, 4], Values(kept));
    }

    [Fact]
    public void Filter_keeps_matching_elements_and_makes_the_cardinality_unknown()
    {
        Dataset even = Range(10).Filter(x => x.Item() % 2 == 0);
        Assert.Equal([0, 2, 4, 6, 8], Values(even));
        Assert.Equal(Dataset.UnknownCardinality, even.Cardinality);
        Assert.Equal([30, 40], Values(Pairs(5).Filter((x, y) => y.Item() > 20f).Map((x, y) => y)));
    }

    [Fact]
    public void Take_and_Skip_count_elements()
    {
        Assert.Equal(Iota(0, 3), Values(Range(10).Take(3)));
        Assert.Equal(Iota(0, 10), Values(Range(10).Take(50)));
        Assert.Empty(Values(Range(10).Take(0)));
        Assert.Equal(Iota(7, 3), Values(Range(10).Skip(7)));
        Assert.Empty(Values(Range(10).Skip(10)));
        Assert.Equal(Iota(2, 3), Values(Range(10).Skip(2).Take(3)));
    }

    [Fact]
    public void Take_and_Skip_minus_one_mean_every_element_as_in_tf_data()
    {
        Dataset ten = Range(10);
        Assert.Equal(Iota(0, 10), Values(ten.Take(-1)));
        Assert.Equal(10, ten.Take(-1).Cardinality);
        Assert.Equal(Dataset.InfiniteCardinality, ten.Repeat().Take(-1).Cardinality);
        Assert.Empty(Values(ten.Skip(-1)));
        Assert.Equal(0, ten.Skip(-1).Cardinality);
        Assert.Equal(Dataset.UnknownCardinality, ten.Repeat().Skip(-1).Cardinality);
        Assert.Equal(Dataset.UnknownCardinality, ten.Filter(x => true).Skip(-1).Cardinality);
    }

    [Fact]
    public void Take_does_not_compute_more_elements_than_it_returns()
    {
        int computed = 0;
        Dataset ds = Range(100).Map(x => { computed++; return x; }).Take(4);
        Assert.Equal(Iota(0, 4), Values(ds));
        Assert.Equal(4, computed);
    }

    [Fact]
    public void Repeat_repeats_a_count_of_times_or_forever()
    {
        Assert.Equal([0, 1, 2, 0, 1, 2, 0, 1, 2], Values(Range(3).Repeat(3)));
        Assert.Empty(Values(Range(3).Repeat(0)));
        Assert.Equal([0, 1, 2, 0, 1, 2, 0], Values(Range(3).Repeat().Take(7)));
        Assert.Equal([0, 1, 0, 1, 0], Values(Range(2).Repeat(-1).Take(5)));
        Assert.Empty(Values(Range(0).Repeat()));   // an empty dataset repeated forever ends instead of hanging
    }

    [Fact]
    public void Cardinality_follows_tf_data()
    {
        Dataset ten = Range(10);
        Assert.Equal(10, ten.Map(x => x).Cardinality);
        Assert.Equal(30, ten.Repeat(3).Cardinality);
        Assert.Equal(0, ten.Repeat(0).Cardinality);
        Assert.Equal(Dataset.InfiniteCardinality, ten.Repeat().Cardinality);
        Assert.Equal(0, Range(0).Repeat().Cardinality);
        Assert.Equal(5, ten.Repeat().Take(5).Cardinality);
        Assert.Equal(Dataset.InfiniteCardinality, ten.Repeat().Skip(5).Cardinality);
        Assert.Equal(3, ten.Take(3).Cardinality);
        Assert.Equal(0, ten.Skip(12).Cardinality);
        Assert.Equal(4, ten.Batch(3).Cardinality);
        Assert.Equal(3, ten.Batch(3, dropRemainder: true).Cardinality);
        Assert.Equal(Dataset.InfiniteCardinality, ten.Repeat().Batch(3).Cardinality);
        Assert.Equal(Dataset.UnknownCardinality, ten.Filter(x => true).Batch(3).Take(2).Cardinality);
        Assert.Equal(10, ten.Shuffle(4).Cache().Prefetch(2).Cardinality);
    }

    [Fact]
    public void Bad_arguments_are_rejected_when_the_pipeline_is_built()
    {
        Dataset ds = Range(3);
        AssertEx.Throws<ArgumentOutOfRangeException>(() => ds.Batch(0), "Batch: batchSize must be at least 1, but received 0");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => ds.Shuffle(0), "Shuffle: bufferSize must be at least 1", "received 0");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => ds.Repeat(-2), "Repeat: count must be non-negative, or null (or -1)", "received -2");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => ds.Take(-2), "Take: count must be non-negative, or -1 to take every element, but received -2");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => ds.Skip(-3), "Skip: count must be non-negative, or -1 to skip every element, but received -3");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => ds.Prefetch(0), "Prefetch: bufferSize must be at least 1, or Dataset.Autotune");
        Assert.Throws<ArgumentNullException>(() => ds.Map((Func<Tensor, Tensor>)null!));
        Assert.Throws<ArgumentNullException>(() => ds.Filter((Func<Tensor, bool>)null!));
    }

    [Fact]
    public void Transformations_return_new_datasets_and_describe_themselves()
    {
        Dataset ds = Range(5);
        Dataset taken = ds.Take(2);
        Assert.NotSame(ds, taken);
        Assert.Equal(5, ds.Cardinality);
        Assert.Equal("TakeDataset(elements: x, cardinality: 2)", taken.ToString());
        Assert.Equal("RepeatDataset(elements: (x, y), cardinality: infinite)", Pairs(2).Repeat().ToString());
        Assert.Same(ds, ds.AsEnumerable());
    }
}
