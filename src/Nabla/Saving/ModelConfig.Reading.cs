using Nabla.Layers;
using Nabla.Models;

namespace Nabla.Saving;

// The reading half: a model recreated from Keras's config.json, its layers' options checked against what Nabla builds.
internal static partial class ModelConfig
{
    // Keys of a Keras layer config that Nabla's layers do not take but that are safe to ignore at these values.
    private static readonly HashSet<string> s_shapeKeys = new(StringComparer.Ordinal)
    {
        "batch_input_shape", "input_shape", "batch_shape", "batch_size", "input_dim", "build_input_shape",
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
