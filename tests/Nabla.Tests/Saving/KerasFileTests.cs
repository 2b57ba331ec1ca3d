using System.IO.Compression;
using System.Text;
using Nabla.Layers;
using Nabla.Optimizers;
using Nabla.Saving;
using Nabla.Tests.Support;

namespace Nabla.Tests.Saving;

public class KerasFileTests
{
    [Fact]
    public void Sequential_round_trip_keeps_predictions_weights_and_compile_settings()
    {
        using var dir = new TempFolder();
        Sequential model = SavingFixtures.Mlp();
        Tensor x = SavingFixtures.X([20, 4, 3], 7);
        model.Fit(x, SavingFixtures.Labels(20, 3), epochs: 2, batchSize: 5, verbose: 0);
        string path = dir.File("mlp.keras");

        model.Save(path);
        Model again = Model.Load(path);

        var loaded = Assert.IsType<Sequential>(again);
        Assert.Equal(model.Name, loaded.Name);
        Assert.Equal(model.Layers.Select(l => (l.GetType(), l.Name)), loaded.Layers.Select(l => (l.GetType(), l.Name)));
        Assert.Equal(SavingFixtures.Weights(model), SavingFixtures.Weights(loaded));
        AssertEx.Close(model.Predict(x, verbose: 0), loaded.Predict(x, verbose: 0), atol: 0, rtol: 0);
        Assert.True(loaded.IsCompiled);
        var adam = Assert.IsType<Adam>(loaded.Optimizer);
        Assert.Equal(model.Optimizer!.Iterations, adam.Iterations);
        Assert.Equal(SavingFixtures.Slots(model), SavingFixtures.Slots(loaded));
        Assert.IsType<Nabla.Losses.SparseCategoricalCrossentropy>(loaded.Loss);
        Assert.Equal(["loss", "accuracy"], loaded.Metrics.Select(m => m.Name));
        Assert.Equal(0.001f, ((Nabla.Regularizers.L2)((Dense)loaded.Layers[3]).KernelRegularizer!).Strength);
    }

    [Fact]
    public void Functional_round_trip_keeps_predictions_and_the_graph()
    {
        using var dir = new TempFolder();
        Model model = SavingFixtures.Functional();
        Tensor x = SavingFixtures.X([12, 6], 3);
        model.Fit(x, SavingFixtures.X([12, 2], 4), epochs: 2, batchSize: 4, verbose: 0);
        string path = dir.File("f.keras");

        model.Save(path);
        Model again = Model.Load(path);

        Assert.Equal(typeof(Model), again.GetType());
        Assert.Equal(model.Layers.Select(l => (l.GetType(), l.Name)), again.Layers.Select(l => (l.GetType(), l.Name)));
        Assert.Equal(("features", "out"), (again.Layers[0].Name, again.Layers[^1].Name));
        Assert.Equal(SavingFixtures.Weights(model), SavingFixtures.Weights(again));
        AssertEx.Close(model.Predict(x, verbose: 0), again.Predict(x, verbose: 0), atol: 0, rtol: 0);
        var sgd = Assert.IsType<SGD>(again.Optimizer);
        Assert.Equal((0.05f, 0.9f), (sgd.LearningRate, sgd.Momentum));
        Assert.Equal(SavingFixtures.Slots(model), SavingFixtures.Slots(again));
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("sgd")]
    [InlineData("rmsprop")]
    [InlineData("adagrad")]
    [InlineData("adamw")]
    public void Training_resumes_after_a_load_exactly_as_without_one(string optimizer)
    {
        using var dir = new TempFolder();
        Tensor x = SavingFixtures.X([8, 4, 3], 11), y = SavingFixtures.Labels(8, 3);
        // Dropout's mask stream is not part of a saved file (nor of Keras's), so the rate is 0 here.
        Sequential model = SavingFixtures.Mlp(seed: 3, optimizer: optimizer, dropout: 0f);
        for (int i = 0; i < 3; i++)
        {
            model.TrainOnBatch(x, y);
        }

        string path = dir.File("resume.keras");
        model.Save(path);
        Model resumed = Model.Load(path);

        model.TrainOnBatch(x, y);
        resumed.TrainOnBatch(x, y);
        Assert.Equal(model.Optimizer!.Iterations, resumed.Optimizer!.Iterations);
        float[][] expected = SavingFixtures.Weights(model), actual = SavingFixtures.Weights(resumed);
        for (int i = 0; i < expected.Length; i++)
        {
            AssertEx.Close(Tensor.FromArray(expected[i], expected[i].Length), Tensor.FromArray(actual[i], actual[i].Length), atol: 1e-6, rtol: 1e-6);
        }
    }

