using Nabla.Kernels;

namespace Nabla.Tests.Support;

/// <summary>Forces a SIMD path on this thread for the scope of a using block (STYLE.md R10).</summary>
internal readonly struct ForcedPath : IDisposable
{
    /// <summary>Every path by name (theory data cannot carry the internal enum).</summary>
    public static readonly string[] Names = Enum.GetNames<SimdPath>();

    private readonly SimdPath _previous;

    public ForcedPath(string path)
        : this(Enum.Parse<SimdPath>(path))
    {
    }

    public ForcedPath(SimdPath path)
    {
        _previous = Simd.Forced;
        Simd.Forced = path;
    }

    public void Dispose() => Simd.Forced = _previous;
}
