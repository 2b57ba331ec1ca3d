using Nabla.Layers;
using Nabla.Models;

namespace Nabla.Saving;

/// <summary>
/// A model's architecture in Keras 3's <c>config.json</c> schema, both ways: Sequential (<c>layers</c>, with the
/// input layer first) and functional models (<c>layers</c> with <c>inbound_nodes</c>, <c>input_layers</c>,
/// <c>output_layers</c>), plus the top level's <c>build_config</c>; <see cref="CompileConfig"/> reads and writes its <c>compile_config</c>.
/// </summary>
internal static partial class ModelConfig
{
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
}