    [Fact]
    public void The_archive_holds_the_three_entries_uncompressed_with_keras_config_schema()
    {
        using var dir = new TempFolder();
        Sequential model = SavingFixtures.Mlp();
        string path = dir.File("m.keras");
        model.Save(path);

        using ZipArchive zip = ZipFile.OpenRead(path);
        Assert.Equal(["metadata.json", "config.json", "model.weights.h5"], zip.Entries.Select(e => e.FullName));
        Assert.All(zip.Entries, e => Assert.Equal(e.Length, e.CompressedLength));   // stored, as Keras writes them
        Dictionary<string, object?> config = Parse(zip, "config.json");
        Assert.Equal(("keras", "Sequential", null), ((string?)config["module"], (string?)config["class_name"], (string?)config["registered_name"]));
        var layers = (List<object?>)((Dictionary<string, object?>)config["config"]!)["layers"]!;
        var input = (Dictionary<string, object?>)layers[0]!;
        Assert.Equal("InputLayer", input["class_name"]);
        Assert.Equal([null, 4L, 3L], (List<object?>)((Dictionary<string, object?>)input["config"]!)["batch_shape"]!);
        var dense = (Dictionary<string, object?>)layers[2]!;
        var denseConfig = (Dictionary<string, object?>)dense["config"]!;
        Assert.Equal(("keras.layers", "Dense"), ((string?)dense["module"], (string?)dense["class_name"]));
        var dtype = (Dictionary<string, object?>)denseConfig["dtype"]!;
        Assert.Equal(("keras", "DTypePolicy", "float32"), ((string?)dtype["module"], (string?)dtype["class_name"], (string?)((Dictionary<string, object?>)dtype["config"]!)["name"]));
        var init = (Dictionary<string, object?>)denseConfig["kernel_initializer"]!;
        Assert.Equal(("keras.initializers", "GlorotUniform", 1L), ((string?)init["module"], (string?)init["class_name"], (long?)((Dictionary<string, object?>)init["config"]!)["seed"]));
        Assert.Equal([null, 12L], (List<object?>)((Dictionary<string, object?>)dense["build_config"]!)["input_shape"]!);
        var compile = (Dictionary<string, object?>)config["compile_config"]!;
        var optimizer = (Dictionary<string, object?>)compile["optimizer"]!;
        Assert.Equal(("keras.optimizers", "Adam"), ((string?)optimizer["module"], (string?)optimizer["class_name"]));
        Assert.Equal(0.9, ((Dictionary<string, object?>)optimizer["config"]!)["beta_1"]);
        Assert.Equal(["accuracy"], (List<object?>)compile["metrics"]!);
        Dictionary<string, object?> metadata = Parse(zip, "metadata.json");
        Assert.Equal("3.10.0", metadata["keras_version"]);
    }

