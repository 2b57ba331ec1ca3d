using Nabla.Losses;
using Nabla.Metrics;
using Nabla.Optimizers;

namespace Nabla.Saving;

/// <summary>
/// A compiled model's <c>compile_config</c> in Keras 3's schema, both ways: the optimizer, the loss (one, or one per
/// output as a list or by output name), the loss weights and the metrics (per output for a model with several).
/// </summary>
internal static class CompileConfig
{
    /// <summary>Keras's <c>compile_config</c> for a compiled model, or null.</summary>
    public static Dictionary<string, object?>? Serialize(Model model)
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

    /// <summary>Compiles <paramref name="model"/> as a file's <c>compile_config</c> says.</summary>
    public static void Apply(Model model, IReadOnlyDictionary<string, object?> config, string path)
    {
        object? opt = config.GetValueOrDefault("optimizer");
        Optimizer? optimizer = opt is null ? null : ModelConfig.Deserialize<Optimizer>(opt, $"{path}.optimizer");
        if (model.OutputCount > 1)
        {
            CompileOutputs(model, optimizer, config, path);
            return;
        }

        object? lossValue = config.GetValueOrDefault("loss");
        Loss? loss = lossValue switch
        {
            null => null,
            List<object?> { Count: 1 } single => ModelConfig.Deserialize<Loss>(single[0]!, $"{path}.loss[0]"),
            List<object?> several => throw new ArgumentException($"{path}.loss: the file compiles {several.Count} losses, one per output, but the model has one output."),
            IReadOnlyDictionary<string, object?> d when !d.ContainsKey("class_name") => d.Count == 1
                ? ModelConfig.Deserialize<Loss>(d.Values.Single() ?? throw new ArgumentException($"{path}.loss: the loss of output '{d.Keys.Single()}' is null."), $"{path}.loss.{d.Keys.Single()}")
                : throw new ArgumentException($"{path}.loss: the file compiles {d.Count} losses by output name, but the model has one output."),
            _ => ModelConfig.Deserialize<Loss>(lossValue, $"{path}.loss"),
        };
        if (config.GetValueOrDefault("loss_weights") is { } weights and not List<object?> { Count: 0 } && !IsOneUnitWeight(weights))
        {
            throw new ArgumentException($"{path}.loss_weights: a model with one output takes no loss weights, but the file sets {ModelConfig.Describe(weights)}.");
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
        Loss?[] losses = PerOutput(config.GetValueOrDefault("loss"), names, $"{path}.loss", (v, p) => ModelConfig.Deserialize<Loss>(v, p), broadcast: true);
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
                    : throw new ArgumentException($"{path}: a model with {names.Length} outputs needs one entry per output (a list or an object by output name), but the file holds {ModelConfig.Describe(value)}.");
        }
    }

    private static List<Metric> Metrics(IEnumerable<object?> values, string path)
    {
        var metrics = new List<Metric>();
        int i = 0;
        foreach (object? m in values)
        {
            metrics.Add(ModelConfig.Deserialize<Metric>(m ?? throw new ArgumentException($"{path}[{i}]: a metric cannot be null."), $"{path}[{i}]"));
            i++;
        }

        return metrics;
    }

    private static double? Number(object value, string path) => value switch
    {
        double d when double.IsFinite(d) => d,
        long l => l,
        int i => i,
        _ => throw new ArgumentException($"{path}: a loss weight must be a finite number, but the file holds {ModelConfig.Describe(value)}."),
    };

    private static bool IsOneUnitWeight(object weights) => weights is List<object?> { Count: 1 } one && one[0] is double d && d == 1.0;
}
