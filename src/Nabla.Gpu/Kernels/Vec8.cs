using ILGPU;

namespace Nabla.Gpu.Kernels;

/// <summary>
/// Eight floats as one value, so that a GEMM thread's 8×8 accumulator tile lives in registers: ILGPU keeps struct fields
/// in registers, whereas a local array with run-time indices would go to local memory.
/// </summary>
internal struct Vec8
{
#pragma warning disable SA1600 // eight lanes
    public float V0, V1, V2, V3, V4, V5, V6, V7;
#pragma warning restore SA1600

    /// <summary>Lanes view[start + l·stride] for l in 0..7.</summary>
    public static Vec8 Load(ArrayView<float> view, int start, int stride) => new()
    {
        V0 = view[start],
        V1 = view[start + stride],
        V2 = view[start + (2 * stride)],
        V3 = view[start + (3 * stride)],
        V4 = view[start + (4 * stride)],
        V5 = view[start + (5 * stride)],
        V6 = view[start + (6 * stride)],
        V7 = view[start + (7 * stride)],
    };

    /// <summary>this + a·b, lane by lane.</summary>
    public readonly Vec8 MultiplyAdd(float a, Vec8 b) => new()
    {
        V0 = V0 + (a * b.V0),
        V1 = V1 + (a * b.V1),
        V2 = V2 + (a * b.V2),
        V3 = V3 + (a * b.V3),
        V4 = V4 + (a * b.V4),
        V5 = V5 + (a * b.V5),
        V6 = V6 + (a * b.V6),
        V7 = V7 + (a * b.V7),
    };

    /// <summary>Lane <paramref name="l"/> (0..7).</summary>
    public readonly float Get(int l) => l switch
    {
        0 => V0,
        1 => V1,
        2 => V2,
        3 => V3,
        4 => V4,
        5 => V5,
        6 => V6,
        _ => V7,
    };
}
