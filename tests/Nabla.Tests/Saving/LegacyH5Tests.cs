using Nabla.Layers;
using Nabla.Metrics;
using Nabla.Optimizers;
using Nabla.Tests.Support;
using PureHDF;

namespace Nabla.Tests.Saving;

/// <summary>
/// Keras 2 full-model .h5 files, built here with PureHDF from the documented layout (there is no Python Keras in
/// the tests): root attributes model_config, keras_version, backend, training_config; weights under
/// model_weights/{layer}/{weight name} listed by layer_names and weight_names. Keras 2 writes the name lists as
/// fixed-length byte strings and weight names ending in ":0"; Keras 3's legacy saver writes "dense/kernel".
/// </summary>
public class LegacyH5Tests
{
    private const string Keras2Config = """
        {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
          {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 2, 3], "dtype": "float32", "sparse": false, "ragged": false, "name": "flatten_input"}},
          {"class_name": "Flatten", "config": {"name": "flatten", "trainable": true, "dtype": "float32", "data_format": "channels_last"}},
          {"class_name": "Dense", "config": {"name": "dense", "trainable": true, "dtype": "float32", "units": 4, "activation": "relu", "use_bias": true,
            "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}}, "bias_initializer": {"class_name": "Zeros", "config": {}},
            "kernel_regularizer": null, "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null, "bias_constraint": null}},
          {"class_name": "Dropout", "config": {"name": "dropout", "trainable": true, "dtype": "float32", "rate": 0.2, "noise_shape": null, "seed": null}},
          {"class_name": "Dense", "config": {"name": "dense_1", "trainable": true, "dtype": "float32", "units": 3, "activation": "softmax", "use_bias": true,
            "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}}, "bias_initializer": {"class_name": "Zeros", "config": {}},
            "kernel_regularizer": null, "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null, "bias_constraint": null}}]}}
        """;

    private const string Keras2Training = """
        {"loss": "sparse_categorical_crossentropy", "metrics": [[{"class_name": "MeanMetricWrapper", "config": {"name": "accuracy", "dtype": "float32",
          "fn": "sparse_categorical_accuracy"}}]], "weighted_metrics": null, "loss_weights": null,
         "optimizer_config": {"class_name": "Adam", "config": {"name": "Adam", "learning_rate": 0.002, "decay": 0.0, "beta_1": 0.9, "beta_2": 0.999,
          "epsilon": 1e-07, "amsgrad": false}}}
        """;

    private static readonly float[] Kernel = [.. Enumerable.Range(0, 24).Select(i => (i - 12) / 10f)];
    private static readonly float[] Bias = [0.1f, -0.2f, 0.3f, 0f];
    private static readonly float[] Kernel1 = [.. Enumerable.Range(0, 12).Select(i => (i % 5 - 2) / 4f)];
    private static readonly float[] Bias1 = [0.05f, 0f, -0.05f];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_keras_2_sequential_file_loads_with_its_weights_and_compile_settings(bool keras2Names)
    {
        using var dir = new TempFolder();
        string path = dir.File("k2.h5");
        Write(path, Keras2Config, Keras2Training, keras2Names);

        Model model = Model.Load(path);

        Assert.Equal(["flatten", "dense", "dropout", "dense_1"], model.Layers.Select(l => l.Name));
        var dense = (Dense)model.Layers[1];
        Assert.Equal(Kernel, dense.Kernel!.Value.ToArray());
        Assert.Equal(Bias, dense.Bias!.Value.ToArray());
        Assert.Equal(Bias1, ((Dense)model.Layers[3]).Bias!.Value.ToArray());
        var adam = Assert.IsType<Adam>(model.Optimizer);
        Assert.Equal(0.002f, adam.LearningRate);
        Assert.IsType<SparseCategoricalAccuracy>(model.Metrics[1]);
        Assert.Equal("accuracy", model.Metrics[1].Name);

        // The loaded model computes relu(x·K + b) then softmax, with the file's weights.
        Tensor x = Tensor.FromArray([.. Enumerable.Range(0, 6).Select(i => i / 6f)], 1, 2, 3);
        float[] hidden = new float[4];
        for (int j = 0; j < 4; j++)
        {
            double s = Bias[j];
            for (int i = 0; i < 6; i++)
            {
                s += x.ToArray()[i] * Kernel[(i * 4) + j];
            }

            hidden[j] = (float)Math.Max(s, 0);
        }

        double[] logits = [.. Enumerable.Range(0, 3).Select(k => Bias1[k] + Enumerable.Range(0, 4).Sum(j => (double)hidden[j] * Kernel1[(j * 3) + k]))];
        double[] expected = [.. logits.Select(l => Math.Exp(l) / logits.Sum(Math.Exp))];
        AssertEx.Close(Tensor.FromArray([.. expected.Select(v => (float)v)], 1, 3), model.Predict(x, verbose: 0), atol: 1e-6, rtol: 1e-5);
    }

