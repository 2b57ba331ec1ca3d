using Nabla.Metrics;
using Nabla.Tests.Support;

namespace Nabla.Tests.Metrics;

public class MeanMetricWrapperTests
{
    public static TheoryData<string> Names() => new()
    {
        "accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy", "top_k_categorical_accuracy",
        "sparse_top_k_categorical_accuracy", "mse", "mae", "root_mean_squared_error",
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void A_warm_update_allocates_nothing(string name)
    {
        Metric m = Metric.Get(name);
        bool sparse = name.StartsWith("sparse", StringComparison.Ordinal) || name == "accuracy";
        bool binary = name == "binary_accuracy";
        Tensor yPred = TestData.Uniform(binary ? [32, 1] : [32, 10], 0f, 1f, seed: 1);
        Tensor yTrue = sparse ? Tensor.FromArray(Enumerable.Range(0, 32).Select(i => (float)(i % 10)).ToArray())
            : binary ? Tensor.FromArray(Enumerable.Range(0, 32).Select(i => (float)(i % 2)).ToArray(), 32, 1)
            : TestData.Uniform([32, 10], 0f, 1f, seed: 2);
        Tensor weights = TestData.Uniform([32], 0f, 1f, seed: 3);
        for (int i = 0; i < 3; i++)
        {
            m.UpdateState(yTrue, yPred, weights);
            m.UpdateState(yTrue, yPred);
        }

        AllocationAssert.DoesNotAllocateOnThisThread(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                m.UpdateState(yTrue, yPred, weights);
                m.UpdateState(yTrue, yPred);
                _ = m.Result();
            }
        });
    }

    [Fact]
    public void Weights_that_do_not_fit_the_samples_are_rejected() =>
        AssertEx.Throws<ShapeMismatchException>(() => new SparseCategoricalAccuracy().UpdateState(Tensor.Ones(4), Tensor.Ones(4, 3), Tensor.Ones(3)),
            "Metric 'sparse_categorical_accuracy' (SparseCategoricalAccuracy) cannot apply sample_weight of shape [3] to its per-sample values of shape [4]");

    [Fact]
    public void An_empty_batch_changes_nothing()
    {
        var m = new CategoricalAccuracy();
        m.UpdateState(Tensor.Zeros(0, 3), Tensor.Zeros(0, 3));
        Assert.Equal(0, m.Result());
        m.UpdateState(Tensor.FromArray([0f, 1], 1, 2), Tensor.FromArray([0.2f, 0.8f], 1, 2));
        m.UpdateState(Tensor.Zeros(0, 2), Tensor.Zeros(0, 2), Tensor.Zeros(0));
        Assert.Equal(1, m.Result());
    }
}
