namespace Nabla.Saving;

/// <summary>
/// Converts configs between the form layers give (<c>GetConfig</c>: <c>"dtype": "float32"</c>, nested objects as
/// <c>{"class_name", "config"}</c>, unknown lengths as -1) and the form Keras 3 writes to <c>config.json</c>
/// (<c>DTypePolicy</c> objects, nested objects with <c>module</c> and <c>registered_name</c>, unknown lengths as null).
/// </summary>
internal static class KerasConfig
{
    // Keys whose value is a shape with the batch axis, written with null for unknown lengths (-1 in Nabla). Other
    // integer lists keep -1, which Reshape's target_shape uses for "infer".
    private static readonly HashSet<string> s_shapeKeys = new(StringComparer.Ordinal) { "batch_shape", "batch_input_shape", "input_shape", "build_input_shape" };

    /// <summary>Keras 3's dtype policy object, as layers write it.</summary>
    public static Dictionary<string, object?> DTypePolicy(string name) => new()
    {
        ["module"] = "keras",
        ["class_name"] = "DTypePolicy",
        ["config"] = new Dictionary<string, object?> { ["name"] = name },
        ["registered_name"] = null,
    };

    /// <summary>A shape as Keras writes it: a list with null for each unknown length.</summary>
    public static List<object?> Shape(IEnumerable<int> shape) => [.. shape.Select(d => d < 0 ? null : (object?)d)];

    /// <summary>A layer's (or other object's) config in Keras's form.</summary>
    public static Dictionary<string, object?> ToKeras(IReadOnlyDictionary<string, object?> config, bool layer = true)
    {
        var result = new Dictionary<string, object?>(config.Count, StringComparer.Ordinal);
        foreach ((string key, object? value) in config)
        {
            result[key] = key switch
            {
                "dtype" when layer && value is string name => DTypePolicy(name),
                _ when s_shapeKeys.Contains(key) && value is int[] shape => Shape(shape),
                _ when value is IReadOnlyDictionary<string, object?> nested && nested.ContainsKey("class_name") && !nested.ContainsKey("module") => Complete(key, nested),
                _ => value,
            };
        }

        return result;
    }

    /// <summary>
    /// A config read from a file, in the form the classes' <c>FromConfig</c> take: the dtype checked and dropped
    /// to <c>"float32"</c>, Keras 2's <c>batch_input_shape</c> turned into <c>input_shape</c>, and serialized
    /// functions (<c>{"class_name": "function", "config": "relu"}</c>) turned into their names.
    /// </summary>
    /// <param name="config">The config as parsed.</param>
    /// <param name="path">Where the config sits, for error messages (<c>config.layers[2].config</c>).</param>
    /// <exception cref="ArgumentException">The dtype is not float32.</exception>
    public static Dictionary<string, object?> ToNabla(IReadOnlyDictionary<string, object?> config, string path)
    {
        var result = new Dictionary<string, object?>(config.Count, StringComparer.Ordinal);
        foreach ((string key, object? value) in config)
        {
            result[key] = value switch
            {
                _ when key == "dtype" => CheckDType(value, $"{path}.dtype"),
                IReadOnlyDictionary<string, object?> f when f.TryGetValue("class_name", out object? c) && c as string == "function" => FunctionName(f, $"{path}.{key}"),
                _ => value,
            };
        }

        if (result.TryGetValue("batch_input_shape", out object? batchShape) && batchShape is List<object?> { Count: > 0 } list && !result.ContainsKey("input_shape"))
        {
            result["input_shape"] = list.Skip(1).ToList();
        }

        return result;
    }

    private static string CheckDType(object? value, string path)
    {
        string? name = value switch
        {
            null => "float32",
            string s => s,
            IReadOnlyDictionary<string, object?> policy when policy.TryGetValue("config", out object? c) && c is IReadOnlyDictionary<string, object?> inner => inner.GetValueOrDefault("name") as string,
            _ => null,
        };
        return name == "float32"
            ? name
            : throw new ArgumentException($"{path}: Nabla computes in float32, but the file asks for dtype {(name is null ? $"{value}" : $"'{name}'")}.");
    }

    private static string FunctionName(IReadOnlyDictionary<string, object?> function, string path)
    {
        string name = function.GetValueOrDefault("config") as string
            ?? throw new ArgumentException($"{path}: a serialized function needs its name as a string 'config'.");
        int package = name.IndexOf('>', StringComparison.Ordinal);
        return package >= 0 ? name[(package + 1)..] : name;
    }

    // A nested {"class_name", "config"} from a layer's GetConfig, completed with the module and registered name.
    private static Dictionary<string, object?> Complete(string key, IReadOnlyDictionary<string, object?> nested)
    {
        SerializableFamily family = key.EndsWith("initializer", StringComparison.Ordinal) ? SerializableFamily.Initializer
            : key.EndsWith("regularizer", StringComparison.Ordinal) ? SerializableFamily.Regularizer
            : key.Contains("learning_rate", StringComparison.Ordinal) ? SerializableFamily.Schedule
            : SerializableFamily.Layer;
        string className = (string)nested["class_name"]!;
        SerializableClass? entry = Serialization.Find(family, className, null);
        var inner = nested.GetValueOrDefault("config") as IReadOnlyDictionary<string, object?> ?? new Dictionary<string, object?>();
        return new Dictionary<string, object?>
        {
            ["module"] = entry?.Module ?? family.Module,
            ["class_name"] = entry?.ClassName ?? className,
            ["config"] = ToKeras(inner, layer: false),
            ["registered_name"] = entry?.RegisteredName,
        };
    }
}
