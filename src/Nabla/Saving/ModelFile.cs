using System.Globalization;
using System.Text;
using Nabla.Layers;
using PureHDF;

namespace Nabla.Saving;

/// <summary>
/// Saving and loading whole models and their weights, by file kind: the Keras 3 <c>.keras</c> archive, the Keras 3
/// <c>.weights.h5</c> file, and Keras 2's (or Keras 3's legacy) full-model <c>.h5</c> file. Every load error is an
/// <see cref="InvalidDataException"/> that names the file and what is wrong.
/// </summary>
internal static class ModelFile
{
    /// <summary>The Keras format version written to <c>metadata.json</c>: the version whose file layout Nabla follows.</summary>
    public const string KerasFormatVersion = "3.10.0";

    /// <summary>The largest weights file read into memory.</summary>
    public static long MaxFileBytes { get; set; } = KerasArchive.MaxEntryBytes;

    public static void Save(Model model, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!path.EndsWith(".keras", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"Save writes Keras 3 .keras files, so the path must end in .keras, but received '{path}'. " +
                "Use SaveWeights(\"name.weights.h5\") to save the weights only.", nameof(path));
        }

        RequireBuilt(model, "Save");
        var serialized = ModelConfig.Serialize(model);
        if (CompileConfig.Serialize(model) is Dictionary<string, object?> compile)
        {
            serialized["compile_config"] = compile;
        }

        var metadata = new Dictionary<string, object?>
        {
            ["keras_version"] = KerasFormatVersion,
            ["date_saved"] = DateTime.Now.ToString("yyyy-MM-dd@HH:mm:ss", CultureInfo.InvariantCulture),
        };
        var contents = new KerasArchive.Contents(KerasJson.Write(metadata), KerasJson.Write(serialized), KerasWeights.Write(model, includeOptimizer: true));
        KerasArchive.Write(path, contents);
    }

    public static Model Load(string path, bool compile)
    {
        byte[] head = Head(path);
        if (head.AsSpan().StartsWith(KerasArchive.H5Signature))
        {
            return LoadLegacy(path, compile);
        }

        KerasArchive.Contents contents = KerasArchive.Read(path);
        string configSource = $"'{path}' ({KerasArchive.ConfigEntry})";
        Dictionary<string, object?> metadata = KerasJson.ParseObject(contents.Metadata, $"'{path}' ({KerasArchive.MetadataEntry})");
        if (metadata.GetValueOrDefault("keras_version") is not string)
        {
            throw new InvalidDataException($"'{path}' ({KerasArchive.MetadataEntry}) has no 'keras_version' string; it was not written by Keras.");
        }

        Dictionary<string, object?> config = KerasJson.ParseObject(contents.Config, configSource);
        Model model = FromFileConfig(config, configSource, compile);
        KerasWeights.Load(model, contents.Weights, $"'{path}' ({KerasArchive.WeightsEntry})", loadOptimizer: compile);
        return model;
    }

    public static void SaveWeights(Model model, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!path.EndsWith(".weights.h5", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"SaveWeights writes Keras 3 weights files, whose name must end in .weights.h5, but received '{path}'.", nameof(path));
        }

        RequireBuilt(model, "SaveWeights");
        AtomicFile.Write(path, stream => KerasWeights.Write(model, includeOptimizer: true, stream));
    }

    public static void LoadWeights(Model model, string path)
    {
        RequireBuilt(model, "LoadWeights");
        byte[] head = Head(path);
        if (!head.AsSpan().StartsWith(KerasArchive.H5Signature))
        {
            KerasArchive.Contents contents = KerasArchive.Read(path);
            KerasWeights.Load(model, contents.Weights, $"'{path}' ({KerasArchive.WeightsEntry})", loadOptimizer: true);
            return;
        }

        byte[] data = ReadAll(path);
        if (LegacyH5.IsLegacy(data, $"'{path}'"))
        {
            LegacyH5.LoadWeights(model, data, $"'{path}'");
        }
        else
        {
            KerasWeights.Load(model, data, $"'{path}'", loadOptimizer: true);
        }
    }

    /// <summary>A model from a parsed top-level config; registry and layer errors become file errors.</summary>
    public static Model FromFileConfig(IReadOnlyDictionary<string, object?> config, string source, bool compile)
    {
        Model model;
        try
        {
            model = ModelConfig.FromSerialized(config, "config", compile);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }

        if (model.DeclaredInputShape is null || !model.IsBuilt)
        {
            throw new InvalidDataException($"{source}: the model's input shape is not recorded (no input layer and no build_config), so its weights cannot be created.");
        }

        return model;
    }

    /// <summary>The whole file, bounded by <see cref="MaxFileBytes"/>.</summary>
    public static byte[] ReadAll(string path)
    {
        using FileStream s = KerasArchive.OpenExisting(path);
        if (s.Length > MaxFileBytes)
        {
            throw new InvalidDataException($"'{path}' is {s.Length} bytes, more than the {MaxFileBytes} this reader loads into memory.");
        }

        var data = new byte[s.Length];
        s.ReadExactly(data);
        return data;
    }

    private static Model LoadLegacy(string path, bool compile)
    {
        byte[] data = ReadAll(path);
        return LegacyH5.Load(data, $"'{path}'", compile);
    }

    private static byte[] Head(string path)
    {
        using FileStream s = KerasArchive.OpenExisting(path);
        var head = new byte[8];
        int n = s.ReadAtLeast(head, 8, throwOnEndOfStream: false);
        if (n == 0)
        {
            throw new InvalidDataException($"'{path}' is empty; expected a Keras model file (.keras zip archive or .h5 HDF5 file).");
        }

        return head[..n];
    }

    private static void RequireBuilt(Model model, string operation)
    {
        if (!model.IsBuilt || model.DeclaredInputShape is null)
        {
            throw new InvalidOperationException(
                $"{operation}: model '{model.Name}' is not built yet, so it has no weights. Give its first layer an inputShape (or start it with new Input(...)), or call it on data first.");
        }
    }

    /// <summary>Decodes an HDF5 string attribute that may be stored as text or as bytes.</summary>
    public static string Text(object value) => value switch
    {
        string s => s,
        byte[] b => Encoding.UTF8.GetString(b),
        _ => value.ToString() ?? string.Empty,
    };
}
