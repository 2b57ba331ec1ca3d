using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Models;

public class ModelTests
{
    // Unseeded by default (the global generator, which parallel tests advance); a seed fixes both kernels.
    private static Sequential Classifier(int inputs = 4, int classes = 3, int? seed = null)
    {
        var model = new Sequential([
            new Dense(8, activation: "relu", inputShape: [inputs], kernelInitializer: seed is int s ? new GlorotUniform(seed: s) : null),
            new Dense(classes, activation: "softmax", kernelInitializer: seed is int t ? new GlorotUniform(seed: t + 1) : null),
        ]);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        return model;
    }

    private static Tensor Labels(int n, int classes) =>
        Tensor.FromArray(Enumerable.Range(0, n).Select(i => (float)(i % classes)).ToArray(), n);

    private static Tensor Concat(Tensor a, Tensor b) =>
        Tensor.FromArray([.. a.ToArray(), .. b.ToArray()], [a.Dim(0) + b.Dim(0), .. a.Shape[1..]]);

    [Fact]
    public void Fit_evaluate_predict_round_trip()
    {
        Sequential model = Classifier();
        Tensor x = TestData.Uniform([30, 4]), y = Labels(30, 3);
        History h = model.Fit(x, y, epochs: 2, batchSize: 8, verbose: 0);
        Assert.Equal(2, h["loss"].Count);
        IReadOnlyDictionary<string, double> result = model.Evaluate(x, y, verbose: 0);
        Assert.Equal(["accuracy", "loss"], result.Keys.Order().ToArray());
        Tensor p = model.Predict(x, batchSize: 7, verbose: 0);
        Assert.Equal([30, 3], p.Shape);
        for (int i = 0; i < 30; i++)
        {
            Assert.Equal(1f, p[i].Sum().Item(), 5);
        }

        AssertEx.Close(model.PredictOnBatch(x[..5]), p[..5], atol: 1e-6);
    }

    [Fact]
    public void Evaluate_loss_matches_the_loss_computed_by_hand()
    {
        Sequential model = Classifier();
        Tensor x = TestData.Uniform([10, 4]), y = Labels(10, 3);
        Tensor p = model.Predict(x, verbose: 0);
        double expected = Enumerable.Range(0, 10).Average(i => -Math.Log(p[i].ToArray()[(int)y.ToArray()[i]]));
        Assert.Equal(expected, model.Evaluate(x, y, batchSize: 3, verbose: 0)["loss"], 5e-5);   // float loss against a double sum
    }

    [Fact]
    public void Steps_per_epoch_without_batch_size_splits_the_data_evenly_as_keras()
    {
        var model = new RecordingModel(new Dense(1, inputShape: [1]));
        model.Compile(loss: "mse", optimizer: "adam");
        Tensor x = Tensor.Arange(0f, 20f, 0.1f).Reshape(-1, 1);
        model.Fit(x, x.Sin(), stepsPerEpoch: 10, epochs: 1, verbose: 0);
        Assert.Equal(Enumerable.Repeat(20, 10), model.TrainBatches.Select(b => b.X.Length));   // ceil(200 / 10)
    }

    [Fact]
    public void Functional_and_sequential_models_compute_the_same_function()
    {
        var input = new Input(shape: [4]);
        KerasTensor h = new Dense(8, activation: "relu").Apply(input);
        KerasTensor output = new Dense(3, activation: "softmax").Apply(h);
        var functional = new Model(input, output);
        Sequential sequential = Classifier();
        sequential.SetWeights(functional.GetWeights());
        Tensor x = TestData.Uniform([5, 4]);
        Assert.Equal([-1, 3], output.Shape);
        Assert.Equal(3, functional.Layers.Count);   // the input layer, then the two Dense layers
        AssertEx.Close(sequential.Predict(x, verbose: 0), functional.Predict(x, verbose: 0));
    }

    [Fact]
    public void Functional_inputs_must_come_from_Input()
    {
        var input = new Input(shape: [4]);
        KerasTensor hidden = new Dense(8, name: "hidden").Apply(input);
        KerasTensor output = new Dense(3).Apply(hidden);
        AssertEx.Throws<ArgumentException>(() => new Model(hidden, output),
            "Model: inputs must come from new Input(shape: ...), but received the output of layer 'hidden' (Dense, units=8).");
    }

    [Fact]
    public void Functional_outputs_must_be_computed_from_the_inputs()
    {
        var used = new Input(shape: [4], name: "used");
        var other = new Input(shape: [4], name: "other");
        KerasTensor output = new Dense(3).Apply(used);
        AssertEx.Throws<ArgumentException>(() => new Model(other, output),
            "Model: the outputs are not computed from the given inputs", "never reaches <KerasTensor shape=[None, 4], source=other>");
    }

