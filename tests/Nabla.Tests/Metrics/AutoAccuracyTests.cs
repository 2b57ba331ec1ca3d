using Nabla.Metrics;
using Nabla.Tests.Support;

namespace Nabla.Tests.Metrics;

public class AutoAccuracyTests
{
    // Keras 3 compile_utils.is_binary_or_sparse_categorical, shape by shape.
    public static TheoryData<int[], int[], Type> Table() => new()
    {
        { [32], [32, 1], typeof(BinaryAccuracy) },
        { [32, 1], [32, 1], typeof(BinaryAccuracy) },
        { [32], [32, 10], typeof(SparseCategoricalAccuracy) },
        { [32, 1], [32, 10], typeof(SparseCategoricalAccuracy) },
        { [8, 5, 1], [8, 5, 7], typeof(SparseCategoricalAccuracy) },
        { [8, 5], [8, 5, 7], typeof(SparseCategoricalAccuracy) },
        { [32, 10], [32, 10], typeof(CategoricalAccuracy) },
        { [32], [32], typeof(CategoricalAccuracy) },   // Keras's rule: rank-1 predictions are not "binary"
        { [1], [1], typeof(BinaryAccuracy) },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Resolves_like_keras_compile(int[] yTrue, int[] yPred, Type expected)
    {
        var acc = new AutoAccuracy();
        Metric resolved = acc.Resolve(yTrue, yPred);
        Assert.IsType(expected, resolved);
        Assert.Equal("accuracy", resolved.Name);
        Assert.Same(resolved, acc.Resolve(yTrue, yPred));
    }

    [Fact]
    public void Resolves_on_the_first_update_and_keeps_its_name()
    {
        var acc = (AutoAccuracy)Metric.Get("accuracy");
        Assert.Null(acc.Resolved);
        Assert.Equal(0, acc.Result());
        acc.ResetState();
        acc.UpdateState(Tensor.FromArray([2f, 1]), Tensor.FromArray([0.1f, 0.6f, 0.3f, 0.05f, 0.95f, 0], 2, 3));
        Assert.IsType<SparseCategoricalAccuracy>(acc.Resolved);
        Assert.Equal(0.5, acc.Result(), 12);
        acc.ResetState();
        Assert.Equal(0, acc.Result());
        Assert.Equal("accuracy", acc.Name);
        Assert.Equal("acc", Metric.Get("acc").Name);
        Assert.Equal("ACC", Metric.Get("ACC").Name);
    }

    [Fact]
    public void Binary_predictions_use_the_threshold()
    {
        Metric acc = "accuracy";
        acc.UpdateState(Tensor.FromArray([1f, 0, 1]), Tensor.FromArray([0.9f, 0.4f, 0.3f], 3, 1));
        Assert.Equal(2 / 3.0, acc.Result(), 12);
    }

    [Fact]
    public void Conflicting_or_rankless_shapes_are_rejected()
    {
        var acc = new AutoAccuracy();
        acc.Resolve([4], [4, 3]);
        AssertEx.Throws<InvalidOperationException>(() => acc.Resolve([4, 3], [4, 3]),
            "Metric 'accuracy' was resolved to SparseCategoricalAccuracy by an earlier batch, but these shapes call for CategoricalAccuracy.");
        AssertEx.Throws<ShapeMismatchException>(() => new AutoAccuracy().UpdateState(Tensor.Scalar(1f), Tensor.Scalar(1f)),
            "Metric 'accuracy' (AutoAccuracy) expects y_true and y_pred with at least one axis");
    }
}
