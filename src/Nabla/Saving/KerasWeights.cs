using Nabla.Autodiff;
using Nabla.Layers;
using Nabla.Optimizers;
using Nabla.Tensors;
using PureHDF;
using PureHDF.VOL.Native;

namespace Nabla.Saving;

/// <summary>
/// The Keras 3 weights file (<c>model.weights.h5</c> inside a <c>.keras</c> archive, or a <c>.weights.h5</c> file),
/// read and written with PureHDF. Layout, as Keras's <c>saving_lib</c> writes it:
/// <c>layers/{snake_case class}[_k]/vars/{i}</c> for each layer in <c>model.layers</c> order (the group keyed by
/// class, the layer's name in the <c>vars</c> group's <c>name</c> attribute; variables trainable first, then
/// non-trainable), nested models under their own <c>layers/</c>, the model's own (empty) <c>vars</c> group at the
/// root, and the optimizer's variables under <c>optimizer/vars</c>: the iteration count (int64), the learning rate
/// (float32, unless a schedule sets it), then the slots in creation order.
/// </summary>
internal static class KerasWeights
{
    /// <summary>The weights (and, when <paramref name="includeOptimizer"/>, the optimizer state) as an HDF5 file in memory.</summary>
    public static byte[] Write(Model model, bool includeOptimizer)
    {
        using var stream = new MemoryStream();
        Write(model, includeOptimizer, stream);
        return stream.ToArray();
    }

    /// <summary>Writes the HDF5 file to <paramref name="stream"/> (readable, writable, seekable).</summary>
    public static void Write(Model model, bool includeOptimizer, Stream stream)
    {
        var file = new H5File();
        Group(file, "vars", model.Name);
        foreach ((string path, Layer layer) in LayerPaths(model, ""))
        {
            H5Group vars = Group(file, $"{path}/vars", layer.Name);
            IReadOnlyList<Variable> weights = OwnWeights(layer);
            for (int i = 0; i < weights.Count; i++)
            {
                vars[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Dataset(weights[i].Value);
            }
        }

        if (includeOptimizer && model.IsCompiled && model.Optimizer is Optimizer optimizer)
        {
            H5Group vars = Group(file, "optimizer/vars", optimizer.Name);
            int i = 0;
            vars[$"{i++}"] = new H5Dataset(optimizer.Iterations, fileDims: []);
            if (optimizer.Schedule is null)
            {
                vars[$"{i++}"] = new H5Dataset(optimizer.LearningRate, fileDims: []);
            }

            foreach (Variable slot in optimizer.Variables)
            {
                vars[$"{i++}"] = Dataset(slot.Value);
            }
        }

        file.Write(stream);
    }

    /// <summary>
    /// Loads the weights of <paramref name="model"/> (and its optimizer's state, when <paramref name="loadOptimizer"/>
    /// and the file has one) from the HDF5 bytes <paramref name="data"/>. Everything is read and checked before
    /// anything is assigned, so a bad file never leaves a half-loaded model.
    /// </summary>
    /// <param name="model">A built model with the file's architecture.</param>
    /// <param name="data">The HDF5 file.</param>
    /// <param name="source">How messages name the file, e.g. <c>'x.keras' (model.weights.h5)</c>.</param>
    /// <param name="loadOptimizer">Whether to restore the optimizer's state.</param>
    /// <exception cref="InvalidDataException">The file is not HDF5, is damaged, or does not fit the model.</exception>
    public static void Load(Model model, byte[] data, string source, bool loadOptimizer)
    {
        if (data.Length < 8 || !data.AsSpan(0, 8).SequenceEqual(KerasArchive.H5Signature))
        {
            throw new InvalidDataException($"{source} is not an HDF5 file (it does not start with the HDF5 signature).");
        }

        var assignments = new List<(Variable Variable, Tensor Value)>();
        Action? restoreOptimizer = null;
        try
        {
            using var stream = new MemoryStream(data, writable: false);
            using NativeFile file = H5File.Open(stream, leaveOpen: true);
            foreach ((string path, Layer layer) in LayerPaths(model, ""))
            {
                IReadOnlyList<Variable> expected = OwnWeights(layer);
                IH5Group? vars = TryGroup(file, $"{path}/vars") ?? TryGroup(file, $"{path.Replace("layers/", "_layer_checkpoint_dependencies/", StringComparison.Ordinal)}/vars");
                if (vars is null)
                {
                    if (expected.Count == 0)
                    {
                        continue;
                    }

                    throw new InvalidDataException($"{source} has no weights for layer {layer.Describe()} (expected the group '{path}/vars' with {expected.Count}).");
                }

                int found = vars.Children().OfType<IH5Dataset>().Count();
                if (found != expected.Count)
                {
                    throw new InvalidDataException(
                        $"{source}: layer {layer.Describe()} has {expected.Count} weights ({Describe(expected)}), but the file holds {found} under '{path}/vars'.");
                }

                for (int i = 0; i < expected.Count; i++)
                {
                    string at = $"{path}/vars/{i}";
                    Tensor value = ReadFloats(vars, $"{i}", at, data.Length, source);
                    Variable v = expected[i];
                    if (!ShapeUtil.SameShape(value.Dims, v.Value.Dims))
                    {
                        throw new InvalidDataException(
                            $"{source}: weight '{v.Name}' of layer {layer.Describe()} has shape {ShapeUtil.Format(v.Value.Dims)} in the model, " +
                            $"but {ShapeUtil.Format(value.Dims)} in the file ('{at}').");
                    }

                    assignments.Add((v, value));
                }
            }

            if (loadOptimizer && model.IsCompiled && model.Optimizer is Optimizer optimizer && TryGroup(file, "optimizer/vars") is IH5Group opt)
            {
                restoreOptimizer = ReadOptimizer(model, optimizer, opt, data.Length, source);
            }
        }
        catch (Exception e) when (e is not InvalidDataException)
        {
            throw new InvalidDataException($"{source} is damaged or not a Keras weights file: {e.Message}", e);
        }

        foreach ((Variable v, Tensor value) in assignments)
        {
            v.Assign(value);
        }

        restoreOptimizer?.Invoke();
    }

    /// <summary>
    /// The layers whose variables the file holds, with their group paths: Keras's <c>model.layers</c> (Sequential
    /// without its input layer, functional models with theirs), keyed by the snake_case class name made unique.
    /// </summary>
    internal static IEnumerable<(string Path, Layer Layer)> LayerPaths(Model model, string prefix)
    {
        IReadOnlyList<Layer> layers = model is Sequential ? model.Layers : model.AllLayers;
        var used = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Layer layer in layers)
        {
            string name = LayerNames.ToSnakeCase(KerasClassName(layer));
            if (used.TryGetValue(name, out int n))
            {
                used[name] = n + 1;
                name = $"{name}_{n + 1}";
            }
            else
            {
                used[name] = 0;
            }

            string path = $"{prefix}layers/{name}";
            yield return (path, layer);
            if (layer is Model inner)
            {
                foreach ((string p, Layer l) in LayerPaths(inner, path + "/"))
                {
                    yield return (p, l);
                }
            }
        }
    }

