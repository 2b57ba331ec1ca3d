using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nabla.Workloads.Reporting;

/// <summary>How a <see cref="RunReport"/> is laid out as JSON, for <see cref="ReportWriter"/> and <see cref="ReportReader"/> alike.</summary>
internal static class ReportJson
{
    /// <summary>camelCase names, indented, nulls left out, NaN as the string "NaN", enums by name.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,   // a file for people too: keep °, µ and ' readable
        // A figure that could not be measured is NaN; JSON has no NaN, so it is written as the string "NaN".
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
