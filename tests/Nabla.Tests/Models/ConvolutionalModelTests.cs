using Nabla.Autodiff;
using Nabla.Layers;

namespace Nabla.Tests.Models;

public class ConvolutionalModelTests
{
    // Issue 13's CNN: Conv2D(32,3,relu,same) → MaxPooling2D(2) → Conv2D(64,3,relu,same) → MaxPooling2D(2) → Flatten →
    // Dense(128,relu) → Dense(10,softmax).
    private static Sequential IssueCnn() => new([
        new Conv2D(32, kernelSize: 3, activation: "relu", padding: "same", inputShape: [28, 28, 1]),
        new MaxPooling2D(poolSize: 2),
        new Conv2D(64, kernelSize: 3, activation: "relu", padding: "same"),
        new MaxPooling2D(poolSize: 2),
        new Flatten(),
        new Dense(128, activation: "relu"),
        new Dense(10, activation: "softmax"),
    ]);

    [Fact]
    public void The_issue_cnn_has_kerass_parameter_counts_and_summary()
    {
        // Keras 3: 3·3·1·32 + 32 = 320; 3·3·32·64 + 64 = 18,496; 7·7·64·128 + 128 = 401,536; 128·10 + 10 = 1,290.
        Backend.ClearSession();
        Sequential model = IssueCnn();
        Assert.Equal([320, 0, 18_496, 0, 0, 401_536, 1_290], model.Layers.Select(l => l.CountParams()));
        Assert.Equal(421_642, model.CountParams());
        var lines = new List<string>();
        model.Summary(lineLength: 88, printFn: lines.Add);
        string[] expected =
        [
            "Model: \"sequential\"",
            "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓",
            "┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃",
            "┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩",
            "│ conv2d (Conv2D)                      │ (None, 28, 28, 32)          │             320 │",
            "├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤",
            "│ max_pooling2d (MaxPooling2D)         │ (None, 14, 14, 32)          │               0 │",
            "├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤",
            "│ conv2d_1 (Conv2D)                    │ (None, 14, 14, 64)          │          18,496 │",
            "├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤",
            "│ max_pooling2d_1 (MaxPooling2D)       │ (None, 7, 7, 64)            │               0 │",
            "├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤",
            "│ flatten (Flatten)                    │ (None, 3136)                │               0 │",
            "├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤",
            "│ dense (Dense)                        │ (None, 128)                 │         401,536 │",
            "├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤",
            "│ dense_1 (Dense)                      │ (None, 10)                  │           1,290 │",
            "└──────────────────────────────────────┴─────────────────────────────┴─────────────────┘",
            " Total params: 421,642 (1.61 MB)",
            " Trainable params: 421,642 (1.61 MB)",
            " Non-trainable params: 0 (0.00 B)",
        ];
        Assert.Equal(expected, lines);
    }

    // Predict runs each Conv2D and the MaxPooling2D after it as one pass (Ops.Conv2DMaxPool); the result is the same
    // bits as applying the layers one by one. Under a tape the pair is recorded as one op, and the gradient reaches the input.
    [Fact]
    public void Predict_and_a_tape_run_each_convolution_fused_with_its_pooling_to_the_same_bits()
    {
        Backend.ClearSession();
        Sequential model = IssueCnn();
        var random = new System.Random(7);
        Tensor x = Tensor.FromArray(Enumerable.Range(0, 5 * 28 * 28).Select(_ => (float)random.NextDouble()).ToArray(), 5, 28, 28, 1);
        float[] predicted = model.Predict(x, verbose: 0).ToArray();
        Tensor y = x;
        foreach (Layer layer in model.Layers)
            y = layer.Apply(y, training: false);
        Assert.Equal(y.ToArray(), predicted);
        var conv = (Conv2D)model.Layers[0];
        var pool = (MaxPooling2D)model.Layers[1];
        Tensor? fused = conv.ApplyPooled(x, pool);
        Assert.NotNull(fused);
        Assert.Equal(pool.Apply(conv.Apply(x, training: false), training: false).ToArray(), fused.ToArray());

        using var tape = new GradientTape();
        tape.Watch(x);
        Tensor output = model.Apply(x, training: false);
        Assert.Equal(predicted, output.ToArray());
        float[] dx = tape.Gradient(output * Tensor.FromArray(Enumerable.Range(0, 50).Select(i => (float)(i % 7)).ToArray(), 5, 10), [x])[0].ToArray();
        Assert.Contains(dx, v => v != 0);
    }

