using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nabla.Workloads.Reporting;

/// <summary>Writes a <see cref="RunReport"/> as indented JSON, atomically.</summary>
internal static class ReportWriter
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,   // a file for people too: keep °, µ and ' readable
        // A figure that could not be measured is NaN; JSON has no NaN, so it is written as the string "NaN".
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Writes <paramref name="report"/> to <paramref name="path"/>, creating its folder.</summary>
    /// <remarks>
    /// The JSON goes to a temporary file beside the target, which is then moved over it: a reader (or a run that is
    /// interrupted) never sees a half-written file.
    /// </remarks>
    public static void Write(RunReport report, string path)
    {
        string fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        string temporary = fullPath + ".tmp";
        using (FileStream stream = File.Create(temporary))
        {
            JsonSerializer.Serialize(stream, report, Options);
        }

        File.Move(temporary, fullPath, overwrite: true);
    }
}
