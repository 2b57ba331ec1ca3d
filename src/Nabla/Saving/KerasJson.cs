using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Nabla.Saving;

/// <summary>
/// JSON for Keras's files, with System.Text.Json: parsing gives plain values (dictionaries, <see cref="List{T}"/>s,
/// <see cref="long"/>, <see cref="double"/>, <see cref="string"/>, <see cref="bool"/>, null) that configs are read
/// from; writing accepts the same plus arrays and the numeric types configs hold.
/// </summary>
internal static class KerasJson
{
    private static readonly JsonDocumentOptions s_read = new() { MaxDepth = 64, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>Parses <paramref name="json"/>; a syntax error names <paramref name="source"/> and the position.</summary>
    /// <exception cref="InvalidDataException">The text is not valid JSON.</exception>
    public static object? Parse(ReadOnlyMemory<byte> json, string source)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(json, s_read);
            return Convert(doc.RootElement);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source} is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>Parses a JSON object.</summary>
    /// <exception cref="InvalidDataException">The text is not valid JSON, or not an object.</exception>
    public static Dictionary<string, object?> ParseObject(ReadOnlyMemory<byte> json, string source) =>
        Parse(json, source) as Dictionary<string, object?> ?? throw new InvalidDataException($"{source} must hold a JSON object, but holds another kind of value.");

    /// <summary>Writes <paramref name="value"/> as compact UTF-8 JSON.</summary>
    /// <exception cref="ArgumentException">A value cannot be written (a non-finite number, an unknown type).</exception>
    public static byte[] Write(object? value, bool indented = false)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented, SkipValidation = false }))
        {
            WriteValue(writer, value, "$");
        }

        return stream.ToArray();
    }

    /// <summary>Writes <paramref name="value"/> as a JSON string.</summary>
    public static string WriteString(object? value, bool indented = false) => Encoding.UTF8.GetString(Write(value, indented));

    private static object? Convert(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => ConvertObject(e),
        JsonValueKind.Array => e.EnumerateArray().Select(Convert).ToList(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.TryGetInt64(out long l) ? (object)l : e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static Dictionary<string, object?> ConvertObject(JsonElement e)
    {
        var d = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (JsonProperty p in e.EnumerateObject())
        {
            d[p.Name] = Convert(p.Value);   // a repeated key keeps the last value, as Python's json does
        }

        return d;
    }

    private static void WriteValue(Utf8JsonWriter w, object? value, string path)
    {
        switch (value)
        {
            case null:
                w.WriteNullValue();
                break;
            case string s:
                w.WriteStringValue(s);
                break;
            case bool b:
                w.WriteBooleanValue(b);
                break;
            case int i:
                w.WriteNumberValue(i);
                break;
            case long l:
                w.WriteNumberValue(l);
                break;
            case float f:
                // The shortest text that reads back as the same float ("0.9", not "0.8999999761581421").
                w.WriteRawValue(Finite(f, path).ToString("R", CultureInfo.InvariantCulture));
                break;
            case double d:
                w.WriteNumberValue(Finite(d, path));
                break;
            case IReadOnlyDictionary<string, object?> dict:
                w.WriteStartObject();
                foreach ((string key, object? v) in dict)
                {
                    w.WritePropertyName(key);
                    WriteValue(w, v, $"{path}.{key}");
                }

                w.WriteEndObject();
                break;
            case IEnumerable list:
                w.WriteStartArray();
                int n = 0;
                foreach (object? item in list)
                {
                    WriteValue(w, item, $"{path}[{n++}]");
                }

                w.WriteEndArray();
                break;
            default:
                throw new ArgumentException($"{path}: a {value.GetType().Name} cannot be written to a Keras config; configs hold numbers, strings, booleans, lists and objects.");
        }
    }

    private static double Finite(double v, string path) => double.IsFinite(v)
        ? v
        : throw new ArgumentException($"{path}: {v} cannot be written to a Keras config (JSON has no NaN or infinity).");

    private static float Finite(float v, string path) => float.IsFinite(v)
        ? v
        : throw new ArgumentException($"{path}: {v} cannot be written to a Keras config (JSON has no NaN or infinity).");
}
