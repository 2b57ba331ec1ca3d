using Nabla.Datasets;
using Nabla.Layers;
using Nabla.Optimizers;
using Nabla.Saving;
using Nabla.Tests.Support;

namespace Nabla.Tests.Saving;

/// <summary>
/// The real Keras 3.10 file ../shared/keras-models/fashion_cnn.keras: InputLayer(28,28,1) → Conv2D(32) → MaxPooling2D
/// → Conv2D(64) → MaxPooling2D → Flatten → Dropout(0.5) → Dense(64, relu) → Dense(10, softmax), compiled with Adam.
/// </summary>
public class FashionCnnFileTests
{
    private static readonly string[] ClassNames =
        ["InputLayer", "Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Flatten", "Dropout", "Dense", "Dense"];

    [Fact]
    public void The_config_parses_into_keras_structure_and_the_dense_layers_rebuild()
    {
        KerasArchive.Contents contents = KerasArchive.Read(SavingFixtures.FashionCnnPath);
        Dictionary<string, object?> metadata = KerasJson.ParseObject(contents.Metadata, "metadata.json");
        Assert.Equal("3.10.0", metadata["keras_version"]);
        Dictionary<string, object?> config = KerasJson.ParseObject(contents.Config, "config.json");
        Assert.Equal("Sequential", config["class_name"]);
        var layers = (List<object?>)((Dictionary<string, object?>)config["config"]!)["layers"]!;
        Assert.Equal(ClassNames, layers.Select(l => (string)((Dictionary<string, object?>)l!)["class_name"]!));

        var flatten = (Flatten)ModelConfig.LayerFromKeras(layers[5], "config.layers[5]");
        var dropout = (Dropout)ModelConfig.LayerFromKeras(layers[6], "config.layers[6]");
        var hidden = (Dense)ModelConfig.LayerFromKeras(layers[7], "config.layers[7]");
        var head = (Dense)ModelConfig.LayerFromKeras(layers[8], "config.layers[8]");
        Assert.Equal("flatten", flatten.Name);
        Assert.Equal((0.5f, "dropout"), (dropout.Rate, dropout.Name));
        Assert.Equal((64, "relu", "dense"), (hidden.Units, hidden.Activation.Name, hidden.Name));
        Assert.Equal((10, "softmax", "dense_1"), (head.Units, head.Activation.Name, head.Name));
        Assert.IsType<Nabla.Initializers.GlorotUniform>(hidden.KernelInitializer);

        var compile = (Dictionary<string, object?>)config["compile_config"]!;
        var adam = Assert.IsType<Adam>(Serialization.Deserialize<Optimizer>(compile["optimizer"]!));
        Assert.Equal((0.001f, 0.9f, 0.999f, 1e-7f, false), (adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon, adam.Amsgrad));
        Assert.Equal("sparse_categorical_crossentropy", compile["loss"]);
    }

    [Fact]
    public void The_weights_of_the_dense_part_load_with_the_values_keras_saved()
    {
        // A model of the file's last four layers has the same weight groups (layers/flatten, dropout, dense, dense_1).
        var tail = new Sequential([new Flatten(inputShape: [5, 5, 64]), new Dropout(0.5f), new Dense(64, activation: "relu"), new Dense(10, activation: "softmax")]);
        KerasArchive.Contents contents = KerasArchive.Read(SavingFixtures.FashionCnnPath);
        KerasWeights.Load(tail, contents.Weights, "fashion_cnn.keras", loadOptimizer: false);

        // Golden values read with h5py 3.7 (Debian):
        //   f = h5py.File("model.weights.h5"); k = f["layers/dense/vars/0"][()].astype(np.float64)
        //   k.sum() -> -653.8790990414077; k[0, 0] -> 0.004305929411202669; f["layers/dense_1/vars/1"][()][5] -> -0.1906593143939972
        var kernel = ((Dense)tail.Layers[2]).Kernel!.Value.ToArray();
        Assert.Equal(-653.8790990414077, kernel.Sum(v => (double)v), 1e-6);
        Assert.Equal(0.004305929411202669f, kernel[0]);
        Assert.Equal(-0.1906593143939972f, ((Dense)tail.Layers[3]).Bias!.Value.ToArray()[5]);

        // The optimizer group: iterations 17500, learning rate 0.001, then 16 slots (momentum, velocity for 8 variables).
        var model = new Sequential([new Flatten(inputShape: [5, 5, 64]), new Dropout(0.5f), new Dense(64, activation: "relu"), new Dense(10, activation: "softmax")]);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy");
        AssertEx.Throws<InvalidDataException>(() => KerasWeights.Load(model, contents.Weights, "fashion_cnn.keras", loadOptimizer: true),
            "optimizer 'adam' (Adam) has 10 variables for this model (iterations, learning_rate and 8 slots), but the file holds 18 under 'optimizer/vars'");
    }

    [Fact]
    public void Loading_the_whole_model_names_the_missing_convolution_or_scores_its_real_accuracy()
    {
        string path = SavingFixtures.FashionCnnPath;
        if (!LayerRegistry.ClassNames.Contains("Conv2D") || !LayerRegistry.ClassNames.Contains("MaxPooling2D"))
        {
            // Until the convolution layers exist, the file must fail on the first of them, saying how to register it.
            var e = AssertEx.Throws<InvalidDataException>(() => Model.Load(path),
                $"'{path}' (config.json): config.config.layers[1]: Unknown layer class 'Conv2D'.", "Known: Activation, Add,",
                "Serialization.Register<Conv2D>");
            Assert.IsType<ArgumentException>(e.InnerException);
            return;
        }

        // Once Conv2D and MaxPooling2D are registered, the same test loads the file and checks what it really scores:
        // a wrong kernel layout or flatten order gives near-chance accuracy.
        Model model = Model.Load(path);
        var ((_, _), (xTest, yTest)) = FashionMnist.LoadData(ShippedData.Folder("fashion-mnist"));
        IReadOnlyDictionary<string, double> result = model.Evaluate(xTest / 255f, yTest, batchSize: 256, verbose: 0);
        Assert.InRange(result["accuracy"], 0.88, 1.0);
    }
}
