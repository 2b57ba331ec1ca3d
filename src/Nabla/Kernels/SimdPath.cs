using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>Which vector width the elementwise drivers use; tests force each in turn (STYLE.md R10).</summary>
internal enum SimdPath
{
    /// <summary>Vector512 for the bulk, one Vector256 step for a remainder of 8..15, then scalar (what the CPU supports).</summary>
    Auto,

    /// <summary>Vector512 then a scalar tail.</summary>
    Vector512,

    /// <summary>Vector256 then a scalar tail.</summary>
    Vector256,

    /// <summary>Scalar code only.</summary>
    Scalar,
}

/// <summary>The run-time choice between the vector paths of the elementwise and softmax kernels.</summary>
/// <remarks>
/// The forced path is per thread so that a test forcing one path cannot change what a test running in parallel
/// on another thread measures. These kernels are single-threaded, so the whole call runs on the forcing thread.
/// <c>IsHardwareAccelerated</c> is a JIT-time constant, so an unsupported width costs nothing.
/// </remarks>
internal static class Simd
{
    [ThreadStatic]
    private static SimdPath t_forced;

    /// <summary>The path forced on this thread (tests); <see cref="SimdPath.Auto"/> uses everything the CPU has.</summary>
    internal static SimdPath Forced
    {
        get => t_forced;
        set => t_forced = value;
    }

    /// <summary>True when the drivers should run their Vector512 loop.</summary>
    public static bool Use512
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.IsHardwareAccelerated && t_forced is SimdPath.Auto or SimdPath.Vector512;
    }

    /// <summary>True when the drivers should run their Vector256 loop (after the Vector512 one, for the remainder).</summary>
    public static bool Use256
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector256.IsHardwareAccelerated && t_forced is SimdPath.Auto or SimdPath.Vector256;
    }
}