    [Fact]
    public void Legacy_weights_load_into_a_model_and_mismatches_are_named()
    {
        using var dir = new TempFolder();
        string path = dir.File("k2.h5");
        Write(path, Keras2Config, null, keras2Names: true);
        var model = new Sequential([new Flatten(inputShape: [2, 3]), new Dense(4), new Dense(3)]);
        model.LoadWeights(path);
        Assert.Equal(Kernel1, ((Dense)model.Layers[2]).Kernel!.Value.ToArray());

        var wrong = new Sequential([new Flatten(inputShape: [2, 3]), new Dense(5), new Dense(3)]);
        AssertEx.Throws<InvalidDataException>(() => wrong.LoadWeights(path),
            $"'{path}': weight 'kernel' of layer", "has shape [6, 5] in the model, but [6, 4] in the file ('dense/dense/kernel:0')");
        var fewer = new Sequential([new Dense(3, inputShape: [6])]);
        AssertEx.Throws<InvalidDataException>(() => fewer.LoadWeights(path), "holds weights for 2 layers (dense, dense_1), but the model has 1 layers with weights");
    }

    [Fact]
    public void A_keras_2_functional_file_with_old_inbound_nodes_loads()
    {
        const string config = """
            {"class_name": "Functional", "config": {"name": "model", "layers": [
              {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 6], "dtype": "float32", "sparse": false, "ragged": false, "name": "input_1"},
               "name": "input_1", "inbound_nodes": []},
              {"class_name": "Dense", "config": {"name": "dense", "trainable": true, "dtype": "float32", "units": 4, "activation": "relu", "use_bias": true,
               "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}}, "bias_initializer": {"class_name": "Zeros", "config": {}},
               "kernel_regularizer": null, "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null, "bias_constraint": null},
               "name": "dense", "inbound_nodes": [[["input_1", 0, 0, {}]]]},
              {"class_name": "Dense", "config": {"name": "dense_1", "trainable": true, "dtype": "float32", "units": 3, "activation": "softmax", "use_bias": true,
               "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}}, "bias_initializer": {"class_name": "Zeros", "config": {}},
               "kernel_regularizer": null, "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null, "bias_constraint": null},
               "name": "dense_1", "inbound_nodes": [[["dense", 0, 0, {}]]]}],
             "input_layers": [["input_1", 0, 0]], "output_layers": [["dense_1", 0, 0]]}}
            """;
        using var dir = new TempFolder();
        string path = dir.File("functional.h5");
        var file = new H5File
        {
            Attributes = new() { ["model_config"] = config, ["keras_version"] = "2.11.0", ["backend"] = "tensorflow" },
            ["model_weights"] = new H5Group
            {
                Attributes = new() { ["layer_names"] = new[] { "input_1", "dense", "dense_1" } },
                ["input_1"] = new H5Group { Attributes = new() { ["weight_names"] = Array.Empty<string>() } },
                ["dense"] = new H5Group
                {
                    Attributes = new() { ["weight_names"] = new[] { "dense/kernel:0", "dense/bias:0" } },
                    ["dense"] = new H5Group { ["kernel:0"] = new H5Dataset(Kernel, fileDims: [6, 4]), ["bias:0"] = new H5Dataset(Bias, fileDims: [4]) },
                },
                ["dense_1"] = new H5Group
                {
                    Attributes = new() { ["weight_names"] = new[] { "dense_1/kernel:0", "dense_1/bias:0" } },
                    ["dense_1"] = new H5Group { ["kernel:0"] = new H5Dataset(Kernel1, fileDims: [4, 3]), ["bias:0"] = new H5Dataset(Bias1, fileDims: [3]) },
                },
            },
        };
        file.Write(path);

        Model model = Model.Load(path);
        Assert.Equal(typeof(Model), model.GetType());
        Assert.Equal(["input_1", "dense", "dense_1"], model.Layers.Select(l => l.Name));
        Assert.Equal(Kernel1, ((Dense)model.Layers[2]).Kernel!.Value.ToArray());
        Assert.False(model.IsCompiled);   // no training_config in this file
    }

