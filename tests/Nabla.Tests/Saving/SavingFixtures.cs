using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Saving;

/// <summary>Small seeded models and data shared by the saving tests.</summary>
internal static class SavingFixtures
{
    /// <summary>The shared Python Keras model (Keras 3.10), beside the repository: ../shared/keras-models.</summary>
    public static string FashionCnnPath =>
        Path.GetFullPath(Path.Combine(Nabla.Datasets.DataLocator.RepositoryRoots()[0], "..", "..", "shared", "keras-models", "fashion_cnn.keras"));

    /// <summary>A compiled Sequential MLP over [4, 3] samples with every existing layer kind.</summary>
    public static Sequential Mlp(int seed = 1, string optimizer = "adam", float dropout = 0.25f)
    {
        var model = new Sequential([
            new Flatten(inputShape: [4, 3]),
            new Dense(16, activation: "relu", kernelInitializer: new GlorotUniform(seed), biasInitializer: new RandomNormal(seed: seed + 1)),
            new Dropout(dropout, seed: seed),
            new Dense(8, activation: "tanh", kernelInitializer: new GlorotUniform(seed + 2), kernelRegularizer: new Nabla.Regularizers.L2(0.001f)),
            new Reshape([2, 4]),
            new Activation("gelu"),
            new Flatten(),
            new Dense(3, activation: "softmax", kernelInitializer: new GlorotUniform(seed + 3)),
        ]);
        model.Compile(optimizer: optimizer, loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        return model;
    }

    /// <summary>A compiled functional model over [6] samples.</summary>
    public static Model Functional(int seed = 5)
    {
        var input = new Input(shape: [6], name: "features");
        KerasTensor h = new Dense(10, activation: "elu", kernelInitializer: new GlorotUniform(seed)).Apply(input);
        h = new Dropout(0.1f, seed: seed).Apply(h);
        h = new Dense(10, activation: "swish", kernelInitializer: new GlorotUniform(seed + 1), biasInitializer: new RandomUniform(seed: seed)).Apply(h);
        KerasTensor output = new Dense(2, kernelInitializer: new GlorotUniform(seed + 2), name: "out").Apply(h);
        var model = new Model(input, output, name: "regressor");
        model.Compile(optimizer: new Nabla.Optimizers.SGD(learningRate: 0.05f, momentum: 0.9f), loss: "mse", metrics: ["mae"]);
        return model;
    }

    public static Tensor X(int[] shape, int seed) => TestData.Uniform(shape, low: -1f, high: 1f, seed: seed);

    public static Tensor Labels(int n, int classes) =>
        Tensor.FromArray(Enumerable.Range(0, n).Select(i => (float)(i % classes)).ToArray(), n);

    /// <summary>Every weight, flattened, in order.</summary>
    public static float[][] Weights(Model model) => [.. model.Weights.Select(w => w.Value.ToArray())];

    public static float[][] Slots(Model model) => [.. model.Optimizer!.Variables.Select(w => w.Value.ToArray())];
}
