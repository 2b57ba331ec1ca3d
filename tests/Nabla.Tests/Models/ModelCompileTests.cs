using Nabla.Layers;
using Nabla.Metrics;
using Nabla.Optimizers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Models;

public class ModelCompileTests
{
    private static Sequential Model() => new([new Dense(3, activation: "softmax", inputShape: [2])]);

    [Fact]
    public void Without_an_optimizer_compile_uses_RMSprop_with_Keras_defaults()
    {
        Sequential model = Model();
        model.Compile(loss: "sparse_categorical_crossentropy");
        RMSprop rmsprop = Assert.IsType<RMSprop>(model.Optimizer);
        Assert.Equal(0.001f, rmsprop.LearningRate);
        Assert.Equal(0.9f, rmsprop.Rho);
        Assert.Equal(1e-7f, rmsprop.Epsilon);
    }

    [Fact]
    public void Two_metrics_with_one_name_are_rejected()
    {
        AssertEx.Throws<ArgumentException>(() => Model().Compile(loss: "mse", metrics: [new MeanAbsoluteError(), new MeanAbsoluteError()]),
            "Compile: two metrics are named 'mean_absolute_error'; metric names must be unique");
        // The loss is logged as "loss", so a metric cannot take that name either.
        AssertEx.Throws<ArgumentException>(() => Model().Compile(loss: "mse", metrics: [new Mean("loss")]),
            "Compile: two metrics are named 'loss'", "(the loss is logged as 'loss')");
    }
}