    [Fact]
    public void An_interrupted_save_leaves_the_previous_file_intact()
    {
        using var dir = new TempFolder();
        string path = dir.File("keep.keras");
        Sequential model = SavingFixtures.Mlp();
        model.Save(path);
        byte[] before = File.ReadAllBytes(path);

        // A loss whose class is not registered fails while the new file is being written.
        model.Compile(optimizer: "adam", loss: new Nabla.Losses.LossFunctionWrapper((t, p) => Nabla.Autodiff.Ops.Subtract(t, p)));
        AssertEx.Throws<ArgumentException>(() => model.Save(path), "LossFunctionWrapper cannot be saved", "Serialization.Register<LossFunctionWrapper>");

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["keep.keras"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_write_that_fails_half_way_leaves_the_old_file_and_no_temporary_file()
    {
        using var dir = new TempFolder();
        string path = dir.File("target.keras");
        File.WriteAllText(path, "previous");
        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[1000]);
            throw new IOException("disk full (simulated)");
        }));
        Assert.Equal("previous", File.ReadAllText(path));
        Assert.Equal(["target.keras"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Nested_models_schedules_and_loading_without_compiling_round_trip()
    {
        using var dir = new TempFolder();
        var input = new Input(shape: [6]);
        var inner = new Model(input, new Dense(5, activation: "tanh", kernelInitializer: new Nabla.Initializers.GlorotUniform(3)).Apply(input));
        var outer = new Sequential([new InputLayer([6]), inner, new Dense(2, activation: "sigmoid", kernelInitializer: new Nabla.Initializers.GlorotUniform(1))]);
        outer.Compile(optimizer: new SGD(learningRate: new ExponentialDecay(0.1f, decaySteps: 2, decayRate: 0.5f)), loss: "binary_crossentropy");
        Tensor x = SavingFixtures.X([8, 6], 2), y = Tensor.FromArray([.. Enumerable.Range(0, 16).Select(i => (float)(i % 2))], 8, 2);
        outer.TrainOnBatch(x, y);
        string path = dir.File("nested.keras");
        outer.Save(path);

        Model again = Model.Load(path);
        Assert.IsType<Model>(again.Layers[0]);
        Assert.Equal(SavingFixtures.Weights(outer), SavingFixtures.Weights(again));
        var decay = Assert.IsType<ExponentialDecay>(again.Optimizer!.Schedule);
        Assert.Equal((0.1f, 2L, 0.5f), (decay.InitialLearningRate, decay.DecaySteps, decay.DecayRate));
        Assert.Equal(1, again.Optimizer.Iterations);
        Model plain = Model.Load(path, compile: false);
        Assert.False(plain.IsCompiled);
        AssertEx.Close(again.Predict(x, verbose: 0), plain.Predict(x, verbose: 0), atol: 0, rtol: 0);
        outer.TrainOnBatch(x, y);
        again.TrainOnBatch(x, y);
        Assert.Equal(SavingFixtures.Weights(outer), SavingFixtures.Weights(again));


        outer.Compile(optimizer: new SGD(learningRate: LearningRateSchedule.FromFunction(step => 0.1f)), loss: "mse");
        AssertEx.Throws<ArgumentException>(() => outer.Save(dir.File("f.keras")), "FunctionSchedule cannot be saved");
    }

    [Fact]
    public void Functional_graphs_with_two_inputs_two_outputs_and_a_shared_layer_round_trip()
    {
        using var dir = new TempFolder();
        var left = new Input(shape: [4], name: "left");
        var right = new Input(shape: [4], name: "right");
        var shared = new Dense(3, activation: "tanh", kernelInitializer: new Nabla.Initializers.GlorotUniform(1), name: "shared");
        KerasTensor a = shared.Apply(left);
        KerasTensor b = new Dense(2, kernelInitializer: new Nabla.Initializers.GlorotUniform(2), name: "head").Apply(shared.Apply(right));
        var model = new Model([left, right], [a, b], name: "two_way");
        string path = dir.File("graph.keras");
        model.Save(path);

        Model again = Model.Load(path);
        Assert.Equal(["left", "right", "shared", "head"], again.Layers.Select(l => l.Name));
        Assert.Equal(2, again.Graph!.CallsOf(again.Layers[2]).Count());
        Assert.Equal(["left", "right"], again.Graph.Inputs.Select(t => t.Layer.Name));
        Assert.Equal(["shared", "head"], again.Graph.Outputs.Select(t => t.Layer.Name));
        Assert.Equal(SavingFixtures.Weights(model), SavingFixtures.Weights(again));
        Assert.Equal(model.ToJson(), again.ToJson());
    }

    [Fact]
    public void Save_and_load_reject_wrong_paths_and_unbuilt_models()
    {
        using var dir = new TempFolder();
        AssertEx.Throws<ArgumentException>(() => SavingFixtures.Mlp().Save(dir.File("m.h5")), "must end in .keras", "SaveWeights");
        AssertEx.Throws<InvalidOperationException>(() => new Sequential([new Dense(3)]).Save(dir.File("m.keras")), "is not built yet");
        Assert.Throws<FileNotFoundException>(() => Model.Load(dir.File("missing.keras")));
        AssertEx.Throws<ArgumentException>(() => SavingFixtures.Mlp().SaveWeights(dir.File("w.h5")), "must end in .weights.h5");
    }

    [Fact]
    public void Config_and_json_round_trip_without_weights()
    {
        Sequential model = SavingFixtures.Mlp();
        Dictionary<string, object?> config = model.GetConfig();
        Model fromConfig = Model.FromConfig(config);
        Model fromJson = Model.FromJson(model.ToJson());
        foreach (Model clone in new[] { fromConfig, fromJson })
        {
            Assert.Equal(model.Layers.Select(l => (l.GetType(), l.Name)), clone.Layers.Select(l => (l.GetType(), l.Name)));
            Assert.Equal(model.Weights.Select(w => w.Shape), clone.Weights.Select(w => w.Shape));
            Assert.False(clone.IsCompiled);
        }

        Model functional = SavingFixtures.Functional();
        Model again = Model.FromJson(functional.ToJson(indented: true));
        again.SetWeights(functional.GetWeights());
        Tensor x = SavingFixtures.X([3, 6], 1);
        AssertEx.Close(functional.Predict(x, verbose: 0), again.Predict(x, verbose: 0), atol: 0, rtol: 0);
        AssertEx.Throws<ArgumentException>(() => Model.FromJson("{\"class_name\": 3}"), "json.class_name");
        AssertEx.Throws<ArgumentException>(() => Model.FromJson("[1,"), "is not valid JSON");
    }

    private static Dictionary<string, object?> Parse(ZipArchive zip, string entry)
    {
        using Stream s = zip.GetEntry(entry)!.Open();
        using var reader = new StreamReader(s, Encoding.UTF8);
        string text = reader.ReadToEnd();
        return (Dictionary<string, object?>)KerasJson.Parse(Encoding.UTF8.GetBytes(text), entry)!;
    }
}