    private static string KerasClassName(Layer layer) => layer switch
    {
        Sequential => "Sequential",
        Model m when m.GetType() == typeof(Model) => "Functional",
        _ => Serialization.Describe(layer.GetType())?.ClassName ?? layer.GetType().Name,
    };

    // A layer's own variables; a nested model's belong to its layers.
    private static IReadOnlyList<Variable> OwnWeights(Layer layer) => layer is Model ? [] : layer.Weights;

    private static Action ReadOptimizer(Model model, Optimizer optimizer, IH5Group vars, long fileLength, string source)
    {
        int found = vars.Children().OfType<IH5Dataset>().Count();
        bool hasRate = optimizer.Schedule is null;
        int baseCount = hasRate ? 2 : 1;
        if (found < 1)
        {
            throw new InvalidDataException($"{source}: the optimizer group 'optimizer/vars' holds no variables (expected at least the iteration count).");
        }

        long iterations = ReadScalarLong(vars, "0", "optimizer/vars/0", source);
        float? rate = hasRate && found >= 2 ? ReadScalarFloat(vars, "1", "optimizer/vars/1", fileLength, source) : null;
        if (iterations < 0)
        {
            throw new InvalidDataException($"{source}: the optimizer's iteration count is {iterations}; it cannot be negative.");
        }

        if (found == baseCount && iterations == 0)
        {
            // Saved before the optimizer took a step: nothing but its counters to restore (Keras's unbuilt optimizer).
            return () =>
            {
                optimizer.Iterations = 0;
                if (rate is float r)
                {
                    optimizer.LearningRate = r;
                }
            };
        }

        if (!optimizer.IsBuilt)
        {
            optimizer.Build(model.TrainableWeights);
        }

        IReadOnlyList<Variable> slots = optimizer.Variables;
        if (found != baseCount + slots.Count)
        {
            throw new InvalidDataException(
                $"{source}: optimizer '{optimizer.Name}' ({optimizer.GetType().Name}) has {baseCount + slots.Count} variables for this model " +
                $"(iterations{(hasRate ? ", learning_rate" : "")} and {slots.Count} slots), but the file holds {found} under 'optimizer/vars'. " +
                "The file was saved with another optimizer or other trainable weights.");
        }

        var values = new Tensor[slots.Count];
        for (int i = 0; i < slots.Count; i++)
        {
            string name = $"{baseCount + i}";
            values[i] = ReadFloats(vars, name, $"optimizer/vars/{name}", fileLength, source);
            if (!ShapeUtil.SameShape(values[i].Dims, slots[i].Value.Dims))
            {
                throw new InvalidDataException(
                    $"{source}: optimizer slot '{slots[i].Path}' has shape {ShapeUtil.Format(slots[i].Value.Dims)}, but the file's 'optimizer/vars/{name}' " +
                    $"has {ShapeUtil.Format(values[i].Dims)}.");
            }
        }

        return () =>
        {
            for (int i = 0; i < slots.Count; i++)
            {
                slots[i].Assign(values[i]);
            }

            optimizer.Iterations = iterations;
            if (rate is float r)
            {
                optimizer.LearningRate = r;
            }
        };
    }

