using Nabla.Autodiff;
using Nabla.Layers;
using Nabla.Tensors;
using PureHDF;
using PureHDF.VOL.Native;

namespace Nabla.Saving;

/// <summary>
/// Keras 2's full-model HDF5 file (also written by Keras 3's legacy <c>model.save("x.h5")</c>): root attributes
/// <c>model_config</c> (the architecture as JSON), <c>keras_version</c>, <c>backend</c> and <c>training_config</c>
/// (compile settings as JSON); weights under <c>model_weights/{layer}/{weight name}</c>, listed by the
/// <c>layer_names</c> attribute of <c>model_weights</c> and each layer group's <c>weight_names</c> (Keras 2 names end
/// in <c>:0</c>, Keras 3's do not). Layers with weights are matched in order, as Keras's legacy loader does.
/// </summary>
internal static class LegacyH5
{
    /// <summary>Whether the HDF5 file is a legacy model or weights file (root <c>model_config</c>, <c>model_weights</c> or <c>layer_names</c>).</summary>
    public static bool IsLegacy(byte[] data, string source) => Guard(source, () =>
    {
        using NativeFile file = Open(data);
        return file.AttributeExists("model_config") || file.AttributeExists("layer_names") || file.AttributeExists("layer_names0") || file.LinkExists("model_weights");
    });

    /// <summary>Loads a full legacy model: architecture, weights and (when <paramref name="compile"/>) compile settings.</summary>
    public static Model Load(byte[] data, string source, bool compile)
    {
        (string modelConfig, string? trainingConfig) = Guard(source, () =>
        {
            using NativeFile file = Open(data);
            if (!file.AttributeExists("model_config"))
            {
                throw new InvalidDataException(
                    $"{source} is an HDF5 file without a 'model_config' attribute, so it holds no architecture: it is a weights file. " +
                    "Build the model, then call LoadWeights.");
            }

            return (ReadText(file, "model_config"), file.AttributeExists("training_config") ? ReadText(file, "training_config") : null);
        });

        string configSource = $"{source} (model_config)";
        Dictionary<string, object?> config = KerasJson.ParseObject(System.Text.Encoding.UTF8.GetBytes(modelConfig), configSource);
        Model model = ModelFile.FromFileConfig(config, configSource, compile: false);
        LoadWeights(model, data, source);
        if (compile && trainingConfig is not null)
        {
            Dictionary<string, object?> training = KerasJson.ParseObject(System.Text.Encoding.UTF8.GetBytes(trainingConfig), $"{source} (training_config)");
            var compileConfig = new Dictionary<string, object?>
            {
                ["optimizer"] = training.GetValueOrDefault("optimizer_config"),
                ["loss"] = training.GetValueOrDefault("loss"),
                ["metrics"] = training.GetValueOrDefault("metrics"),
                ["loss_weights"] = training.GetValueOrDefault("loss_weights"),
            };
            try
            {
                ModelConfig.FromSerialized(new Dictionary<string, object?> { ["class_name"] = "Sequential", ["compile_config"] = compileConfig }, "training_config", compile: true, model);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"{source} (training_config): {e.Message}", e);
            }
        }

