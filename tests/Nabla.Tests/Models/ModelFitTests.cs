using Nabla.Callbacks;
using Nabla.Layers;
using Nabla.Tests.Callbacks;
using Nabla.Tests.Support;

namespace Nabla.Tests.Models;

public class ModelFitTests
{
    private const int Samples = 12;

    // Sample i is the number i, its target 2i: a batch shows which samples it holds and whether x and y stay paired.
    private static readonly Tensor s_x = Tensor.Arange(0f, Samples).Reshape(Samples, 1);
    private static readonly Tensor s_y = s_x * 2f;

    private static RecordingModel Regressor()
    {
        var model = new RecordingModel(new Dense(1, inputShape: [1]));
        model.Compile(optimizer: new Nabla.Optimizers.SGD(learningRate: 1e-4f), loss: "mse");
        return model;
    }

    private static Sequential Classifier()
    {
        var model = new Sequential([new Dense(3, activation: "softmax", inputShape: [1])]);
        model.Compile(optimizer: "sgd", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        return model;
    }

    [Fact]
    public void Initial_epoch_numbers_the_epochs_and_the_progress_from_it()
    {
        RecordingModel model = Regressor();
        var output = new StringWriter();
        var events = new RecordingCallback();
        History h = model.Fit(s_x, s_y, batchSize: 4, epochs: 5, initialEpoch: 2, verbose: 1,
            callbacks: [events, new ProgbarLogger(output, dynamicDisplay: false, colors: false)]);
        Assert.Equal([2, 3, 4], h.Epoch);
        Assert.Equal(3, h["loss"].Count);
        Assert.Equal(9, model.TrainBatches.Count);          // three epochs of three batches
        Assert.Equal(["epoch_begin 2", "epoch_begin 3", "epoch_begin 4"], events.Events.Where(e => e.StartsWith("epoch_begin", StringComparison.Ordinal)));
        string[] headers = [.. output.ToString().Split('\n').Where(l => l.StartsWith("Epoch", StringComparison.Ordinal))];
        Assert.Equal(["Epoch 3/5", "Epoch 4/5", "Epoch 5/5"], headers);
    }

    [Fact]
    public void Initial_epoch_at_the_last_epoch_trains_nothing()
    {
        RecordingModel model = Regressor();
        History h = model.Fit(s_x, s_y, epochs: 3, initialEpoch: 3, verbose: 0);
        Assert.Empty(h.Epoch);
        Assert.Empty(model.TrainBatches);
    }

    [Fact]
    public void Without_shuffle_every_epoch_takes_the_samples_in_order()
    {
        RecordingModel model = Regressor();
        model.Fit(s_x, s_y, batchSize: 4, epochs: 2, shuffle: false, verbose: 0);
        float[] inOrder = s_x.ToArray();
        Assert.Equal([[0f, 1f, 2f, 3f], [4f, 5f, 6f, 7f], [8f, 9f, 10f, 11f]], model.TrainBatches.Take(3).Select(b => b.X));
        Assert.All(model.EpochOrders(Samples), order => Assert.Equal(inOrder, order));
    }

    [Fact]
    public void With_shuffle_each_epoch_draws_a_new_order_of_all_samples_with_targets_paired()
    {
        RecordingModel model = Regressor();
        model.Fit(s_x, s_y, batchSize: 4, epochs: 2, verbose: 0);   // shuffle defaults to true
        float[][] orders = model.EpochOrders(Samples);
        float[] inOrder = s_x.ToArray();
        Assert.Equal(2, orders.Length);
        Assert.All(orders, order => Assert.Equal(inOrder, order.Order()));   // every sample once per epoch
        // A shuffle of 12 leaves them in order, or repeats the last epoch's order, with probability 1/12! each.
        Assert.NotEqual(inOrder, orders[0]);
        Assert.NotEqual(orders[0], orders[1]);
        Assert.All(model.TrainBatches, b => Assert.Equal(b.X.Select(v => 2 * v), b.Y));
    }

    [Fact]
    public void Batch_size_defaults_to_32_with_a_short_last_batch()
    {
        var model = new RecordingModel(new Dense(1, inputShape: [1]));
        model.Compile(optimizer: "sgd", loss: "mse");
        Tensor x = TestData.Uniform([100, 1]);
        model.Fit(x, x, verbose: 0);
        model.Evaluate(x, x, verbose: 0);
        model.Predict(x, verbose: 0);
        Assert.Equal([32, 32, 32, 4], model.TrainBatches.Select(b => b.X.Length));
        Assert.Equal([32, 32, 32, 4], model.TestBatchSizes);
        Assert.Equal([32, 32, 32, 4], model.PredictBatchSizes);
    }

    [Fact]
    public void Verbose_0_prints_nothing_even_through_a_given_progress_logger()
    {
        var output = new StringWriter();
        Regressor().Fit(s_x, s_y, batchSize: 4, epochs: 2, verbose: 0, validationData: (s_x, s_y),
            callbacks: [new ProgbarLogger(output, dynamicDisplay: false, colors: false)]);
        Assert.Equal(string.Empty, output.ToString());
    }

    [Fact]
    public void Validation_split_that_leaves_a_side_empty_is_reported()
    {
        Sequential model = Classifier();
        Tensor x = Tensor.Zeros(3, 1), y = Tensor.Zeros(3);
        AssertEx.Throws<ArgumentException>(() => model.Fit(x, y, validationSplit: 0.9f, verbose: 0),
            "Fit: validationSplit 0.9 of 3 samples leaves no training samples.");
        // A split this small rounds to nothing: all samples would train.
        AssertEx.Throws<ArgumentException>(() => model.Fit(x, y, validationSplit: 1e-20f, verbose: 0), "of 3 samples leaves no validation samples.");
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(-0.1f)]
    [InlineData(float.NaN)]
    public void Validation_split_outside_0_to_1_is_rejected(float split) =>
        AssertEx.Throws<ArgumentOutOfRangeException>(() => Classifier().Fit(Tensor.Zeros(10, 1), Tensor.Zeros(10), validationSplit: split, verbose: 0),
            "Fit: validationSplit must be in [0, 1).");

    [Fact]
    public void Batch_size_must_be_positive()
    {
        Sequential model = Classifier();
        Tensor x = Tensor.Zeros(4, 1), y = Tensor.Zeros(4);
        AssertEx.Throws<ArgumentOutOfRangeException>(() => model.Fit(x, y, batchSize: 0, verbose: 0), "Fit: batchSize must be positive.");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => model.Evaluate(x, y, batchSize: -1, verbose: 0), "Evaluate: batchSize must be positive.");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => model.Predict(x, batchSize: 0, verbose: 0), "Predict: batchSize must be positive.");
    }

    [Fact]
    public void A_model_compiled_without_a_loss_says_it_has_none_to_compute()
    {
        var model = new Sequential([new Dense(1, inputShape: [1])], name: "lossless");
        model.Compile(optimizer: "sgd");
        AssertEx.Throws<InvalidOperationException>(() => model.Fit(s_x, s_y, verbose: 0),
            "Model 'lossless' has no loss to compute. Pass a loss to Compile()");
    }

    [Fact]
    public void Predict_on_no_samples_is_reported() =>
        AssertEx.Throws<ArgumentException>(() => Classifier().Predict(Tensor.Zeros(0, 1), verbose: 0), "Predict: x has no samples (shape [0, 1]).");

    [Fact]
    public void Batch_methods_refuse_an_uncompiled_model()
    {
        var model = new Sequential([new Dense(1, inputShape: [1])]);
        AssertEx.Throws<InvalidOperationException>(() => model.TrainOnBatch(s_x, s_y), "TrainOnBatch() was called before Compile().");
        AssertEx.Throws<InvalidOperationException>(() => model.TestOnBatch(s_x, s_y), "TestOnBatch() was called before Compile().");
    }
}