    [Fact]
    public void Keras_2_13_weight_groups_under_layer_checkpoint_dependencies_are_found()
    {
        using var dir = new TempFolder();
        string path = dir.File("old.weights.h5");
        new H5File
        {
            ["_layer_checkpoint_dependencies"] = new H5Group
            {
                ["dense"] = new H5Group { ["vars"] = new H5Group { ["0"] = new H5Dataset(Kernel1, fileDims: [4, 3]), ["1"] = new H5Dataset(Bias1, fileDims: [3]) } },
            },
        }.Write(path);
        var model = new Sequential([new Dense(3, inputShape: [4])]);
        model.LoadWeights(path);
        Assert.Equal(Bias1, ((Dense)model.Layers[0]).Bias!.Value.ToArray());
    }

    [Fact]
    public void Damaged_legacy_files_are_refused_with_the_file_named()
    {
        using var dir = new TempFolder();
        string path = dir.File("k2.h5");
        Write(path, Keras2Config, Keras2Training, keras2Names: true);
        byte[] bytes = File.ReadAllBytes(path);
        string bad = dir.File("bad.h5");
        var rng = new System.Random(7);
        for (int trial = 0; trial < 150; trial++)
        {
            byte[] damaged = trial < 50 ? bytes[..rng.Next(bytes.Length)] : Flip(bytes, rng);
            File.WriteAllBytes(bad, damaged);
            Exception? error = Attempt(() => Model.Load(bad), trial);
            if (error is Exception e)
            {
                Assert.True(e is InvalidDataException, $"trial {trial}: {e.GetType().Name}: {e.Message}");
                Assert.Contains(bad, e.Message, StringComparison.Ordinal);
            }
            else
            {
                Assert.True(trial >= 50, $"a truncated file loaded (trial {trial})");
            }
        }

        File.WriteAllBytes(bad, bytes);
        Assert.NotNull(Model.Load(bad));
    }

    [Fact]
    public void A_file_with_a_bad_model_config_names_the_attribute_and_the_key()
    {
        using var dir = new TempFolder();
        string path = dir.File("bad.h5");
        Write(path, Keras2Config.Replace("\"units\": 3", "\"units\": \"three\"", StringComparison.Ordinal), null, keras2Names: true);
        AssertEx.Throws<InvalidDataException>(() => Model.Load(path), $"'{path}' (model_config): config.config.layers[4].config: Dense config: 'units' must be an integer");
    }

    // Runs a load on another thread, so that a hang fails the test instead of stalling the run.
    private static Exception? Attempt(Action load, int trial)
    {
        var task = Task.Run(() =>
        {
            try
            {
                load();
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
        });
        Assert.True(task.Wait(TimeSpan.FromSeconds(20)), $"trial {trial} hung");
        return task.Result;
    }

    private static byte[] Flip(byte[] bytes, System.Random rng)
    {
        byte[] copy = (byte[])bytes.Clone();
        copy[rng.Next(copy.Length)] ^= (byte)(1 << rng.Next(8));
        return copy;
    }

    private static void Write(string path, string modelConfig, string? trainingConfig, bool keras2Names)
    {
        string Name(string layer, string weight) => keras2Names ? $"{layer}/{weight}:0" : $"{layer}/{weight}";
        H5Group Layer(string layer, params (string Weight, float[] Values, ulong[] Shape)[] weights)
        {
            var group = new H5Group { Attributes = new() { ["weight_names"] = weights.Select(w => Name(layer, w.Weight)).ToArray() } };
            if (weights.Length > 0)
            {
                var inner = new H5Group();
                foreach ((string weight, float[] values, ulong[] shape) in weights)
                {
                    inner[keras2Names ? $"{weight}:0" : weight] = new H5Dataset(values, fileDims: shape);
                }

                group[layer] = inner;
            }

            return group;
        }

        var attributes = new Dictionary<string, object> { ["model_config"] = modelConfig, ["keras_version"] = keras2Names ? "2.13.1" : "3.10.0", ["backend"] = "tensorflow" };
        if (trainingConfig is not null)
        {
            attributes["training_config"] = trainingConfig;
        }

        var file = new H5File
        {
            Attributes = attributes,
            ["model_weights"] = new H5Group
            {
                Attributes = new() { ["layer_names"] = new[] { "flatten", "dense", "dropout", "dense_1" }, ["backend"] = "tensorflow" },
                ["flatten"] = Layer("flatten"),
                ["dense"] = Layer("dense", ("kernel", Kernel, [6, 4]), ("bias", Bias, [4])),
                ["dropout"] = Layer("dropout"),
                ["dense_1"] = Layer("dense_1", ("kernel", Kernel1, [4, 3]), ("bias", Bias1, [3])),
            },
        };

        // Keras 2 (h5py) stores the name lists as fixed-length byte strings; Keras 3's legacy saver as variable-length ones.
        file.Write(path, keras2Names ? new H5WriteOptions(DefaultStringLength: 4096) : new H5WriteOptions());
    }
}
