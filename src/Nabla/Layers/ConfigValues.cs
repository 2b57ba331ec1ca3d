using System.Globalization;
using System.Text.Json;
using Nabla.Initializers;
using Nabla.Regularizers;

namespace Nabla.Layers;

/// <summary>
/// Reads and writes the values of Keras-style configs (<c>GetConfig</c> dictionaries). Values may be .NET
/// primitives, arrays, nested dictionaries, or <see cref="JsonElement"/>s when a config comes from JSON.
/// </summary>
internal static class ConfigValues
{
    /// <summary>Keras's serialized-object form: <c>{"class_name": …, "config": {…}}</c>.</summary>
    public static Dictionary<string, object?> Describe(string className, IReadOnlyDictionary<string, object?> config) =>
        new() { ["class_name"] = className, ["config"] = config };

    public static int GetInt(IReadOnlyDictionary<string, object?> config, string key) =>
        GetNullableInt(config, key) ?? throw Missing(key);

    public static int? GetNullableInt(IReadOnlyDictionary<string, object?> config, string key) =>
        config.TryGetValue(key, out object? v) && v is not null ? ToInt(key, v) : null;

    public static float GetFloat(IReadOnlyDictionary<string, object?> config, string key) =>
        config.TryGetValue(key, out object? v) && v is not null ? (float)ToDouble(key, v) : throw Missing(key);

    public static double GetDouble(IReadOnlyDictionary<string, object?> config, string key, double fallback) =>
        config.TryGetValue(key, out object? v) && v is not null ? ToDouble(key, v) : fallback;

    public static bool GetBool(IReadOnlyDictionary<string, object?> config, string key, bool fallback) =>
        !config.TryGetValue(key, out object? v) || v is null ? fallback : v switch
        {
            bool b => b,
            JsonElement { ValueKind: JsonValueKind.True } => true,
            JsonElement { ValueKind: JsonValueKind.False } => false,
            _ => throw Invalid(key, v, "a boolean"),
        };

    public static string? GetString(IReadOnlyDictionary<string, object?> config, string key, string? fallback) =>
        !config.TryGetValue(key, out object? v) || v is null ? fallback : v switch
        {
            string s => s,
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
            JsonElement { ValueKind: JsonValueKind.Null } => fallback,
            _ => throw Invalid(key, v, "a string"),
        };

    public static int[]? GetIntArray(IReadOnlyDictionary<string, object?> config, string key)
    {
        if (!config.TryGetValue(key, out object? v) || v is null)
        {
            return null;
        }

        return v switch
        {
            int[] a => (int[])a.Clone(),
            JsonElement { ValueKind: JsonValueKind.Array } e => e.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Null ? -1 : x.GetInt32()).ToArray(),
            JsonElement { ValueKind: JsonValueKind.Null } => null,
            System.Collections.IEnumerable list => list.Cast<object?>().Select(x => x is null ? -1 : ToInt(key, x)).ToArray(),
            _ => throw Invalid(key, v, "a list of integers"),
        };
    }

    /// <summary>A nested config dictionary, as <c>{"class_name", "config"}</c> objects hold.</summary>
    public static IReadOnlyDictionary<string, object?>? GetDictionary(IReadOnlyDictionary<string, object?> config, string key)
    {
        if (!config.TryGetValue(key, out object? v) || v is null)
        {
            return null;
        }

        return v switch
        {
            IReadOnlyDictionary<string, object?> d => d,
            JsonElement { ValueKind: JsonValueKind.Object } e => e.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value),
            JsonElement { ValueKind: JsonValueKind.Null } => null,
            _ => throw Invalid(key, v, "an object"),
        };
    }

    /// <summary>An initializer given by name or as <c>{"class_name", "config"}</c>; null when absent.</summary>
    public static Initializer? GetInitializer(IReadOnlyDictionary<string, object?> config, string key) =>
        GetSerialized(config, key, Initializer.Get, Initializer.FromConfig);

    /// <summary>A regularizer given by name or as <c>{"class_name", "config"}</c>; null when absent.</summary>
    public static Regularizer? GetRegularizer(IReadOnlyDictionary<string, object?> config, string key)
    {
        IReadOnlyDictionary<string, object?>? d = GetDictionary(config, key);
        if (d is null)
        {
            return GetString(config, key, null) is string name ? Regularizer.Get(name) : null;
        }

        string className = GetString(d, "class_name", null) ?? throw Missing($"{key}.class_name");
        IReadOnlyDictionary<string, object?> inner = GetDictionary(d, "config") ?? new Dictionary<string, object?>();
        float Strength(string k) => inner.ContainsKey(k) ? GetFloat(inner, k) : 0f;
        return className switch
        {
            "L1" => new L1(Strength("l1")),
            "L2" => new L2(Strength("l2")),
            "L1L2" => new L1L2(Strength("l1"), Strength("l2")),
            _ => throw new ArgumentException($"Unknown regularizer class '{className}' in config key '{key}'. Known: L1, L1L2, L2."),
        };
    }

    private static T? GetSerialized<T>(IReadOnlyDictionary<string, object?> config, string key, Func<string, T> byName,
        Func<string, IReadOnlyDictionary<string, object?>, T> fromConfig)
        where T : class
    {
        IReadOnlyDictionary<string, object?>? d = GetDictionary(config, key);
        if (d is null)
        {
            return GetString(config, key, null) is string name ? byName(name) : null;
        }

        string className = GetString(d, "class_name", null) ?? throw Missing($"{key}.class_name");
        return fromConfig(className, GetDictionary(d, "config") ?? new Dictionary<string, object?>());
    }

    private static int ToInt(string key, object v) => v switch
    {
        int i => i,
        long l => checked((int)l),
        double d when d == Math.Floor(d) => checked((int)d),
        float f when f == MathF.Floor(f) => checked((int)f),
        JsonElement { ValueKind: JsonValueKind.Number } e => e.GetInt32(),
        string s when int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int p) => p,
        _ => throw Invalid(key, v, "an integer"),
    };

    private static double ToDouble(string key, object v) => v switch
    {
        double d => d,
        float f => f,
        int i => i,
        long l => l,
        JsonElement { ValueKind: JsonValueKind.Number } e => e.GetDouble(),
        _ => throw Invalid(key, v, "a number"),
    };

    private static ArgumentException Missing(string key) => new($"The config has no '{key}', which this layer needs.");

    private static ArgumentException Invalid(string key, object v, string expected) =>
        new($"Config key '{key}' should hold {expected}, but holds {v} ({v.GetType().Name}).");
}
