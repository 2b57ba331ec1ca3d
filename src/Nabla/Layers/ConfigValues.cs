using System.Globalization;
using System.Text.Json;
using Nabla.Initializers;
using Nabla.Regularizers;
using Nabla.Saving;

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

    /// <summary>
    /// Throws unless <paramref name="key"/> is absent or holds <paramref name="supported"/>: for Keras options that
    /// Nabla's layer does not implement, so that a file using them fails to load instead of computing something else.
    /// </summary>
    public static void RequireSupported(IReadOnlyDictionary<string, object?> config, string key, string? supported, string what)
    {
        if (!config.TryGetValue(key, out object? v) || v is null || (supported is not null && v is string s && s == supported))
        {
            return;
        }

        throw new ArgumentException($"'{key}' is {v}, but {what}.");
    }

    /// <summary>A number, or <paramref name="fallback"/> when the key is absent or null.</summary>
    public static float GetFloat(IReadOnlyDictionary<string, object?> config, string key, float fallback) =>
        config.TryGetValue(key, out object? v) && v is not null ? (float)ToDouble(key, v) : fallback;

    /// <summary>A number, or null when the key is absent or null.</summary>
    public static float? GetNullableFloat(IReadOnlyDictionary<string, object?> config, string key) =>
        config.TryGetValue(key, out object? v) && v is not null ? (float)ToDouble(key, v) : null;

    /// <summary>A 64-bit integer, or <paramref name="fallback"/> when the key is absent or null.</summary>
    public static long GetLong(IReadOnlyDictionary<string, object?> config, string key, long fallback) =>
        config.TryGetValue(key, out object? v) && v is not null ? ToLong(key, v) : fallback;

    /// <summary>A list of numbers; null when the key is absent or null.</summary>
    public static IReadOnlyList<object?>? GetList(IReadOnlyDictionary<string, object?> config, string key) =>
        !config.TryGetValue(key, out object? v) || v is null ? null : v switch
        {
            IReadOnlyList<object?> list => list,
            System.Collections.IEnumerable e and not string => e.Cast<object?>().ToList(),
            _ => throw Invalid(key, v, "a list"),
        };

    /// <summary>A number kept in double precision (hyperparameters a user gave as double literals).</summary>
    public static double GetDouble(IReadOnlyDictionary<string, object?> config, string key, double fallback) =>
        config.TryGetValue(key, out object? v) && v is not null and not JsonElement { ValueKind: JsonValueKind.Null } ? ToDouble(key, v) : fallback;

    /// <summary>A number kept in double precision, or null when absent or null.</summary>
    public static double? GetNullableDouble(IReadOnlyDictionary<string, object?> config, string key) =>
        config.TryGetValue(key, out object? v) && v is not null and not JsonElement { ValueKind: JsonValueKind.Null } ? ToDouble(key, v) : null;

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
    public static Initializer? GetInitializer(IReadOnlyDictionary<string, object?> config, string key) => GetSerialized<Initializer>(config, key);

    /// <summary>A regularizer given by name or as <c>{"class_name", "config"}</c>; null when absent.</summary>
    public static Regularizer? GetRegularizer(IReadOnlyDictionary<string, object?> config, string key) => GetSerialized<Regularizer>(config, key);

    // Both forms go through the one registry, so custom initializers and regularizers load like built-in ones.
    private static T? GetSerialized<T>(IReadOnlyDictionary<string, object?> config, string key)
        where T : class
    {
        IReadOnlyDictionary<string, object?>? d = GetDictionary(config, key);
        if (d is not null)
        {
            return Serialization.Deserialize<T>(d);
        }

        return GetString(config, key, null) is string name ? Serialization.Deserialize<T>(name) : null;
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

    private static long ToLong(string key, object v) => v switch
    {
        long l => l,
        int i => i,
        double d when d == Math.Floor(d) && Math.Abs(d) < 9e15 => (long)d,
        JsonElement { ValueKind: JsonValueKind.Number } e => e.GetInt64(),
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

    private static ArgumentException Missing(string key) => new($"'{key}' is required, but the config has none.");

    private static ArgumentException Invalid(string key, object v, string expected) =>
        new($"'{key}' must be {expected}, but received {v} ({v.GetType().Name}).");
}
