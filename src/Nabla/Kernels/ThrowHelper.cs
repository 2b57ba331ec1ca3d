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

    [DoesNotReturn]
    public static void SourceTooShort(string name, long required, int actual) =>
        throw new ArgumentException($"Source span '{name}' is too short: it needs {required} elements but has {actual}.", name);

    [DoesNotReturn]
    public static void DestinationTooShort(string name, long required, int actual) =>
        throw new ArgumentException($"Destination span '{name}' is too short: it needs {required} elements but has {actual}.", name);

    [DoesNotReturn]
    public static void ArgmaxOutsideWindow(int index, int image, int row, int column, int channel) =>
        throw new ArgumentOutOfRangeException("argmax", index,
            $"Argmax index {index} of image {image}, channel {channel} lies outside that channel's pooling window at row {row}, column {column} of the pooled output.");

    [DoesNotReturn]
    public static void LeadingDimensionTooSmall(string name, int required, int actual) =>
        throw new ArgumentOutOfRangeException(name, actual, $"Leading dimension '{name}' must be at least the row length {required}, but is {actual}.");

    [DoesNotReturn]
    public static void StrideTooSmall(string name, long required, int actual) =>
        throw new ArgumentOutOfRangeException(name, actual, $"Batch stride '{name}' must be at least {required} so the matrices do not overlap, but is {actual}.");

    [DoesNotReturn]
    public static void SpansOverlap(string destination, string source) =>
        throw new ArgumentException($"Destination span '{destination}' overlaps source span '{source}'; the kernel cannot work in place.", destination);

    [DoesNotReturn]
    public static void PathNotSupported(string path) =>
        throw new PlatformNotSupportedException($"GEMM path {path} is not supported by this CPU.");
}
