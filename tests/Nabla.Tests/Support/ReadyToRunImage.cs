using System.Reflection;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;

namespace Nabla.Tests.Support;

/// <summary>Whether an assembly file holds ReadyToRun code, and whether a build of Nabla should give it some.</summary>
internal static class ReadyToRunImage
{
    /// <summary>
    /// True when the file's CLI header points to a managed native header: the ReadyToRun header that crossgen2
    /// writes (IL-only assemblies have none).
    /// </summary>
    public static bool Has(string path)
    {
        using FileStream stream = File.OpenRead(path);
        using var reader = new PEReader(stream);
        return reader.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 };
    }

    /// <summary>
    /// Whether the build of the loaded Nabla meant to make an image: src/Nabla/build/ReadyToRun.targets records it in
    /// the assembly's <c>Nabla.ReadyToRun</c> metadata (true in Release builds on x64 Linux, Windows and macOS,
    /// unless turned off).
    /// </summary>
    public static bool Intended =>
        typeof(Tensor).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Nabla.ReadyToRun").Value == "true";

    /// <summary>
    /// Whether a Release build on this machine makes an image: the runtime identifiers the targets compile for (a
    /// distribution's own SDK reports its own identifier, for which the IL is kept).
    /// </summary>
    public static bool ExpectedInRelease => RuntimeInformation.RuntimeIdentifier is "linux-x64" or "win-x64" or "osx-x64";
}
