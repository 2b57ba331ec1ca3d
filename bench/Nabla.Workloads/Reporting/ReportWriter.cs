using System.Text.Json;

namespace Nabla.Workloads.Reporting;

/// <summary>Writes a <see cref="RunReport"/> as indented JSON (<see cref="ReportJson"/>), atomically.</summary>
internal static class ReportWriter
{
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
            JsonSerializer.Serialize(stream, report, ReportJson.Options);
        }

        File.Move(temporary, fullPath, overwrite: true);
    }
}
