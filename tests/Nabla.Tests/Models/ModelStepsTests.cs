using Nabla.Autodiff;
using Nabla.Callbacks;
using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Models;

public class ModelStepsTests
{
    private static readonly Tensor s_x = Tensor.Arange(0f, 12f).Reshape(12, 1) / 12f;
    private static readonly Tensor s_y = (s_x * 2f) + 1f;

    private static RecordingModel Regressor()
    {
        var model = new RecordingModel(new Dense(1, inputShape: [1]));
        model.Compile(optimizer: "sgd", loss: "mse", metrics: ["mae"]);
        return model;
    }

    [Fact]
    public void Fit_hands_the_logs_TrainStep_returns_to_the_callbacks_and_the_history()
    {
        RecordingModel model = Regressor();
        var batchSteps = new List<double>();
        var seen = new LambdaCallback(onTrainBatchEnd: (_, logs) => batchSteps.Add(logs["steps"]));
        History h = model.Fit(s_x, s_y, batchSize: 4, epochs: 2, verbose: 0, callbacks: [seen]);
        Assert.Equal(6, model.TrainBatches.Count);
        Assert.Equal([1, 2, 3, 4, 5, 6], batchSteps);
        Assert.Equal([3, 6], h["steps"]);                  // an epoch's logs are its last step's
        Assert.Equal(["loss", "mae", "steps"], h.Keys);
        Assert.Equal(7, model.TrainOnBatch(s_x[..4], s_y[..4])["steps"]);
    }

    [Fact]
    public void Evaluate_and_validation_use_the_logs_TestStep_returns()
    {
        RecordingModel model = Regressor();
        History h = model.Fit(s_x, s_y, batchSize: 4, epochs: 2, verbose: 0, validationData: (s_x[..6], s_y[..6]));
        Assert.Equal([2, 4], h["val_test_steps"]);        // two validation batches of 4 and 2 per epoch
        IReadOnlyDictionary<string, double> result = model.Evaluate(s_x, s_y, batchSize: 5, verbose: 0);
        Assert.Equal(7, result["test_steps"]);             // 4 earlier + 3 batches of 5, 5, 2
        Assert.Equal(8, model.TestOnBatch(s_x, s_y)["test_steps"]);
    }

    [Fact]
    public void The_documented_TrainStep_override_trains_exactly_as_the_default()
    {
        var reference = new Sequential([new Dense(3, activation: "tanh", inputShape: [1]), new Dense(1)]);
        var custom = new ExampleStepModel(new Dense(3, activation: "tanh", inputShape: [1]), new Dense(1));
        custom.SetWeights(reference.GetWeights());
        reference.Compile(optimizer: "sgd", loss: "mse", metrics: ["mae"]);
        custom.Compile(optimizer: "sgd", loss: "mse", metrics: ["mae"]);
        History expected = reference.Fit(s_x, s_y, batchSize: 4, epochs: 3, shuffle: false, verbose: 0);
        History actual = custom.Fit(s_x, s_y, batchSize: 4, epochs: 3, shuffle: false, verbose: 0);
        Assert.Equal(9, custom.Steps);
        Assert.Equal(expected.Keys, actual.Keys);
        AssertEx.Close(expected["loss"].Select(v => (float)v).ToArray(), actual["loss"].Select(v => (float)v).ToArray(), atol: 1e-6);
        AssertEx.Close(expected["mae"].Select(v => (float)v).ToArray(), actual["mae"].Select(v => (float)v).ToArray(), atol: 1e-6);
        for (int i = 0; i < reference.Weights.Count; i++)
        {
            AssertEx.Close(reference.Weights[i].Value, custom.Weights[i].Value, atol: 1e-6);
        }
    }

    [Fact]
    public void A_TrainStep_that_returns_null_is_reported()
    {
        var model = new NullStepModel(new Dense(1, inputShape: [1]));
        model.Compile(optimizer: "sgd", loss: "mse");
        AssertEx.Throws<InvalidOperationException>(() => model.Fit(s_x, s_y, verbose: 0),
            "NullStepModel.TrainStep returned null", "return GetMetricsResult()");
    }

    /// <summary>TrainStep as the XML documentation of <c>Model.TrainStep</c> writes it, counting its calls.</summary>
    private sealed class ExampleStepModel(params Layer[] layers) : Sequential(layers)
    {
        public int Steps { get; private set; }

        protected override IReadOnlyDictionary<string, double> TrainStep(Tensor x, Tensor y)
        {
            Steps++;
            IReadOnlyList<Variable> weights = TrainableWeights;
            Tensor yPred, loss;
            IReadOnlyList<Tensor> grads;
            using (var tape = new GradientTape())
            {
                yPred = Apply(x, training: true);
                loss = ComputeLoss(x, y, yPred);
                grads = tape.Gradient(loss, weights);
            }

            Optimizer!.Apply(grads, weights);
            UpdateMetrics(y, yPred, loss);
            return GetMetricsResult();
        }
    }

    private sealed class NullStepModel(params Layer[] layers) : Sequential(layers)
    {
        protected override IReadOnlyDictionary<string, double> TrainStep(Tensor x, Tensor y) => null!;
    }
}
