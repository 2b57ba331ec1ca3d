using Nabla.Layers;
using Nabla.Losses;
using Nabla.Metrics;
using Nabla.Models;
using Nabla.Optimizers;

namespace Nabla.Saving;

/// <summary>
/// A model's architecture in Keras 3's <c>config.json</c> schema, both ways: Sequential (<c>layers</c>, with the
/// input layer first) and functional models (<c>layers</c> with <c>inbound_nodes</c>, <c>input_layers</c>,
/// <c>output_layers</c>), plus the top level's <c>build_config</c> and <c>compile_config</c>.
/// </summary>
internal static class ModelConfig
{
    // Keys of a Keras layer config that Nabla's layers do not take but that are safe to ignore at these values.
    private static readonly HashSet<string> s_shapeKeys = new(StringComparer.Ordinal)
    {
        "batch_input_shape", "input_shape", "batch_shape", "batch_size", "input_dim", "build_input_shape",
    };

    /// <summary>A model in Keras's serialized form (<c>module</c>, <c>class_name</c>, <c>config</c>, …, <c>build_config</c>).</summary>
    public static Dictionary<string, object?> Serialize(Model model)
    {
        Dictionary<string, object?> serialized;
        if (model is Sequential || model.GetType() == typeof(Model))
        {
            bool sequential = model is Sequential;
            serialized = new Dictionary<string, object?>
            {
                ["module"] = sequential ? "keras" : "keras.src.models.functional",
                ["class_name"] = sequential ? "Sequential" : "Functional",
                ["config"] = InnerConfig(model),
                ["registered_name"] = sequential ? null : "Functional",
            };
        }
        else
        {
            serialized = Serialization.SerializeObject(model, KerasConfig.ToKeras(model.GetConfig()));
        }

        if (model.DeclaredInputShape is int[] shape)
        {
            serialized["build_config"] = new Dictionary<string, object?> { ["input_shape"] = KerasConfig.Shape(shape) };
        }

        return serialized;
    }

    /// <summary>The <c>config</c> part: what <see cref="Model.GetConfig"/> returns for Sequential and functional models.</summary>
    public static Dictionary<string, object?> InnerConfig(Model model)
    {
        IReadOnlyList<Layer> layers = model.AllLayers;
        if (model is Sequential)
        {
            var list = new List<object?>(layers.Count + 1);
            int[]? declared = model.DeclaredInputShape;
            bool synthesizeInput = layers.Count == 0 || layers[0] is not InputLayer;
            if (synthesizeInput && declared is not null)
            {
                // Keras 3 always writes the input layer first; a Nabla Sequential given inputShape on its first layer has none.
                list.Add(InputLayerConfig(declared, "input_layer"));
            }

            for (int i = 0; i < layers.Count; i++)
            {
                Dictionary<string, object?> entry = Serialization.Serialize(layers[i]);
                if (i == 0 && synthesizeInput && declared is not null && entry["config"] is Dictionary<string, object?> c)
                {
                    c.Remove("input_shape");
                }

                list.Add(entry);
            }

            var config = new Dictionary<string, object?>
            {
                ["name"] = model.Name,
                ["trainable"] = model.Trainable,
                ["dtype"] = KerasConfig.DTypePolicy("float32"),
                ["layers"] = list,
            };
            if (declared is not null)
            {
                config["build_input_shape"] = KerasConfig.Shape(declared);
            }

            return config;
        }

        if (model.Graph is not FunctionalGraph graph)
        {
            throw new InvalidOperationException($"Model '{model.Name}' has no graph, so its architecture cannot be described; build it from new Input(...).");
        }

        // Each call of a layer in this graph is one of its nodes; a tensor is named by (layer, node, 0) as Keras does.
        var nodeOf = new Dictionary<KerasTensor, int>(ReferenceEqualityComparer.Instance);
        foreach (KerasTensor input in graph.Inputs)
        {
            nodeOf[input] = 0;
        }

        var layerConfigs = new List<object?>(layers.Count);
        foreach (Layer layer in layers)
        {
            Dictionary<string, object?> entry = Serialization.Serialize(layer);
            entry["name"] = layer.Name;
            var nodes = new List<object?>();
            int k = 0;
            foreach (KerasTensor call in graph.CallsOf(layer))
            {
                nodeOf[call] = k++;
                List<object?> args = call.Inputs.Count == 1
                    ? [TensorConfig(call.Inputs[0], nodeOf)]
                    : [call.Inputs.Select(t => (object?)TensorConfig(t, nodeOf)).ToList()];
                nodes.Add(new Dictionary<string, object?> { ["args"] = args, ["kwargs"] = new Dictionary<string, object?>() });
            }

            entry["inbound_nodes"] = nodes;
            layerConfigs.Add(entry);
        }

        return new Dictionary<string, object?>
        {
            ["name"] = model.Name,
            ["trainable"] = model.Trainable,
            ["layers"] = layerConfigs,
            ["input_layers"] = graph.Inputs.Select(t => (object?)Endpoint(t, nodeOf)).ToList(),
            ["output_layers"] = graph.Outputs.Select(t => (object?)Endpoint(t, nodeOf)).ToList(),
        };
    }

