using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>The widest vector path a kernel may take; tests force the narrower ones.</summary>
internal enum SimdPath
{
    /// <summary>The widest path the CPU accelerates.</summary>
    Auto,

    /// <summary>Vector256 at most (the AVX2 path on an AVX-512 machine).</summary>
    Vector256,

    /// <summary>The scalar loops only.</summary>
    Scalar,
}

/// <summary>
/// Width selection for the custom kernels (<see cref="Unary"/>, <see cref="Binary"/>, <see cref="Clip"/>,
/// <see cref="Reduction"/>, <see cref="Softmax"/>, <see cref="Transpose"/>, <see cref="Finite"/>,
/// <see cref="Conversion"/>, <see cref="ActivationDriver"/>); GEMM has its own, <c>Gemm.ForcedPath</c>.
/// </summary>
/// <remarks>
/// The override is per thread, so a test that forces the scalar path does not change what kernels running on
/// other test threads compute. Reading it costs one thread-static load per kernel call, not per element.
/// </remarks>
internal static class Simd
{
    [ThreadStatic]
    private static SimdPath t_forced;

    /// <summary>Forces a path on the calling thread (tests); <see cref="SimdPath.Auto"/> restores the default.</summary>
    internal static SimdPath Forced
    {
        get => t_forced;
        set => t_forced = value;
    }

    /// <summary>True when kernels on this thread should take the Vector512 path.</summary>
    public static bool Use512
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.IsHardwareAccelerated && t_forced == SimdPath.Auto;
    }

    /// <summary>True when kernels on this thread may take the Vector256 path.</summary>
    public static bool Use256
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector256.IsHardwareAccelerated && t_forced != SimdPath.Scalar;
    }
}