    // Training runs each Conv2D (ReLU) and its MaxPooling2D as one recorded op too. A functional model of the same layers
    // applies them one by one. From the same weights their gradients agree to rounding: the pairs' gradients are summed
    // from the pooled gradient (Convolution.PooledWeightGradientApplies), in another order than the dense passes over
    // the scattered one. Three Adam steps then give the same losses to 1e-5. (The weights are not compared element by
    // element: Adam's first steps move a weight by about the learning rate times the sign of its gradient, so an
    // element whose gradient is near zero can move differently on a rounding difference; one moved 9e-5 in a CI run.)
    [Fact]
    public void Training_the_fused_pairs_follows_the_layers_applied_one_by_one()
    {
        Backend.ClearSession();
        Sequential sequential = IssueCnn();
        var image = new Input(shape: [28, 28, 1]);
        KerasTensor h = image;
        foreach (Layer layer in IssueCnn().Layers)
            h = layer.Apply(h);
        var functional = new Model(image, h);
        Tensor x = Support.TestData.Uniform([8, 28, 28, 1], low: 0f, high: 1f, seed: 21);
        Tensor labels = Tensor.FromArray([0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f], 8);
        sequential.Predict(x, verbose: 0);
        functional.SetWeights(sequential.GetWeights());

        Tensor r = Support.TestData.Uniform([8, 10], seed: 22);
        IReadOnlyList<Tensor> fused = Gradients(sequential, x, r), apart = Gradients(functional, x, r);
        for (int i = 0; i < apart.Count; i++)
        {
            float[] e = apart[i].ToArray(), a = fused[i].ToArray();
            double scale = e.Max(v => Math.Abs(v));
            Assert.True(scale > 0, $"weight {i} has a gradient");
            int worst = Enumerable.Range(0, e.Length).MaxBy(j => Math.Abs(e[j] - a[j]));
            Assert.True(Math.Abs(e[worst] - a[worst]) <= 1e-5 * scale, $"gradient {i}[{worst}]: {a[worst]:R} fused, {e[worst]:R} apart (largest {scale:G3})");
        }

        var losses = new List<(double Sequential, double Functional)>();
        foreach (Model model in new Model[] { sequential, functional })
            model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy");
        for (int step = 0; step < 3; step++)
            losses.Add((sequential.TrainOnBatch(x, labels)["loss"], functional.TrainOnBatch(x, labels)["loss"]));

        Assert.All(losses, l => Assert.Equal(l.Functional, l.Sequential, 1e-5 * Math.Abs(l.Functional)));
        Assert.True(losses[2].Sequential < losses[0].Sequential, $"the loss falls: {string.Join(", ", losses)}");
    }

    // The gradients of Σ model(x)·r with respect to the model's trainable weights, in training mode.
    private static IReadOnlyList<Tensor> Gradients(Model model, Tensor x, Tensor r)
    {
        using var tape = new GradientTape();
        Tensor output = model.Apply(x, training: true);
        return tape.Gradient(output * r, model.TrainableWeights);
    }

    // A batch-1 Predict keeps the second convolution's packed kernel between calls (PackedKernelCache): after a training
    // step changes the weights in place, and after SetWeights, Predict must give what a fresh model with the same
    // weights gives, bit for bit.
    [Fact]
    public void Batch_1_predict_follows_weights_changed_by_training_and_by_set_weights()
    {
        Backend.ClearSession();
        Sequential model = IssueCnn();
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy");
        var random = new System.Random(11);
        Tensor x = Tensor.FromArray(Enumerable.Range(0, 28 * 28).Select(_ => (float)random.NextDouble()).ToArray(), 1, 28, 28, 1);
        Tensor batch = Tensor.FromArray(Enumerable.Range(0, 4 * 28 * 28).Select(_ => (float)random.NextDouble()).ToArray(), 4, 28, 28, 1);
        Tensor labels = Tensor.FromArray([1f, 3f, 5f, 7f], 4);
        float[] before = model.Predict(x, verbose: 0).ToArray();
        Assert.Equal(before, model.Predict(x, verbose: 0).ToArray());

        model.TrainOnBatch(batch, labels);
        float[] trained = model.Predict(x, verbose: 0).ToArray();
        Assert.NotEqual(before, trained);
        Assert.Equal(FreshPrediction(model.GetWeights(), x), trained);

        var weights = model.GetWeights().Select(w => w * 0.5f).ToList();
        model.SetWeights(weights);
        Assert.Equal(FreshPrediction(weights, x), model.Predict(x, verbose: 0).ToArray());
    }

    private static float[] FreshPrediction(IReadOnlyList<Tensor> weights, Tensor x)
    {
        Sequential fresh = IssueCnn();
        fresh.SetWeights(weights);
        return fresh.Predict(x, verbose: 0).ToArray();
    }