    [Fact]
    public void Input_rank_is_adjusted_for_a_trailing_axis_of_one()
    {
        var model = new Sequential([new Flatten(inputShape: [28, 28, 1]), new Dense(10, activation: "softmax")]);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy");
        Tensor x = TestData.Uniform([4, 28, 28]);
        Assert.Equal([4, 10], model.Predict(x, verbose: 0).Shape);
        Assert.Equal([4, 10], model.Predict(x.Reshape(4, 28, 28, 1), verbose: 0).Shape);
    }

    [Fact]
    public void Sequential_add_pop_and_input_first()
    {
        var model = new Sequential([new Input(shape: [3]), new Dense(2)]);
        Assert.True(model.IsBuilt);
        Assert.Single(model.Layers);
        model.Add(new Dense(5));
        Assert.Equal(2, model.Layers.Count);
        Assert.IsType<Dense>(model.Pop());
        Assert.Equal(8, model.CountParams());
        AssertEx.Throws<ArgumentException>(() => model.Add(new InputLayer([3])), "an input layer must come first");
    }

    [Fact]
    public void Trainable_false_freezes_every_weight()
    {
        Sequential model = Classifier();
        model.Layers[0].Trainable = false;
        Assert.Equal(2, model.TrainableWeights.Count);
        Assert.Equal(2, model.NonTrainableWeights.Count);
        float[] frozen = model.Layers[0].Weights[0].Value.ToArray();
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy");
        model.Fit(TestData.Uniform([16, 4]), Labels(16, 3), epochs: 2, verbose: 0);
        Assert.Equal(frozen, model.Layers[0].Weights[0].Value.ToArray());
    }

    [Fact]
    public void Train_on_batch_accumulates_metrics_as_a_mean_weighted_by_batch_size()
    {
        Tensor x1 = TestData.Uniform([8, 4], seed: 1), y1 = Labels(8, 3);
        Tensor x2 = TestData.Uniform([4, 4], seed: 2), y2 = Tensor.FromArray([2f, 2f, 1f, 0f], 4);
        Sequential model = Classifier(seed: 5), twin = Classifier();
        twin.SetWeights(model.GetWeights());

        // The twin takes the same two steps but resets its metrics in between, which gives each batch's own results.
        IReadOnlyDictionary<string, double> first = twin.TrainOnBatch(x1, y1);
        twin.ResetMetrics();
        IReadOnlyDictionary<string, double> second = twin.TrainOnBatch(x2, y2);

        Assert.Equal(first["loss"], model.TrainOnBatch(x1, y1)["loss"], 6);
        IReadOnlyDictionary<string, double> running = model.TrainOnBatch(x2, y2);
        Assert.True(Math.Abs(first["loss"] - second["loss"]) > 1e-3, $"the two batches' losses ({first["loss"]}, {second["loss"]}) must differ for the weighting to show");
        foreach (string name in new[] { "loss", "accuracy" })
        {
            Assert.Equal(((8 * first[name]) + (4 * second[name])) / 12, running[name], 5e-6);
        }
    }

    [Fact]
    public void Test_on_batch_accumulates_metrics_until_they_are_reset()
    {
        Sequential model = Classifier();
        Tensor x1 = TestData.Uniform([8, 4], seed: 1), y1 = Labels(8, 3);
        Tensor x2 = TestData.Uniform([4, 4], seed: 2), y2 = Tensor.FromArray([2f, 2f, 1f, 0f], 4);
        double loss2 = model.TestOnBatch(x2, y2)["loss"];
        model.ResetMetrics();
        IReadOnlyDictionary<string, double> first = model.TestOnBatch(x1, y1);
        IReadOnlyDictionary<string, double> running = model.TestOnBatch(x2, y2);
        Assert.Equal(((8 * first["loss"]) + (4 * loss2)) / 12, running["loss"], 5e-6);
        Assert.Equal(model.Evaluate(Concat(x1, x2), Concat(y1, y2), batchSize: 8, verbose: 0)["loss"], running["loss"], 5e-6);
        Assert.InRange(running["accuracy"], 0, 1);
    }

    [Fact]
    public void Uncompiled_models_refuse_to_train()
    {
        var model = new Sequential([new Dense(1, inputShape: [1])]);
        AssertEx.Throws<InvalidOperationException>(() => model.Fit(Tensor.Zeros(2, 1), Tensor.Zeros(2, 1)),
            "Fit() was called before Compile(). Call model.Compile(optimizer: ..., loss: ...) first.");
        AssertEx.Throws<InvalidOperationException>(() => model.Evaluate(Tensor.Zeros(2, 1), Tensor.Zeros(2, 1)), "Evaluate() was called before Compile()");
        Assert.Equal([2, 1], model.Predict(Tensor.Zeros(2, 1), verbose: 0).Shape);   // predicting needs no compile, as Keras
    }

