using System.IO.Compression;
using System.Text.Json.Nodes;
using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Saving;

/// <summary>
/// A model with several outputs keeps what it was compiled with through a save and load: one loss, weight and list of
/// metrics per output, so that the loaded model trains and scores each output as the original did.
/// </summary>
public class MultiOutputCompileTests
{
    // A total loss (summed in float) against the double sum of its parts: half a unit of the fifth decimal. Comparing
    // the two rounded to five places failed when they fell on either side of a rounding boundary, 1.2e-7 apart.
    private const double TotalTolerance = 5e-6;

    // Two inputs, two outputs: a 3-class label and a score.
    private static Model TwoHeads()
    {
        Backend.ClearSession();
        var image = new Input(shape: [4], name: "image");
        var hint = new Input(shape: [2], name: "hint");
        var h = new Dense(5, activation: "relu", kernelInitializer: new Nabla.Initializers.GlorotUniform(3), name: "hidden").Apply(image);
        var label = new Dense(3, activation: "softmax", kernelInitializer: new Nabla.Initializers.GlorotUniform(4), name: "label")
            .Apply(new Concatenate().Apply([h, hint]));
        var score = new Dense(1, kernelInitializer: new Nabla.Initializers.GlorotUniform(5), name: "score").Apply(h);
        return new Model([image, hint], [label, score], name: "two_heads");
    }

    private static (Tensor[] X, Tensor[] Y) Data() =>
        ([SavingFixtures.X([12, 4], 1), SavingFixtures.X([12, 2], 2)], [SavingFixtures.Labels(12, 3), SavingFixtures.X([12, 1], 3) * 3]);

    [Fact]
    public void Per_output_losses_weights_and_metrics_survive_a_save_and_load()
    {
        using var dir = new TempFolder();
        Model model = TwoHeads();
        model.Compile(optimizer: "adam", loss: ["sparse_categorical_crossentropy", "mse"], lossWeights: [1.0, 0.25], metrics: [["accuracy"], ["mae"]]);
        var (x, y) = Data();
        model.Fit(x, y, epochs: 2, batchSize: 4, verbose: 0);
        string path = dir.File("heads.keras");
        model.Save(path);

        Model loaded = Model.Load(path);
        EvaluationResult before = model.Evaluate(x, y, verbose: 0), after = loaded.Evaluate(x, y, verbose: 0);
        Assert.Equal(["loss", "label_loss", "score_loss", "label_accuracy", "score_mae"], after.Names);
        Assert.Equal(before.Names, after.Names);
        foreach (string name in before.Names)
        {
            Assert.Equal(before[name], after[name], 6);
        }

        // The total is label_loss + 0.25 · score_loss: the weights came back too, and the score is scored by MSE.
        Assert.Equal(after["label_loss"] + (0.25 * after["score_loss"]), after["loss"], TotalTolerance);

        // Training goes on identically: the same epoch, in order, on the original and on the loaded model.
        History fromOriginal = model.Fit(x, y, epochs: 1, batchSize: 4, shuffle: false, verbose: 0);
        History fromLoaded = loaded.Fit(x, y, epochs: 1, batchSize: 4, shuffle: false, verbose: 0);
        foreach (string name in before.Names)
        {
            Assert.Equal(fromOriginal[name][0], fromLoaded[name][0], 6);
        }
    }

    [Fact]
    public void Keras_files_naming_losses_by_output_or_giving_one_for_all_load()
    {
        using var dir = new TempFolder();
        Model model = TwoHeads();
        model.Compile(optimizer: "adam", loss: ["sparse_categorical_crossentropy", "mse"], metrics: [["accuracy"], ["mae"]]);
        var (x, y) = Data();
        model.Fit(x, y, epochs: 1, batchSize: 4, verbose: 0);
        string path = dir.File("heads.keras");
        model.Save(path);

        // Keras writes the forms a user compiled with: losses, weights and metrics by output name (in any order) ...
        string byName = Rewrite(path, dir.File("by-name.keras"), c =>
        {
            c["loss"] = new JsonObject { ["score"] = "mean_squared_error", ["label"] = "sparse_categorical_crossentropy" };
            c["loss_weights"] = new JsonObject { ["score"] = 0.5 };
            c["metrics"] = new JsonObject { ["label"] = new JsonArray("accuracy") };
        });
        EvaluationResult result = Model.Load(byName).Evaluate(x, y, verbose: 0);
        Assert.Equal(["loss", "label_loss", "score_loss", "label_accuracy"], result.Names);
        Assert.Equal(result["label_loss"] + (0.5 * result["score_loss"]), result["loss"], TotalTolerance);
        Assert.Equal(model.Evaluate(x, y, verbose: 0)["score_loss"], result["score_loss"], 5e-7);

        // ... or one loss for every output.
        string oneForAll = Rewrite(path, dir.File("one.keras"), c =>
        {
            c["loss"] = "mean_squared_error";
            c["loss_weights"] = null;
            c["metrics"] = null;
        });
        EvaluationResult mse = Model.Load(oneForAll).Evaluate(x, [Utils.ToCategorical(y[0], 3), y[1]], verbose: 0);   // MSE on one-hot labels
        Assert.Equal(["loss", "label_loss", "score_loss"], mse.Names);
        Assert.Equal(mse["label_loss"] + mse["score_loss"], mse["loss"], TotalTolerance);
    }

    [Fact]
    public void Losses_that_do_not_fit_the_outputs_are_refused_with_the_entry_named()
    {
        using var dir = new TempFolder();
        Model model = TwoHeads();
        model.Compile(optimizer: "adam", loss: ["sparse_categorical_crossentropy", "mse"]);
        string path = dir.File("heads.keras");
        model.Save(path);

        string three = Rewrite(path, dir.File("three.keras"), c => c["loss"] = new JsonArray("mse", "mse", "mse"));
        var ex = Assert.Throws<InvalidDataException>(() => Model.Load(three));
        Assert.Contains("compile_config.loss: the model has 2 outputs (label, score), but the file lists 3 entries", ex.ToString(), StringComparison.Ordinal);

        string stranger = Rewrite(path, dir.File("stranger.keras"), c => c["loss"] = new JsonObject { ["ink"] = "mse" });
        ex = Assert.Throws<InvalidDataException>(() => Model.Load(stranger));
        Assert.Contains("'ink' is not one of the model's outputs (label, score)", ex.ToString(), StringComparison.Ordinal);
    }

    // A copy of a .keras file with its compile_config changed.
    private static string Rewrite(string source, string target, Action<JsonObject> change)
    {
        File.Copy(source, target);
        using ZipArchive zip = ZipFile.Open(target, ZipArchiveMode.Update);
        ZipArchiveEntry entry = zip.GetEntry("config.json")!;
        JsonObject config;
        using (var reader = new StreamReader(entry.Open()))
        {
            config = JsonNode.Parse(reader.ReadToEnd())!.AsObject();
        }

        change(config["compile_config"]!.AsObject());
        entry.Delete();
        using var writer = new StreamWriter(zip.CreateEntry("config.json", CompressionLevel.NoCompression).Open());
        writer.Write(config.ToJsonString());
        return target;
    }
}