        return model;
    }

    /// <summary>Loads the weights of a legacy file (full model or weights only) into <paramref name="model"/>, all checked before any is assigned.</summary>
    public static void LoadWeights(Model model, byte[] data, string source)
    {
        List<(Variable Variable, Tensor Value)> assignments = Guard(source, () =>
        {
            using NativeFile file = Open(data);
            IH5Group root = file.LinkExists("model_weights") ? file.Group("model_weights") : file;
            if (!root.AttributeExists("layer_names") && !root.AttributeExists("layer_names0"))
            {
                throw new InvalidDataException($"{source} has no 'layer_names' attribute{(root == file ? "" : " on 'model_weights'")}; it is not a Keras weights file.");
            }

            string[] layerNames = ReadStrings(root, "layer_names");
            var fileLayers = new List<(string Name, string[] WeightNames, IH5Group Group)>();
            foreach (string name in layerNames)
            {
                if (!root.LinkExists(name) || root.Get(name) is not IH5Group g)
                {
                    throw new InvalidDataException($"{source}: 'layer_names' lists '{name}', but the file has no group of that name.");
                }

                string[] weightNames = ReadStrings(g, "weight_names");
                if (weightNames.Length > 0)
                {
                    fileLayers.Add((name, weightNames, g));
                }
            }

            var modelLayers = Flatten(model).Where(l => l.Weights.Count > 0).ToList();
            if (modelLayers.Count != fileLayers.Count)
            {
                throw new InvalidDataException(
                    $"{source} holds weights for {fileLayers.Count} layers ({string.Join(", ", fileLayers.Select(l => l.Name))}), " +
                    $"but the model has {modelLayers.Count} layers with weights ({string.Join(", ", modelLayers.Select(l => l.Name))}).");
            }

            var result = new List<(Variable, Tensor)>();
            for (int i = 0; i < modelLayers.Count; i++)
            {
                Layer layer = modelLayers[i];
                (string name, string[] weightNames, IH5Group group) = fileLayers[i];
                IReadOnlyList<Variable> weights = layer.Weights;
                if (weights.Count != weightNames.Length)
                {
                    throw new InvalidDataException(
                        $"{source}: layer {layer.Describe()} has {weights.Count} weights, but the file's layer '{name}' has {weightNames.Length} ({string.Join(", ", weightNames)}).");
                }

                for (int w = 0; w < weights.Count; w++)
                {
                    IH5Dataset ds = Dataset(group, weightNames[w], $"model_weights/{name}/{weightNames[w]}", source);
                    Tensor value = ReadFloats(ds, $"{name}/{weightNames[w]}", data.Length, source);
                    if (!ShapeUtil.SameShape(value.Dims, weights[w].Value.Dims))
                    {
                        throw new InvalidDataException(
                            $"{source}: weight '{weights[w].Name}' of layer {layer.Describe()} has shape {ShapeUtil.Format(weights[w].Value.Dims)} in the model, " +
                            $"but {ShapeUtil.Format(value.Dims)} in the file ('{name}/{weightNames[w]}').");
                    }

                    result.Add((weights[w], value));
                }
            }

            return result;
        });

        foreach ((Variable v, Tensor value) in assignments)
        {
            v.Assign(value);
        }
    }

    // The layers in order, nested models expanded (Keras's legacy loader walks model.layers of each nested model).
    private static IEnumerable<Layer> Flatten(Model model)
    {
        foreach (Layer layer in model.Layers)
        {
            if (layer is Model inner)
            {
                foreach (Layer l in Flatten(inner))
                {
                    yield return l;
                }
            }
            else
            {
                yield return layer;
            }
        }
    }

    private static IH5Dataset Dataset(IH5Group group, string path, string shown, string source)
    {
        IH5Group g = group;
        string[] parts = path.Split('/');
        for (int i = 0; i < parts.Length; i++)
        {
            if (!g.LinkExists(parts[i]))
            {
                throw new InvalidDataException($"{source}: the weight '{shown}' named in 'weight_names' is missing.");
            }

            IH5Object o = g.Get(parts[i]);
            if (i == parts.Length - 1)
            {
                return o as IH5Dataset ?? throw new InvalidDataException($"{source}: '{shown}' is not a dataset.");
            }

            g = o as IH5Group ?? throw new InvalidDataException($"{source}: '{shown}' is not inside a group.");
        }

        throw new InvalidDataException($"{source}: the weight name '{shown}' is empty.");
    }

    private static Tensor ReadFloats(IH5Dataset ds, string at, long fileLength, string source)
    {
        ulong[] raw = ds.Space.Dimensions;
        if (raw.Length > 32 || raw.Any(d => d > int.MaxValue))
        {
            throw new InvalidDataException($"{source}: '{at}' has an impossible shape [{string.Join(", ", raw)}].");
        }

        int[] dims = [.. raw.Select(d => (int)d)];
        long count = dims.Aggregate(1L, (p, d) => p * d);
        if (ds.Type.Class != H5DataTypeClass.FloatingPoint || ds.Type.Size != 4)
        {
            throw new InvalidDataException($"{source}: '{at}' holds {ds.Type.Class} of {ds.Type.Size} bytes, but weights are float32.");
        }

        if (count * 4 > fileLength)
        {
            throw new InvalidDataException($"{source}: '{at}' claims {count} floats, more than the file's {fileLength} bytes can hold.");
        }

        float[] values = dims.Length == 0 ? [ds.Read<float>()] : ds.Read<float[]>();
        return values.Length == count
            ? Tensor.FromArray(values, dims)
            : throw new InvalidDataException($"{source}: '{at}' has shape {ShapeUtil.Format(dims)} but {values.Length} values.");
    }

    private static string ReadText(IH5Group group, string name)
    {
        IH5Attribute a = group.Attribute(name);
        return (IsText(a) ? a.Read<string>() : System.Text.Encoding.UTF8.GetString(a.Read<byte[]>())).TrimEnd((char)0);
    }

    // Keras splits attributes over 64 KB into name0, name1, … (save_attributes_to_hdf5_group).
    private static string[] ReadStrings(IH5Group group, string name)
    {
        if (group.AttributeExists(name))
        {
            return ReadStringAttribute(group.Attribute(name));
        }

        var parts = new List<string>();
        for (int i = 0; group.AttributeExists($"{name}{i}"); i++)
        {
            parts.AddRange(ReadStringAttribute(group.Attribute($"{name}{i}")));
        }

        return [.. parts];
    }

    private static string[] ReadStringAttribute(IH5Attribute a)
    {
        if (!IsText(a))
        {
            throw new InvalidDataException($"attribute '{a.Name}' holds {a.Type.Class}, not strings");
        }

        string[] values = a.Space.Dimensions.Length == 0 ? [a.Read<string>()] : a.Read<string[]>();
        return [.. values.Select(v => v.TrimEnd('\0'))];
    }

    // h5py writes str attributes as variable-length strings, bytes attributes (Keras 2's) as fixed-length ones.
    private static bool IsText(IH5Attribute a) => a.Type.Class is H5DataTypeClass.String or H5DataTypeClass.VariableLength;

    private static NativeFile Open(byte[] data) => H5File.Open(new MemoryStream(data, writable: false), leaveOpen: false);

    // PureHDF reports a damaged file with whatever exception its parser meets; name the file and keep the cause.
    private static T Guard<T>(string source, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is not InvalidDataException)
        {
            throw new InvalidDataException($"{source} is damaged or not a Keras .h5 file: {e.Message}", e);
        }
    }
}
