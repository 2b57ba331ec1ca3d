using System.Diagnostics.CodeAnalysis;

namespace Nabla.Kernels;

/// <summary>Throw sites for kernel argument checks, kept out of line so the hot paths stay small.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void DestinationTooShort(string name, int required, int actual) =>
        throw new ArgumentException($"Destination span '{name}' is too short: it needs {required} elements but has {actual}.", name);

    [DoesNotReturn]
    public static void SourceTooShort(string name, int required, int actual) =>
        throw new ArgumentException($"Source span '{name}' is too short: it needs {required} elements but has {actual}.", name);

    [DoesNotReturn]
    public static void LengthMismatch(string nameA, int lengthA, string nameB, int lengthB) =>
        throw new ArgumentException($"Spans '{nameA}' ({lengthA} elements) and '{nameB}' ({lengthB} elements) must have the same length.");
}