    [Fact]
    public void Batch_normalization_statistics_count_as_non_trainable()
    {
        // Keras: Conv2D(16, 3) on 1 channel = 160; BatchNormalization over 16 channels = 64 (32 trainable, 32 not).
        Backend.ClearSession();
        var model = new Sequential([
            new Conv2D(16, kernelSize: 3, inputShape: [8, 8, 1]),
            new BatchNormalization(),
            new GlobalAveragePooling2D(),
            new Dense(2),
        ]);
        var lines = new List<string>();
        model.Summary(lineLength: 88, printFn: lines.Add);
        Assert.Equal([160, 64, 0, 34], model.Layers.Select(l => l.CountParams()));
        Assert.Contains(" Total params: 258 (1.01 KB)", lines);
        Assert.Contains(" Trainable params: 226 (904.00 B)", lines);
        Assert.Contains(" Non-trainable params: 32 (128.00 B)", lines);
    }

    [Fact]
    public void A_model_of_every_layer_predicts_evaluates_and_round_trips_its_config()
    {
        Sequential model = EveryLayer();
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        Tensor x = Support.TestData.Uniform([6, 10, 10, 2], seed: 1);
        Tensor y = Tensor.FromArray([0f, 1f, 2f, 0f, 1f, 2f], 6);
        model.Fit(x, y, batchSize: 3, epochs: 2, verbose: 0);
        Tensor p = model.Predict(x, verbose: 0);
        Assert.Equal([6, 3], p.Shape);
        foreach (Layer layer in model.Layers)
        {
            Layer clone = LayerRegistry.FromConfig(layer.GetType().Name, layer.GetConfig());
            Assert.Equal(layer.GetConfig().Keys.Order(), clone.GetConfig().Keys.Order());
        }
    }

    [Fact]
    public void Functional_models_take_the_layers_symbolically()
    {
        // Shapes come from each layer's ComputeOutputShape.
        Backend.ClearSession();
        var image = new Input(shape: [12, 12, 3]);
        KerasTensor a = new Conv2D(8, kernelSize: 3, padding: "same", activation: "relu").Apply(image);
        KerasTensor b = new SeparableConv2D(8, kernelSize: 3, padding: "same").Apply(a);
        KerasTensor h = new MaxPooling2D().Apply(new BatchNormalization().Apply(b));
        KerasTensor output = new Dense(4, activation: "softmax").Apply(new GlobalAveragePooling2D().Apply(h));
        var model = new Model(image, output);
        Assert.Equal([-1, 6, 6, 8], h.Shape);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy");
        Tensor x = Support.TestData.Uniform([4, 12, 12, 3], seed: 3);
        model.Fit(x, Tensor.FromArray([0f, 1f, 2f, 3f], 4), epochs: 1, verbose: 0);
        Assert.Equal([4, 4], model.Predict(x, verbose: 0).Shape);
    }

    /// <summary>Every convolutional, pooling, normalization, reshaping and spatial-dropout layer in one chain ([10, 10, 2] → 3 classes).</summary>
    internal static Sequential EveryLayer() => new([
        new ZeroPadding2D(1, inputShape: [10, 10, 2]),                                         // [12, 12, 2]
        new Conv2D(6, kernelSize: 3, groups: 2, activation: "elu"),                            // [10, 10, 6]
        new BatchNormalization(),
        new DepthwiseConv2D(3, padding: "same", depthMultiplier: 2, activation: "relu"),       // [10, 10, 12]
        new SpatialDropout2D(0.2, seed: 1),
        new AveragePooling2D(2),                                                               // [5, 5, 12]
        new Conv2DTranspose(4, kernelSize: 3, strides: 2, padding: "same", activation: "tanh"), // [10, 10, 4]
        new Cropping2D(1),                                                                     // [8, 8, 4]
        new MaxPooling2D(2),                                                                   // [4, 4, 4]
        new UpSampling2D(2),                                                                   // [8, 8, 4]
        new SeparableConv2D(8, kernelSize: 3, activation: "relu"),                             // [6, 6, 8]
        new GlobalMaxPooling2D(keepdims: true),                                                // [1, 1, 8]
        new Flatten(),
        new Dense(3, activation: "softmax"),
    ]);

    /// <summary>The 1-D layers: [12, 3] sequences → 3 classes.</summary>
    internal static Sequential Sequence() => new([
        new Conv1D(4, kernelSize: 3, padding: "causal", activation: "relu", inputShape: [12, 3]),
        new MaxPooling1D(2),
        new Conv1D(6, kernelSize: 3, strides: 2, activation: "tanh"),
        new Flatten(),
        new Dense(3, activation: "softmax"),
    ]);
}