    [Fact]
    public void Mismatched_x_and_y_lengths_are_reported()
    {
        Sequential model = Classifier();
        AssertEx.Throws<ArgumentException>(() => model.Fit(Tensor.Zeros(10, 4), Tensor.Zeros(9)),
            "Fit: x and y must have the same number of samples, but x has 10 (shape [10, 4]) and y has 9 (shape [9]).");
    }

    [Fact]
    public void Input_that_does_not_fit_the_model_names_the_layer_and_the_fix()
    {
        var model = new Sequential([new Dense(128, activation: "relu", inputShape: [784], name: "hidden"), new Dense(10)]);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy");
        AssertEx.Throws<ShapeMismatchException>(() => model.Fit(Tensor.Zeros(32, 28, 28), Tensor.Zeros(32), verbose: 0),
            "Layer 'hidden' (Dense, units=128) expects input with last axis 784, but received shape [32, 28, 28].",
            "Add a Flatten layer before it");
    }

    [Fact]
    public void Labels_outside_the_classes_are_reported_with_their_index()
    {
        Sequential model = Classifier(classes: 3);
        float[] labels = new float[20];
        labels[17] = 3f;
        AssertEx.Throws<ArgumentOutOfRangeException>(() => model.Fit(TestData.Uniform([20, 4]), Tensor.FromArray(labels, 20), verbose: 0),
            "SparseCategoricalCrossentropy expects integer labels in [0, 3), but received 3 at index 17.");
    }

    [Fact]
    public void NaN_or_infinity_in_the_input_is_reported()
    {
        Sequential model = Classifier();
        float[] data = new float[40];
        data[13] = float.NaN;
        AssertEx.Throws<ArgumentException>(() => model.Fit(Tensor.FromArray(data, 10, 4), Labels(10, 3), batchSize: 5, shuffle: false, verbose: 0),
            "input batch 0 of shape [5, 4] contains NaN (sample 3 of the batch, element 1)");
        data[13] = 0f;
        data[30] = float.PositiveInfinity;
        AssertEx.Throws<ArgumentException>(() => model.Predict(Tensor.FromArray(data, 10, 4), batchSize: 5, verbose: 0), "contains infinity");
    }

    [Fact]
    public void Unknown_identifiers_list_the_known_ones()
    {
        var model = new Sequential([new Dense(1, inputShape: [1])]);
        AssertEx.Throws<ArgumentException>(() => model.Compile(optimizer: "adan", loss: "mse"), "Unknown optimizer 'adan'", "Did you mean 'adam'?");
        AssertEx.Throws<ArgumentException>(() => model.Compile(optimizer: "adam", loss: "mse", metrics: ["acuracy"]), "Unknown metric 'acuracy'", "Did you mean 'accuracy'?");
    }

    [Fact]
    public void SetWeights_checks_count_and_shapes()
    {
        Sequential model = Classifier();
        IReadOnlyList<Tensor> w = model.GetWeights();
        AssertEx.Throws<ArgumentException>(() => model.SetWeights(w.Take(3).ToList()), "has 4 weights", "but received 3");
        var wrong = w.ToList();
        wrong[2] = Tensor.Zeros(3, 8);
        AssertEx.Throws<ShapeMismatchException>(() => model.SetWeights(wrong), "weight 2 ('dense", "/kernel') has shape [8, 3], but received a tensor of shape [3, 8]");
        model.SetWeights(w);
    }

    [Fact]
    public void Get_weights_returns_copies()
    {
        Sequential model = Classifier();
        IReadOnlyList<Tensor> w = model.GetWeights();
        model.Fit(TestData.Uniform([8, 4]), Labels(8, 3), verbose: 0);
        Assert.NotEqual(w[0].ToArray(), model.GetWeights()[0].ToArray());
    }

    [Fact]
    public void Validation_split_holds_out_the_last_samples()
    {
        Sequential model = Classifier();
        Tensor x = TestData.Uniform([10, 4]), y = Labels(10, 3);
        History h = model.Fit(x, y, epochs: 1, verbose: 0, validationSplit: 0.3f);
        double lastThree = model.Evaluate(x[7..], y[7..], verbose: 0)["loss"];
        Assert.Equal(lastThree, h["val_loss"][0], 5e-6);
    }
}
