using Nabla.Metrics;
using Nabla.Tests.Support;

namespace Nabla.Tests.Metrics;

public class MetricTests
{
    [Theory]
    [InlineData("accuracy", typeof(AutoAccuracy))]
    [InlineData("Accuracy", typeof(AutoAccuracy))]
    [InlineData("acc", typeof(AutoAccuracy))]
    [InlineData("binary_accuracy", typeof(BinaryAccuracy))]
    [InlineData("BinaryAccuracy", typeof(BinaryAccuracy))]
    [InlineData("categorical_accuracy", typeof(CategoricalAccuracy))]
    [InlineData("sparse_categorical_accuracy", typeof(SparseCategoricalAccuracy))]
    [InlineData("top_k_categorical_accuracy", typeof(TopKCategoricalAccuracy))]
    [InlineData("sparse_top_k_categorical_accuracy", typeof(SparseTopKCategoricalAccuracy))]
    [InlineData("mse", typeof(MeanSquaredError))]
    [InlineData("MSE", typeof(MeanSquaredError))]
    [InlineData("mean_squared_error", typeof(MeanSquaredError))]
    [InlineData("mae", typeof(MeanAbsoluteError))]
    [InlineData("mean_absolute_error", typeof(MeanAbsoluteError))]
    [InlineData("root_mean_squared_error", typeof(RootMeanSquaredError))]
    [InlineData("mean", typeof(Mean))]
    [InlineData("sum", typeof(Sum))]
    public void Get_knows_keras_identifiers_and_names_the_metric_after_them(string name, Type expected)
    {
        Metric m = Metric.Get(name);
        Assert.IsType(expected, m);
        Assert.Equal(name, m.Name);   // Keras compile logs a string metric under the string it was given
        Metric converted = name;
        Assert.IsType(expected, converted);
    }

    [Fact]
    public void Default_names_follow_keras()
    {
        Assert.Equal("sparse_categorical_accuracy", new SparseCategoricalAccuracy().Name);
        Assert.Equal("binary_accuracy", new BinaryAccuracy().Name);
        Assert.Equal("mean_absolute_error", new MeanAbsoluteError().Name);
        Assert.Equal("root_mean_squared_error", new RootMeanSquaredError().Name);
        Assert.Equal(new Dictionary<string, object?> { ["name"] = "categorical_accuracy", ["dtype"] = "float32" }, new CategoricalAccuracy().GetConfig());
    }

    [Fact]
    public void Unknown_identifiers_list_the_known_ones()
    {
        AssertEx.Throws<ArgumentException>(() => Metric.Get("acuracy"),
            "Unknown metric 'acuracy'. Known: accuracy, acc, binary_accuracy, categorical_accuracy, mae, mean, mean_absolute_error, " +
            "mean_squared_error, mse, root_mean_squared_error, sparse_categorical_accuracy, sparse_top_k_categorical_accuracy, sum, " +
            "top_k_categorical_accuracy. Did you mean 'accuracy'?");
        AssertEx.Throws<ArgumentException>(() => Metric.Get("SparseCategoricalAcuracy"), "Did you mean 'SparseCategoricalAccuracy'?");
    }

    [Fact]
    public void Names_must_not_be_empty() =>
        Assert.Throws<ArgumentException>(() => new Mean(""));
}