    private static Tensor ReadFloats(IH5Group group, string name, string at, long fileLength, string source)
    {
        IH5Dataset ds = group.Dataset(name);
        int[] dims = Dims(ds, at, source);
        long count = dims.Aggregate(1L, (p, d) => p * d);
        if (ds.Type.Class != H5DataTypeClass.FloatingPoint || ds.Type.Size != 4)
        {
            throw new InvalidDataException($"{source}: '{at}' holds {ds.Type.Class} of {ds.Type.Size} bytes, but weights are float32.");
        }

        if (count * 4 > fileLength)
        {
            throw new InvalidDataException($"{source}: '{at}' claims shape {ShapeUtil.Format(dims)} ({count} floats), more than the file's {fileLength} bytes can hold.");
        }

        float[] values = dims.Length == 0 ? [ds.Read<float>()] : ds.Read<float[]>();
        if (values.Length != count)
        {
            throw new InvalidDataException($"{source}: '{at}' has shape {ShapeUtil.Format(dims)} but {values.Length} values.");
        }

        return Tensor.FromArray(values, dims);
    }

    private static float ReadScalarFloat(IH5Group group, string name, string at, long fileLength, string source)
    {
        Tensor t = ReadFloats(group, name, at, fileLength, source);
        return t.Size == 1 ? t.Span[0] : throw new InvalidDataException($"{source}: '{at}' should be a scalar, but has shape {ShapeUtil.Format(t.Dims)}.");
    }

    private static long ReadScalarLong(IH5Group group, string name, string at, string source)
    {
        IH5Dataset ds = group.Dataset(name);
        if (Dims(ds, at, source).Length != 0 || ds.Type.Class != H5DataTypeClass.FixedPoint || ds.Type.Size is not (4 or 8))
        {
            throw new InvalidDataException($"{source}: '{at}' should be the optimizer's iteration count (a scalar integer), but holds {ds.Type.Class} of {ds.Type.Size} bytes.");
        }

        return ds.Type.Size == 8 ? ds.Read<long>() : ds.Read<int>();
    }

    private static int[] Dims(IH5Dataset ds, string at, string source)
    {
        ulong[] dims = ds.Space.Dimensions;
        if (dims.Length > 32 || dims.Any(d => d > int.MaxValue))
        {
            throw new InvalidDataException($"{source}: '{at}' has an impossible shape [{string.Join(", ", dims)}].");
        }

        return [.. dims.Select(d => (int)d)];
    }

    private static IH5Group? TryGroup(IH5Group root, string path)
    {
        IH5Group group = root;
        foreach (string part in path.Split('/'))
        {
            if (!group.LinkExists(part) || group.Get(part) is not IH5Group next)
            {
                return null;
            }

            group = next;
        }

        return group;
    }

    // The group at a '/'-separated path, created with its parents; its "name" attribute set when given.
    private static H5Group Group(H5Group root, string path, string? name)
    {
        H5Group group = root;
        foreach (string part in path.Split('/'))
        {
            if (!group.TryGetValue(part, out object? existing))
            {
                existing = new H5Group();
                group[part] = existing;
            }

            group = (H5Group)existing;
        }

        if (name is not null)
        {
            group.Attributes = new Dictionary<string, object> { ["name"] = name };
        }

        return group;
    }

    private static H5Dataset Dataset(Tensor value) =>
        new(value.ToArray(), fileDims: [.. value.Shape.Select(d => (ulong)d)]);

    private static string Describe(IReadOnlyList<Variable> weights) =>
        string.Join(", ", weights.Select(w => $"{w.Name} {ShapeUtil.Format(w.Value.Dims)}"));
}