    private static List<object?> Endpoint(KerasTensor t, Dictionary<KerasTensor, int> nodeOf) => [t.Layer.Name, nodeOf[t], 0];

    private static Dictionary<string, object?> TensorConfig(KerasTensor t, Dictionary<KerasTensor, int> nodeOf) => new()
    {
        ["class_name"] = "__keras_tensor__",
        ["config"] = new Dictionary<string, object?>
        {
            ["shape"] = KerasConfig.Shape(t.Shape),
            ["dtype"] = "float32",
            ["keras_history"] = Endpoint(t, nodeOf),
        },
    };

    /// <summary>Keras's <c>compile_config</c> for a compiled model, or null.</summary>
    public static Dictionary<string, object?>? CompileConfig(Model model)
    {
        if (!model.IsCompiled || model.Optimizer is null)
        {
            return null;
        }

        object? loss, lossWeights = null, metricsValue;
        if (model.OutputCount > 1 && model.Trainer.Compiled is { } state)
        {
            // Several outputs: Keras's list forms, in output order (one loss or null, one weight and one list of metrics
            // per output), so that a loaded model trains each output against its own loss.
            loss = state.Losses.Select(l => l is null ? null : (object?)Serialization.Serialize(l)).ToList();
            lossWeights = state.LossWeights.Select(w => (object?)w).ToList();
            metricsValue = state.Metrics.All(m => m.Length == 0)
                ? null
                : state.Metrics.Select(m => (object?)m.Select(SerializeMetric).ToList()).ToList();
        }
        else
        {
            var metrics = model.Metrics.Skip(1).Select(SerializeMetric).ToList();
            loss = model.Loss is null ? null : Serialization.Serialize(model.Loss);
            metricsValue = metrics.Count == 0 ? null : metrics;
        }

        return new Dictionary<string, object?>
        {
            ["optimizer"] = Serialization.Serialize(model.Optimizer),
            ["loss"] = loss,
            ["loss_weights"] = lossWeights,
            ["metrics"] = metricsValue,
            ["weighted_metrics"] = null,
            ["run_eagerly"] = false,
            ["steps_per_execution"] = 1,
            ["jit_compile"] = false,
        };
    }

    private static object? SerializeMetric(Metric m) => m is AutoAccuracy ? m.Name : Serialization.Serialize(m);

    /// <summary>Recreates a model from a serialized top-level object (config.json), compiling it when asked and possible.</summary>
    /// <param name="serialized">The object.</param>
    /// <param name="path">Where it sits, for messages.</param>
    /// <param name="compile">Whether to apply its <c>compile_config</c>.</param>
    /// <param name="existing">A model already built, to compile only (for legacy files, whose compile settings sit apart).</param>
    public static Model FromSerialized(IReadOnlyDictionary<string, object?> serialized, string path, bool compile, Model? existing = null)
    {
        string className = serialized.GetValueOrDefault("class_name") as string
            ?? throw new ArgumentException($"{path}.class_name: a model needs a string class name, but holds {serialized.GetValueOrDefault("class_name") ?? "nothing"}.");
        Model model;
        if (existing is not null)
        {
            model = existing;
        }
        else if (className is "Sequential" or "Functional" or "Model")
        {
            object? inner = serialized.GetValueOrDefault("config");
            model = inner switch
            {
                IReadOnlyDictionary<string, object?> c => FromConfig(c, className, $"{path}.config"),
                List<object?> layers when className == "Sequential" => FromConfig(new Dictionary<string, object?> { ["layers"] = layers }, className, $"{path}.config"),
                _ => throw new ArgumentException($"{path}.config: a {className} config must be an object, but holds {inner ?? "nothing"}."),
            };
        }
        else
        {
            model = Serialization.FromSerialized(SerializableFamily.Layer, serialized, path) as Model
                ?? throw new ArgumentException($"{path}: class '{className}' is a layer, not a model.");
        }

        if (existing is null && model is Sequential seq && seq.DeclaredInputShape is null && serialized.GetValueOrDefault("build_config") is IReadOnlyDictionary<string, object?> build
            && ConfigValues.GetIntArray(build, "input_shape") is { Length: > 0 } shape)
        {
            PrependInput(seq, shape, $"{path}.build_config");
        }

        if (compile && serialized.GetValueOrDefault("compile_config") is IReadOnlyDictionary<string, object?> compileConfig)
        {
            Compile(model, compileConfig, $"{path}.compile_config");
        }

        return model;
    }

