using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Preprocessing;

/// <summary>A model with every preprocessing layer saved to a .keras file and to JSON, and loaded back.</summary>
public class AugmentationSavingTests
{
    private static Sequential Model() => new([
        new Rescaling(1 / 255.0, inputShape: [6, 5, 1]),
        new RandomFlip("horizontal", seed: 1),
        new RandomTranslation((-0.2, 0.1), 0.2, fillMode: "constant", fillValue: 0.5, seed: 2),
        new RandomRotation(0.1, interpolation: "nearest", seed: 3),
        new RandomZoom(0.2, seed: 4),
        new Flatten(),
        new Dense(3, activation: "softmax", kernelInitializer: new GlorotUniform(seed: 5)),
    ]);

    [Fact]
    public void A_keras_file_keeps_every_layer_its_config_and_its_draws()
    {
        using var dir = new TempFolder();
        Sequential model = Model();
        Tensor x = TestData.Uniform([4, 6, 5, 1], 0f, 255f, seed: 2);
        Tensor before = model.Predict(x, verbose: 0);
        string path = dir.File("augmented.keras");
        model.Save(path);
        var loaded = Assert.IsType<Sequential>(Nabla.Model.Load(path));

        Assert.Equal(model.Layers.Select(l => (l.GetType(), l.Name)), loaded.Layers.Select(l => (l.GetType(), l.Name)));
        for (int i = 0; i < model.Layers.Count; i++)
        {
            // The first layer's input_shape becomes the model's input layer in the file, as in Keras.
            Dictionary<string, object?> expected = model.Layers[i].GetConfig(), actual = loaded.Layers[i].GetConfig();
            Assert.Equal(expected.Keys.Where(k => k != "input_shape").Order(), actual.Keys.Order());
        }

        Assert.Equal(((RandomTranslation)model.Layers[2]).HeightFactor, ((RandomTranslation)loaded.Layers[2]).HeightFactor);
        Assert.Null(((RandomZoom)loaded.Layers[4]).WidthFactor);
        AssertEx.Close(before, loaded.Predict(x, verbose: 0), atol: 0, rtol: 0);

        // The seeds travel with the layers: the first training-mode calls draw alike.
        Tensor images = model.Layers[0].Apply(x);
        for (int i = 1; i <= 4; i++)
        {
            Assert.Equal(model.Layers[i].Apply(images, training: true).ToArray(), loaded.Layers[i].Apply(images, training: true).ToArray());
        }
    }

    [Fact]
    public void The_json_has_Keras_class_names_and_keys()
    {
        string json = Model().ToJson();
        foreach (string fragment in new[] { "\"Rescaling\"", "\"RandomFlip\"", "\"RandomTranslation\"", "\"RandomRotation\"", "\"RandomZoom\"", "\"height_factor\"", "\"fill_mode\"", "\"data_format\"" })
        {
            Assert.Contains(fragment, json, StringComparison.Ordinal);
        }

        Nabla.Model again = Nabla.Model.FromJson(json);
        Assert.Equal(["Rescaling", "RandomFlip", "RandomTranslation", "RandomRotation", "RandomZoom", "Flatten", "Dense"], again.Layers.Select(l => l.GetType().Name));
        Assert.Equal((0.1, -0.1), (((RandomRotation)again.Layers[3]).Factor.Upper, ((RandomRotation)again.Layers[3]).Factor.Lower));
    }
}
