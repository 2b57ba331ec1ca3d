using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>
/// A bundle of float lanes with the arithmetic a fused update kernel needs, so that one generic kernel body
/// serves AVX-512 (<see cref="Lanes512"/>), AVX2 (<see cref="Lanes256"/>) and the scalar tail
/// (<see cref="Lane1"/>).
/// </summary>
/// <remarks>
/// The JIT specialises a generic method for each struct argument and promotes these single-field wrappers to
/// registers, so <c>Body&lt;Lanes512&gt;</c> compiles to the same code as a hand-written Vector512 loop. Every
/// operation is the IEEE-exact per-element one (no fused multiply-add), so all three widths give bit-identical
/// results. NaN propagates as in the scalar forms.
/// </remarks>
internal interface ILanes<TSelf>
    where TSelf : struct, ILanes<TSelf>
{
    /// <summary>Number of floats in one bundle.</summary>
    static abstract int Count { get; }

    /// <summary>Whether the hardware executes this width natively (always true for the scalar lane).</summary>
    static abstract bool IsSupported { get; }

    static abstract TSelf Load(ref float source, nuint index);

    static abstract void Store(TSelf value, ref float destination, nuint index);

    static abstract TSelf Splat(float value);

    static abstract TSelf Sqrt(TSelf x);

    static abstract TSelf Max(TSelf x, TSelf y);

    /// <summary>
    /// Replaces subnormal values (magnitude below the smallest normal float, 1.17549435e-38) with zero and keeps
    /// everything else, NaN included: what a CPU in flush-to-zero mode does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TSelf FlushSubnormal(TSelf x) => TSelf.FlushBelow(x, TSelf.Splat(Lanes.SmallestNormal));

    /// <summary>
    /// Zero where |x| is below <paramref name="threshold"/>, x elsewhere (NaN included): <see cref="FlushSubnormal"/>
    /// with a higher floor, for a stored value whose product with a known factor must never be subnormal.
    /// </summary>
    static abstract TSelf FlushBelow(TSelf x, TSelf threshold);

    /// <summary>x · y + z, fused into one instruction where the hardware has FMA (one rounding), else multiplied then added.</summary>
    static abstract TSelf MultiplyAdd(TSelf x, TSelf y, TSelf z);

    /// <summary>An activation's derivative step g·f'(v) (<see cref="IActivationGradientOp"/>) at this width.</summary>
    static abstract TSelf Gradient<TOp>(in TOp op, TSelf g, TSelf v)
        where TOp : struct, IActivationGradientOp;

    static abstract TSelf operator +(TSelf x, TSelf y);

    static abstract TSelf operator -(TSelf x, TSelf y);

    static abstract TSelf operator *(TSelf x, TSelf y);

    static abstract TSelf operator /(TSelf x, TSelf y);
}

/// <summary>Constants shared by the lane types.</summary>
internal static class Lanes
{
    /// <summary>The smallest positive normal float, 2^-126; below it floats are subnormal.</summary>
    public const float SmallestNormal = 1.17549435e-38f;
}

/// <summary>Sixteen lanes in a <see cref="Vector512{T}"/>.</summary>
internal readonly struct Lanes512 : ILanes<Lanes512>
{
    private readonly Vector512<float> _v;

    private Lanes512(Vector512<float> v) => _v = v;

    public static int Count => Vector512<float>.Count;

    public static bool IsSupported => Vector512.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Load(ref float source, nuint index) => new(Vector512.LoadUnsafe(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes512 value, ref float destination, nuint index) => value._v.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Splat(float value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Sqrt(Lanes512 x) => new(Vector512.Sqrt(x._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Max(Lanes512 x, Lanes512 y) => new(Vector512.Max(x._v, y._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 FlushBelow(Lanes512 x, Lanes512 threshold) =>
        new(Vector512.ConditionalSelect(Vector512.LessThan(Vector512.Abs(x._v), threshold._v), Vector512<float>.Zero, x._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 MultiplyAdd(Lanes512 x, Lanes512 y, Lanes512 z) => new(Vector512.MultiplyAddEstimate(x._v, y._v, z._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Gradient<TOp>(in TOp op, Lanes512 g, Lanes512 v)
        where TOp : struct, IActivationGradientOp => new(op.Invoke(g._v, v._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 operator +(Lanes512 x, Lanes512 y) => new(x._v + y._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 operator -(Lanes512 x, Lanes512 y) => new(x._v - y._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 operator *(Lanes512 x, Lanes512 y) => new(x._v * y._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 operator /(Lanes512 x, Lanes512 y) => new(x._v / y._v);
}

/// <summary>Eight lanes in a <see cref="Vector256{T}"/>.</summary>
internal readonly struct Lanes256 : ILanes<Lanes256>
{
    private readonly Vector256<float> _v;

    private Lanes256(Vector256<float> v) => _v = v;

    public static int Count => Vector256<float>.Count;

    public static bool IsSupported => Vector256.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Load(ref float source, nuint index) => new(Vector256.LoadUnsafe(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes256 value, ref float destination, nuint index) => value._v.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Splat(float value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Sqrt(Lanes256 x) => new(Vector256.Sqrt(x._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Max(Lanes256 x, Lanes256 y) => new(Vector256.Max(x._v, y._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 FlushBelow(Lanes256 x, Lanes256 threshold) =>
        new(Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Abs(x._v), threshold._v), Vector256<float>.Zero, x._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 MultiplyAdd(Lanes256 x, Lanes256 y, Lanes256 z) => new(Vector256.MultiplyAddEstimate(x._v, y._v, z._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Gradient<TOp>(in TOp op, Lanes256 g, Lanes256 v)
        where TOp : struct, IActivationGradientOp => new(op.Invoke(g._v, v._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator +(Lanes256 x, Lanes256 y) => new(x._v + y._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator -(Lanes256 x, Lanes256 y) => new(x._v - y._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator *(Lanes256 x, Lanes256 y) => new(x._v * y._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator /(Lanes256 x, Lanes256 y) => new(x._v / y._v);
}

/// <summary>One lane: the scalar tail of every kernel, and the whole kernel on hardware without SIMD.</summary>
internal readonly struct Lane1 : ILanes<Lane1>
{
    private readonly float _v;

    private Lane1(float v) => _v = v;

    public static int Count => 1;

    public static bool IsSupported => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 Load(ref float source, nuint index) => new(Unsafe.Add(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lane1 value, ref float destination, nuint index) => Unsafe.Add(ref destination, index) = value._v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 Splat(float value) => new(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 Sqrt(Lane1 x) => new(MathF.Sqrt(x._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 Max(Lane1 x, Lane1 y) => new(MathF.Max(x._v, y._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 FlushBelow(Lane1 x, Lane1 threshold) => new(MathF.Abs(x._v) < threshold._v ? 0f : x._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 MultiplyAdd(Lane1 x, Lane1 y, Lane1 z) => new(float.MultiplyAddEstimate(x._v, y._v, z._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 Gradient<TOp>(in TOp op, Lane1 g, Lane1 v)
        where TOp : struct, IActivationGradientOp => new(op.Invoke(g._v, v._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 operator +(Lane1 x, Lane1 y) => new(x._v + y._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 operator -(Lane1 x, Lane1 y) => new(x._v - y._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 operator *(Lane1 x, Lane1 y) => new(x._v * y._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 operator /(Lane1 x, Lane1 y) => new(x._v / y._v);
}