    /// <summary>Recreates a Sequential or functional model from its <c>config</c> part (Keras's <c>from_config</c>).</summary>
    public static Model FromConfig(IReadOnlyDictionary<string, object?> config, string className, string path)
    {
        if (config.ContainsKey("input_layers") || className is "Functional" or "Model" && !config.ContainsKey("build_input_shape") && config.ContainsKey("output_layers"))
        {
            return FunctionalFromConfig(config, path);
        }

        if (config.GetValueOrDefault("layers") is not List<object?> layers)
        {
            throw new ArgumentException($"{path}.layers: a {className} config needs a list of layers, but holds {config.GetValueOrDefault("layers") ?? "nothing"}.");
        }

        string? name = config.GetValueOrDefault("name") as string;
        var model = new Sequential(name: name);
        for (int i = 0; i < layers.Count; i++)
        {
            string at = $"{path}.layers[{i}]";
            Layer layer = LayerFromKeras(layers[i], at);
            try
            {
                model.Add(layer);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"{at}: {e.Message}", e);
            }
        }

        if (model.DeclaredInputShape is null && ConfigValues.GetIntArray(config, "build_input_shape") is { Length: > 0 } shape)
        {
            PrependInput(model, shape, $"{path}.build_input_shape");
        }

        if (!ConfigValues.GetBool(config, "trainable", true))
        {
            model.Trainable = false;
        }

