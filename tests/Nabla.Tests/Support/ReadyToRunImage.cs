using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;

namespace Nabla.Tests.Support;

/// <summary>Whether an assembly file holds ReadyToRun code, and whether this build and machine should give it some.</summary>
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
    /// Whether src/Nabla/build/ReadyToRun.targets compiles an image in this kind of build: Release, on an x64 Linux,
    /// Windows or macOS machine.
    /// </summary>
    public static bool Expected =>
#if RELEASE
        RuntimeInformation.OSArchitecture == Architecture.X64 &&
        (OperatingSystem.IsLinux() || OperatingSystem.IsWindows() || OperatingSystem.IsMacOS());
#else
        false;
#endif
}
