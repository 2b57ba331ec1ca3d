using Nabla.Layers;
using Nabla.Losses;
using Nabla.Metrics;
using Nabla.Models;
using Nabla.Optimizers;

namespace Nabla.Saving;

/// <summary>
/// A model's architecture in Keras 3's <c>config.json</c> schema, both ways: Sequential (<c>layers</c>, with the
/// input layer first) and functional models (<c>layers</c> with <c>inbound_nodes</c>, <c>input_layers</c>,
/// <c>output_layers</c>), plus the top level's <c>build_config</c>; <see cref="CompileConfig"/> reads and writes its <c>compile_config</c>.
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
            CompileConfig.Apply(model, compileConfig, $"{path}.compile_config");
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

    /// <summary>A value from a config file as a message shows it.</summary>
    internal static string Describe(object? value) => value switch
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

    /// <summary>Deserializes a registered object, with <paramref name="path"/> in front of any error.</summary>
    internal static T Deserialize<T>(object value, string path)
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
