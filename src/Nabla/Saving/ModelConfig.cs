using Nabla.Layers;
using Nabla.Losses;
using Nabla.Metrics;
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

        if (layers.Count == 0 || layers[0] is not InputLayer)
        {
            throw new InvalidOperationException($"Model '{model.Name}' has no input layer, so its architecture cannot be described; build it from new Input(...).");
        }

        var layerConfigs = new List<object?>(layers.Count);
        int[] previousShape = ((InputLayer)layers[0]).BatchShape;
        for (int i = 0; i < layers.Count; i++)
        {
            Layer layer = layers[i];
            Dictionary<string, object?> entry = Serialization.Serialize(layer);
            entry["name"] = layer.Name;
            var nodes = new List<object?>();
            if (i > 0)
            {
                var tensor = new Dictionary<string, object?>
                {
                    ["class_name"] = "__keras_tensor__",
                    ["config"] = new Dictionary<string, object?>
                    {
                        ["shape"] = KerasConfig.Shape(previousShape),
                        ["dtype"] = "float32",
                        ["keras_history"] = new List<object?> { layers[i - 1].Name, 0, 0 },
                    },
                };
                nodes.Add(new Dictionary<string, object?> { ["args"] = new List<object?> { tensor }, ["kwargs"] = new Dictionary<string, object?>() });
                previousShape = layer.OutputShape ?? layer.ComputeOutputShape(previousShape);
            }

            entry["inbound_nodes"] = nodes;
            layerConfigs.Add(entry);
        }

        return new Dictionary<string, object?>
        {
            ["name"] = model.Name,
            ["trainable"] = model.Trainable,
            ["layers"] = layerConfigs,
            ["input_layers"] = new List<object?> { new List<object?> { layers[0].Name, 0, 0 } },
            ["output_layers"] = new List<object?> { new List<object?> { layers[^1].Name, 0, 0 } },
        };
    }

    /// <summary>Keras's <c>compile_config</c> for a compiled model, or null.</summary>
    public static Dictionary<string, object?>? CompileConfig(Model model)
    {
        if (!model.IsCompiled || model.Optimizer is null)
        {
            return null;
        }

        var metrics = new List<object?>();
        foreach (Metric m in model.Metrics.Skip(1))
        {
            metrics.Add(m is AutoAccuracy ? m.Name : Serialization.Serialize(m));
        }

        return new Dictionary<string, object?>
        {
            ["optimizer"] = Serialization.Serialize(model.Optimizer),
            ["loss"] = model.Loss is null ? null : Serialization.Serialize(model.Loss),
            ["loss_weights"] = null,
            ["metrics"] = metrics.Count == 0 ? null : metrics,
            ["weighted_metrics"] = null,
            ["run_eagerly"] = false,
            ["steps_per_execution"] = 1,
            ["jit_compile"] = false,
        };
    }

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
            if (own.ContainsKey(key) || s_shapeKeys.Contains(key) || key is "dtype" or "name" or "trainable" || IsDefault(value))
            {
                continue;
            }

            throw new ArgumentException(
                $"{path}.{key}: Nabla's {layer.GetType().Name} has no option '{key}', and the file sets it to {Describe(value)}; " +
                "loading it without that option would compute a different model.");
        }

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

        var tensors = new Dictionary<string, KerasTensor>(StringComparer.Ordinal);
        KerasTensor? input = null;
        for (int i = 0; i < layers.Count; i++)
        {
            string at = $"{path}.layers[{i}]";
            var entry = layers[i] as IReadOnlyDictionary<string, object?> ?? throw new ArgumentException($"{at}: a layer must be an object.");
            Layer layer = LayerFromKeras(entry, at);
            string name = entry.GetValueOrDefault("name") as string ?? layer.Name;
            if (layer is InputLayer inputLayer)
            {
                if (input is not null)
                {
                    throw new ArgumentException($"{at}: the model has more than one input; Nabla's functional models take one input.");
                }

                int[] batch = inputLayer.BatchShape;
                input = new Input(batch[1..], batch[0] > 0 ? batch[0] : null, inputLayer.Name);
                tensors[name] = input;
                continue;
            }

            string source = InboundLayer(entry.GetValueOrDefault("inbound_nodes"), $"{at}.inbound_nodes");
            KerasTensor x = tensors.GetValueOrDefault(source) ?? throw new ArgumentException(
                $"{at}.inbound_nodes: layer '{name}' reads from '{source}', which no earlier layer of the config defines.");
            try
            {
                tensors[name] = layer.Apply(x);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"{at}: {e.Message}", e);
            }
        }

        string inputName = SingleEndpoint(config, "input_layers", path);
        string outputName = SingleEndpoint(config, "output_layers", path);
        KerasTensor inputs = tensors.GetValueOrDefault(inputName) ?? throw new ArgumentException($"{path}.input_layers: no layer is named '{inputName}'.");
        KerasTensor outputs = tensors.GetValueOrDefault(outputName) ?? throw new ArgumentException($"{path}.output_layers: no layer is named '{outputName}'.");
        var model = new Model(inputs, outputs, config.GetValueOrDefault("name") as string);
        if (!ConfigValues.GetBool(config, "trainable", true))
        {
            model.Trainable = false;
        }

        return model;
    }

    // The one layer a node reads from, in Keras 3's form ({"args": [__keras_tensor__], "kwargs": {}}) or Keras 2's
    // ([[["dense", 0, 0, {}]]]).
    private static string InboundLayer(object? nodes, string path)
    {
        if (nodes is not List<object?> { Count: 1 } list)
        {
            throw new ArgumentException($"{path}: Nabla's functional models call each layer once on one input, but the layer has " +
                $"{(nodes is List<object?> l ? l.Count : 0)} inbound nodes.");
        }

        object? node = list[0];
        List<object?>? history = null;
        if (node is IReadOnlyDictionary<string, object?> k3)
        {
            if (k3.GetValueOrDefault("args") is List<object?> { Count: 1 } args && args[0] is IReadOnlyDictionary<string, object?> tensor
                && tensor.GetValueOrDefault("config") is IReadOnlyDictionary<string, object?> tc)
            {
                history = tc.GetValueOrDefault("keras_history") as List<object?>;
            }
        }
        else if (node is List<object?> { Count: 1 } k2 && k2[0] is List<object?> call)
        {
            history = call;
        }

        return history is { Count: >= 1 } && history[0] is string source
            ? source
            : throw new ArgumentException($"{path}: Nabla's functional models take one input per layer (no merge layers yet), and this node is not a single tensor.");
    }

    private static string SingleEndpoint(IReadOnlyDictionary<string, object?> config, string key, string path)
    {
        object? v = config.GetValueOrDefault(key);
        if (v is List<object?> { Count: 1 } outer && outer[0] is List<object?> inner)
        {
            v = inner;
        }

        return v is List<object?> { Count: >= 1 } entry && entry[0] is string name
            ? name
            : throw new ArgumentException($"{path}.{key}: Nabla's functional models have exactly one input and one output, but the config lists {Describe(v)}.");
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
        object? lossValue = config.GetValueOrDefault("loss");
        Loss? loss = lossValue switch
        {
            null => null,
            List<object?> { Count: 1 } single => Deserialize<Loss>(single[0]!, $"{path}.loss[0]"),
            List<object?> several => throw new ArgumentException($"{path}.loss: the file compiles {several.Count} losses, one per output; Nabla's models have one output."),
            IReadOnlyDictionary<string, object?> d when !d.ContainsKey("class_name") => throw new ArgumentException($"{path}.loss: losses by output name are not supported; Nabla's models have one output."),
            _ => Deserialize<Loss>(lossValue, $"{path}.loss"),
        };
        if (config.GetValueOrDefault("loss_weights") is not null and not List<object?> { Count: 0 })
        {
            throw new ArgumentException($"{path}.loss_weights: Nabla's models have one output and no loss weights, but the file sets {Describe(config["loss_weights"])}.");
        }

        var metrics = new List<Metric>();
        if (config.GetValueOrDefault("metrics") is List<object?> list)
        {
            IEnumerable<object?> flat = list is [List<object?> perOutput] ? perOutput : list;
            int i = 0;
            foreach (object? m in flat)
            {
                metrics.Add(Deserialize<Metric>(m ?? throw new ArgumentException($"{path}.metrics[{i}]: a metric cannot be null."), $"{path}.metrics[{i}]"));
                i++;
            }
        }

        model.Compile(optimizer, loss, metrics);
    }

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