        return model;
    }

    /// <summary>Recreates one layer from its serialized form in a file, checking the options Nabla's class lacks.</summary>
    public static Layer LayerFromKeras(object? serialized, string path)
    {
        if (serialized is not IReadOnlyDictionary<string, object?> d)
        {
            throw new ArgumentException($"{path}: a layer must be an object with 'class_name' and 'config', but holds {serialized ?? "null"}.");
        }

        if (d.GetValueOrDefault("class_name") as string is "Sequential" or "Functional" or "Model")
        {
            return FromSerialized(d, path, compile: false);
        }

        var fileConfig = d.GetValueOrDefault("config") as IReadOnlyDictionary<string, object?> ?? new Dictionary<string, object?>();
        Dictionary<string, object?> nablaConfig = KerasConfig.ToNabla(fileConfig, $"{path}.config");
        var copy = new Dictionary<string, object?>(d) { ["config"] = nablaConfig };
        Layer layer;
        try
        {
            layer = (Layer)Serialization.FromSerialized(SerializableFamily.Layer, copy, path);
        }
        catch (ArgumentException e) when (!e.Message.StartsWith(path, StringComparison.Ordinal))
        {
            throw new ArgumentException($"{path}.config: {e.Message}", e);
        }

        CheckOptions(layer, nablaConfig, $"{path}.config");
        return layer;
    }

    // Keras's layer configs hold options Nabla's layers may lack. At their defaults they change nothing and are ignored;
    // set to anything else, ignoring them would compute something other than the file's model, so loading stops.
    private static void CheckOptions(Layer layer, IReadOnlyDictionary<string, object?> fileConfig, string path)
    {
        Dictionary<string, object?> own = layer.GetConfig();
        foreach ((string key, object? value) in fileConfig)
        {
            if (own.ContainsKey(key) || s_shapeKeys.Contains(key) || key is "dtype" or "name" or "trainable" || IsDefault(value) || IsInherited(layer, key, value))
            {
                continue;
            }

            throw new ArgumentException(
                $"{path}.{key}: Nabla's {layer.GetType().Name} has no option '{key}', and the file sets it to {Describe(value)}; " +
                "loading it without that option would compute a different model.");
        }

        // tf.keras 2.x's convolutions inherit Conv's get_config: every one writes "groups" (1 is an ordinary convolution;
        // DepthwiseConv2D is grouped by construction), and SeparableConv2D also writes the kernel_* keys of a "kernel"
        // weight it never creates.
        static bool IsInherited(Layer layer, string key, object? v) => key switch
        {
            "groups" => v is int or long or double && Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture) == 1,
            "kernel_initializer" or "kernel_regularizer" or "kernel_constraint" => layer is SeparableConv2D,
            _ => false,
        };

        static bool IsDefault(object? v) => v switch
        {
            null or false => true,
            string s => s is "channels_last",
            List<object?> l => l.Count == 0,
            IReadOnlyDictionary<string, object?> m => m.Count == 0,
            _ => false,
        };
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string s => $"'{s}'",
        IReadOnlyDictionary<string, object?> d => d.GetValueOrDefault("class_name") is string c ? $"a {c}" : "an object",
        List<object?> l => $"[{string.Join(", ", l.Select(Describe))}]",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "?",
    };

    private static Model FunctionalFromConfig(IReadOnlyDictionary<string, object?> config, string path)
    {
        if (config.GetValueOrDefault("layers") is not List<object?> layers)
        {
            throw new ArgumentException($"{path}.layers: a functional config needs a list of layers, but holds {config.GetValueOrDefault("layers") ?? "nothing"}.");
        }

        // Every tensor by (layer name, node index); layers come in an order that defines each input before its use.
        var tensors = new Dictionary<(string, int), KerasTensor>();
        for (int i = 0; i < layers.Count; i++)
        {
            string at = $"{path}.layers[{i}]";
            var entry = layers[i] as IReadOnlyDictionary<string, object?> ?? throw new ArgumentException($"{at}: a layer must be an object.");
            Layer layer = LayerFromKeras(entry, at);
            string name = entry.GetValueOrDefault("name") as string ?? layer.Name;
            if (layer is InputLayer inputLayer)
            {
                int[] batch = inputLayer.BatchShape;
                tensors[(name, 0)] = new Input(batch[1..], batch[0] > 0 ? batch[0] : null, inputLayer.Name);
                continue;
            }

            var nodes = entry.GetValueOrDefault("inbound_nodes") as List<object?> ?? [];
            for (int n = 0; n < nodes.Count; n++)
            {
                string nodePath = $"{at}.inbound_nodes[{n}]";
                KerasTensor[] inputs = [.. InboundTensors(nodes[n], nodePath).Select(h => tensors.GetValueOrDefault(h) ?? throw new ArgumentException(
                    $"{nodePath}: layer '{name}' reads from '{h.Item1}' (node {h.Item2}), which no earlier layer of the config defines."))];
                try
                {
                    tensors[(name, n)] = inputs.Length == 1 ? layer.Apply(inputs[0]) : layer.Apply(inputs);
                }
                catch (ArgumentException e)
                {
                    throw new ArgumentException($"{nodePath}: {e.Message}", e);
                }
            }
        }

        KerasTensor[] Endpoints(string key) => [.. EndpointList(config.GetValueOrDefault(key), $"{path}.{key}")
            .Select(h => tensors.GetValueOrDefault(h) ?? throw new ArgumentException($"{path}.{key}: no layer '{h.Item1}' has a node {h.Item2}."))];
        var model = new Model(Endpoints("input_layers"), Endpoints("output_layers"), config.GetValueOrDefault("name") as string);
        if (!ConfigValues.GetBool(config, "trainable", true))
        {
            model.Trainable = false;
        }

        return model;
    }

    // The (layer, node) pairs one call reads, in Keras 3's form ({"args": [tensor or [tensors]], "kwargs": {}}) or
    // Keras 2's ([["dense", 0, 0, {}], ...]).
    private static List<(string, int)> InboundTensors(object? node, string path)
    {
        var found = new List<(string, int)>();
        if (node is IReadOnlyDictionary<string, object?> k3)
        {
            void Collect(object? value)
            {
                switch (value)
                {
                    case IReadOnlyDictionary<string, object?> t when t.GetValueOrDefault("class_name") as string == "__keras_tensor__":
                        found.Add(History((t.GetValueOrDefault("config") as IReadOnlyDictionary<string, object?>)?.GetValueOrDefault("keras_history"), path));
                        break;
                    case List<object?> list:
                        list.ForEach(Collect);
                        break;
                }
            }

            Collect(k3.GetValueOrDefault("args"));
        }
        else if (node is List<object?> k2)
        {
            found.AddRange(k2.Select(call => History(call, path)));
        }

        return found.Count > 0 ? found : throw new ArgumentException($"{path}: the node names no input tensor.");
    }

    private static (string, int) History(object? history, string path) =>
        history is List<object?> { Count: >= 2 } h && h[0] is string layer && h[1] is long node
            ? (layer, checked((int)node))
            : throw new ArgumentException($"{path}: a tensor reference must be [layer name, node index, tensor index], but is {Describe(history)}.");

    private static List<(string, int)> EndpointList(object? v, string path)
    {
        // One endpoint may be written bare (["in", 0, 0]) or in a list ([["in", 0, 0]]).
        if (v is List<object?> { Count: > 0 } list && list[0] is string)
        {
            return [History(list, path)];
        }

        return v is List<object?> { Count: > 0 } several
            ? [.. several.Select(e => History(e, path))]
            : throw new ArgumentException($"{path}: a functional model needs at least one endpoint, but the config lists {Describe(v)}.");
    }

    private static void PrependInput(Sequential model, int[] batchShape, string path)
    {
        try
        {
            var layers = model.AllLayers.ToList();
            while (model.Layers.Count > 0)
            {
                model.Pop();
            }

            model.Add(new InputLayer(batchShape[1..], batchShape[0] > 0 ? batchShape[0] : null));
            foreach (Layer layer in layers)
            {
                model.Add(layer);
            }
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>An InputLayer as Keras 3.10 writes it: <c>batch_shape</c>, <c>dtype</c> as a string, <c>sparse</c>, <c>ragged</c>, <c>name</c>.</summary>
    internal static Dictionary<string, object?> InputLayerConfig(int[] batchShape, string name) => new()
    {
        ["module"] = "keras.layers",
        ["class_name"] = "InputLayer",
        ["config"] = new Dictionary<string, object?>
        {
            ["batch_shape"] = KerasConfig.Shape(batchShape),
            ["dtype"] = "float32",
            ["sparse"] = false,
            ["ragged"] = false,
            ["name"] = name,
        },
        ["registered_name"] = null,
    };

    private static void Compile(Model model, IReadOnlyDictionary<string, object?> config, string path)
    {
        object? opt = config.GetValueOrDefault("optimizer");
        Optimizer? optimizer = opt is null ? null : Deserialize<Optimizer>(opt, $"{path}.optimizer");
        if (model.OutputCount > 1)
        {
            CompileOutputs(model, optimizer, config, path);
            return;
        }

        object? lossValue = config.GetValueOrDefault("loss");
        Loss? loss = lossValue switch
        {
            null => null,
            List<object?> { Count: 1 } single => Deserialize<Loss>(single[0]!, $"{path}.loss[0]"),
            List<object?> several => throw new ArgumentException($"{path}.loss: the file compiles {several.Count} losses, one per output, but the model has one output."),
            IReadOnlyDictionary<string, object?> d when !d.ContainsKey("class_name") => d.Count == 1
                ? Deserialize<Loss>(d.Values.Single() ?? throw new ArgumentException($"{path}.loss: the loss of output '{d.Keys.Single()}' is null."), $"{path}.loss.{d.Keys.Single()}")
                : throw new ArgumentException($"{path}.loss: the file compiles {d.Count} losses by output name, but the model has one output."),
            _ => Deserialize<Loss>(lossValue, $"{path}.loss"),
        };
        if (config.GetValueOrDefault("loss_weights") is { } weights and not List<object?> { Count: 0 } && !IsOneUnitWeight(weights))
        {
            throw new ArgumentException($"{path}.loss_weights: a model with one output takes no loss weights, but the file sets {Describe(weights)}.");
        }

        var metrics = new List<Metric>();
        if (config.GetValueOrDefault("metrics") is List<object?> list)
        {
            IEnumerable<object?> flat = list is [List<object?> perOutput] ? perOutput : list;
            metrics.AddRange(Metrics(flat, $"{path}.metrics"));
        }

        model.Compile(optimizer, loss, metrics);
    }

    // A model with several outputs: losses, weights and metrics as Keras writes them, a list in output order or an
    // object by output name; a single loss applies to every output, as in Keras.
    private static void CompileOutputs(Model model, Optimizer? optimizer, IReadOnlyDictionary<string, object?> config, string path)
    {
        string[] names = model.OutputNames;
        Loss?[] losses = PerOutput(config.GetValueOrDefault("loss"), names, $"{path}.loss", (v, p) => Deserialize<Loss>(v, p), broadcast: true);
        if (losses.All(l => l is null))
        {
            throw new ArgumentException($"{path}.loss: the file gives no loss for any of the model's outputs ({string.Join(", ", names)}).");
        }

        object? weightsValue = config.GetValueOrDefault("loss_weights");
        double[]? weights = weightsValue is null
            ? null
            : PerOutput<double?>(weightsValue, names, $"{path}.loss_weights", (v, p) => Number(v, p), broadcast: false)
                .Select(w => w ?? 1.0).ToArray();
        object? metricsValue = config.GetValueOrDefault("metrics");
        IEnumerable<Metric>?[]? metrics = metricsValue is null
            ? null
            : PerOutput<IEnumerable<Metric>?>(metricsValue, names, $"{path}.metrics",
                (v, p) => v is List<object?> l ? Metrics(l, p) : Metrics([v], p), broadcast: false);
        model.Compile(losses, optimizer, weights, metrics);
    }

    // One value per output from Keras's forms: a list in output order, an object keyed by output name (missing names:
    // null), or (where broadcast) a single value for every output.
    private static T?[] PerOutput<T>(object? value, string[] names, string path, Func<object, string, T> read, bool broadcast)
    {
        switch (value)
        {
            case null:
                return new T?[names.Length];
            case List<object?> list when list.Count == names.Length:
                return [.. list.Select((v, i) => v is null ? default : read(v, $"{path}[{i}]"))];
            case List<object?> list:
                throw new ArgumentException($"{path}: the model has {names.Length} outputs ({string.Join(", ", names)}), but the file lists {list.Count} entries.");
            case IReadOnlyDictionary<string, object?> byName when !byName.ContainsKey("class_name"):
                foreach (string key in byName.Keys.Where(k => !names.Contains(k)))
                {
                    throw new ArgumentException($"{path}: '{key}' is not one of the model's outputs ({string.Join(", ", names)}).");
                }

                return [.. names.Select(n => byName.GetValueOrDefault(n) is { } v ? read(v, $"{path}.{n}") : default)];
            default:
                return broadcast
                    ? [.. names.Select(_ => read(value, path))]
                    : throw new ArgumentException($"{path}: a model with {names.Length} outputs needs one entry per output (a list or an object by output name), but the file holds {Describe(value)}.");
        }
    }

    private static List<Metric> Metrics(IEnumerable<object?> values, string path)
    {
        var metrics = new List<Metric>();
        int i = 0;
        foreach (object? m in values)
        {
            metrics.Add(Deserialize<Metric>(m ?? throw new ArgumentException($"{path}[{i}]: a metric cannot be null."), $"{path}[{i}]"));
            i++;
        }

        return metrics;
    }

    private static double? Number(object value, string path) => value switch
    {
        double d when double.IsFinite(d) => d,
        long l => l,
        int i => i,
        _ => throw new ArgumentException($"{path}: a loss weight must be a finite number, but the file holds {Describe(value)}."),
    };

    private static bool IsOneUnitWeight(object weights) => weights is List<object?> { Count: 1 } one && one[0] is double d && d == 1.0;

    private static T Deserialize<T>(object value, string path)
        where T : class
    {
        try
        {
            return Serialization.Deserialize<T>(value);
        }
        catch (ArgumentException e) when (!e.Message.StartsWith(path, StringComparison.Ordinal))
        {
            throw new ArgumentException($"{path}: {e.Message}", e);
        }
    }
}
