using Nabla.Datasets;
using Nabla.Layers;
using Nabla.Optimizers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Models;

// Models must actually learn: each test states the bar it clears. Seeded, so they run alone.
[Collection(GlobalRandomSeedCollection.Name)]
public class LearningTests
{
    [Fact]
    public void Xor_with_a_2_4_1_network_reaches_full_accuracy()
    {
        Nabla.Random.SetSeed(7);
        Tensor x = Tensor.FromArray([0f, 0f, 0f, 1f, 1f, 0f, 1f, 1f], 4, 2);
        Tensor y = Tensor.FromArray([0f, 1f, 1f, 0f], 4, 1);
        var model = new Sequential([
            new Dense(4, activation: "tanh", inputShape: [2]),
            new Dense(1, activation: "sigmoid"),
        ]);
        model.Compile(optimizer: new Adam(learningRate: 0.05f), loss: "binary_crossentropy", metrics: ["accuracy"]);
        History h = model.Fit(x, y, batchSize: 4, epochs: 500, verbose: 0);
        Assert.True(h["loss"][^1] < 0.1, $"final loss {h["loss"][^1]}");
        Assert.True(h["loss"][^1] < h["loss"][0] / 5);
        Assert.Equal(1.0, model.Evaluate(x, y, verbose: 0)["accuracy"]);
        float[] p = model.Predict(x, verbose: 0).ToArray();
        Assert.True(p[0] < 0.5f && p[1] > 0.5f && p[2] > 0.5f && p[3] < 0.5f);
    }

    [Fact]
    public void Celsius_to_fahrenheit_learns_the_formula()
    {
        // The tutorial's 7 points, Dense(1), Adam(0.1), 500 full-batch epochs. Keras itself ends near weight 1.82 and
        // bias 29 (not yet 32): the bars are weight 1.8 ± 0.06 and 212 ± 2 °F at 100 °C.
        Nabla.Random.SetSeed(1);
        Tensor celsius = Tensor.FromArray([-40f, -10f, 0f, 8f, 15f, 22f, 38f], 7, 1);
        Tensor fahrenheit = Tensor.FromArray([-40f, 14f, 32f, 46f, 59f, 72f, 100f], 7, 1);
        var layer = new Dense(1, inputShape: [1]);
        var model = new Sequential([layer]);
        model.Compile(loss: "mean_squared_error", optimizer: new Adam(0.1f));
        History h = model.Fit(celsius, fahrenheit, epochs: 500, verbose: 0);
        float weight = layer.Kernel!.Value.Item();
        float at100 = model.Predict(Tensor.FromArray([100f], 1, 1), verbose: 0).Item();
        Assert.InRange(weight, 1.74f, 1.86f);
        Assert.InRange(at100, 210f, 214f);
        Assert.True(h["loss"][^1] < h["loss"][0] / 100);
    }

    [Fact]
    public void A_small_mlp_classifies_real_mnist_digits()
    {
        // 2,000 of the shipped MNIST digits, 784-64-10, 3 epochs: at least 85% on 1,000 unseen digits (it
        // usually reaches about 90%).
        Nabla.Random.SetSeed(3);
        var ((x, y), (xTest, yTest)) = Mnist.LoadData();
        var model = new Sequential([
            new Flatten(inputShape: [28, 28]),
            new Dense(64, activation: "relu"),
            new Dense(10, activation: "softmax"),
        ]);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        History h = model.Fit(x[..2000] / 255f, y[..2000], epochs: 3, verbose: 0);
        double accuracy = model.Evaluate(xTest[..1000] / 255f, yTest[..1000], verbose: 0)["accuracy"];
        Assert.True(accuracy >= 0.85, $"test accuracy {accuracy:F4}");
        Assert.True(h["loss"][^1] < h["loss"][0]);
    }
}
