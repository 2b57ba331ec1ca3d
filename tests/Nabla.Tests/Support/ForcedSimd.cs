using Nabla.Kernels;

namespace Nabla.Tests.Support;

/// <summary>Forces a kernel vector path on the current thread until disposed (R10: every path gets tested).</summary>
internal sealed class ForcedSimd : IDisposable
{
    private readonly SimdPath _previous;

    /// <param name="path">A <see cref="SimdPath"/> name (test data passes names: the enum is internal).</param>
    public ForcedSimd(string path)
    {
        _previous = Simd.Forced;
        Simd.Forced = Enum.Parse<SimdPath>(path);
    }

    public static string[] All => [nameof(SimdPath.Auto), nameof(SimdPath.Vector256), nameof(SimdPath.Scalar)];

    /// <summary>Every path crossed with lengths 0..3×16+1 and a few large ones.</summary>
    public static TheoryData<string, int> PathsAndLengths()
    {
        var data = new TheoryData<string, int>();
        foreach (string p in All)
        {
            for (int n = 0; n <= (3 * 16) + 1; n++)
            {
                data.Add(p, n);
            }

            data.Add(p, 257);
            data.Add(p, 1000);
        }

        return data;
    }

    public void Dispose() => Simd.Forced = _previous;
}
