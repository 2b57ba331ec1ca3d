using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>The vector width a kernel runs at, read from <see cref="Simd"/> on the calling thread and carried into its parallel work.</summary>
/// <remarks><see cref="Simd.Forced"/> is per thread, so a kernel that runs on the runner's workers must capture the caller's choice.</remarks>
/// <param name="Use512">Take the Vector512 path.</param>
/// <param name="Use256">Take the Vector256 path (for what the 512-bit path leaves, or alone).</param>
internal readonly record struct VectorWidth(bool Use512, bool Use256)
{
    /// <summary>The widths the calling thread may use now.</summary>
    public static VectorWidth Current => new(Simd.Use512, Simd.Use256);
}

/// <summary>Short loops over contiguous floats shared by the convolution-family kernels: copy, clear, add, multiply-add.</summary>
/// <remarks>
/// Pointer based: callers pin their spans and have checked every length. Short runs (up to 256 floats: the channels of
/// a pixel, or of a kernel row of pixels) are copied and cleared inline, where a <c>memmove</c> call would cost more
/// than the copy (im2col of a 32-channel layer spent two thirds of its time in calls); copying and clearing move bits
/// and do not depend on the vector width. Destinations may equal sources exactly but must not
/// overlap them otherwise.
/// </remarks>
internal static unsafe class RowOps
{
    // Runs up to this many floats (1 KB) are copied inline; longer ones by CopyLong.
    private const int InlineFloats = 256;

    /// <summary>dst[i] = src[i] for i in [0, n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(float* src, float* dst, nint n)
    {
        if (n > InlineFloats)
        {
            CopyLong(src, dst, n);
            return;
        }

        // Short runs (a pixel's channels, a kernel row of them) in place: a memmove call would cost more than the copy.
        nint i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 16; i += 16)
                Vector512.Load(src + i).Store(dst + i);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
                Vector256.Load(src + i).Store(dst + i);
        }

        for (; i < n; i++)
            dst[i] = src[i];
    }

    /// <summary>dst[i] = 0 for i in [0, n), runs of any length inline (not the framework's precompiled clear).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Clear(float* dst, nint n)
    {
        nint i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 16; i += 16)
                Vector512<float>.Zero.Store(dst + i);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
                Vector256<float>.Zero.Store(dst + i);
        }

        for (; i < n; i++)
            dst[i] = 0f;
    }

    /// <summary><see cref="Copy"/> of a long run: four vectors a step.</summary>
    /// <remarks>
    /// Not <c>memmove</c>: with tiered compilation off (build/Nabla.targets) the runtime runs the framework's
    /// precompiled memmove as it is, which took about 1% of a batch-1 W5 prediction (the window kernel's strips).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void CopyLong(float* src, float* dst, nint n)
    {
        nint i = 0;
        if (Vector512.IsHardwareAccelerated)
            i = CopyFourVectorSteps<Lanes512>(src, dst, i, n);

        if (Vector256.IsHardwareAccelerated)
        {
            i = CopyFourVectorSteps<Lanes256>(src, dst, i, n);
            for (; i <= n - 8; i += 8)
                Vector256.Load(src + i).Store(dst + i);
        }

        for (; i < n; i++)
            dst[i] = src[i];
    }

    // Copies from i on in steps of four T vectors, all four loaded before any is stored; returns where it stopped.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nint CopyFourVectorSteps<T>(float* src, float* dst, nint i, nint n)
        where T : struct, ILanes<T>
    {
        nint w = T.Count;
        ref float s = ref *src, d = ref *dst;
        for (; i <= n - (4 * w); i += 4 * w)
        {
            T a = T.Load(ref s, (nuint)i), b = T.Load(ref s, (nuint)(i + w));
            T c = T.Load(ref s, (nuint)(i + (2 * w))), e = T.Load(ref s, (nuint)(i + (3 * w)));
            T.Store(a, ref d, (nuint)i);
            T.Store(b, ref d, (nuint)(i + w));
            T.Store(c, ref d, (nuint)(i + (2 * w)));
            T.Store(e, ref d, (nuint)(i + (3 * w)));
        }

        return i;
    }

    /// <summary>dst[i] += src[i] for i in [0, n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add(float* dst, float* src, nint n, VectorWidth width)
    {
        nint i = 0;
        if (width.Use512)
        {
            for (; i <= n - 16; i += 16)
                (Vector512.Load(dst + i) + Vector512.Load(src + i)).Store(dst + i);
        }

        if (width.Use256)
        {
            for (; i <= n - 8; i += 8)
                (Vector256.Load(dst + i) + Vector256.Load(src + i)).Store(dst + i);
        }

        for (; i < n; i++)
            dst[i] += src[i];
    }

    /// <summary>dst[i] += a[i]·b[i] for i in [0, n) (a multiply then an add, no fused rounding).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddProduct(float* dst, float* a, float* b, nint n, VectorWidth width)
    {
        nint i = 0;
        if (width.Use512)
        {
            for (; i <= n - 16; i += 16)
                (Vector512.Load(dst + i) + (Vector512.Load(a + i) * Vector512.Load(b + i))).Store(dst + i);
        }

        if (width.Use256)
        {
            for (; i <= n - 8; i += 8)
                (Vector256.Load(dst + i) + (Vector256.Load(a + i) * Vector256.Load(b + i))).Store(dst + i);
        }

        for (; i < n; i++)
            dst[i] += a[i] * b[i];
    }

    /// <summary>dst[i] += s·b[i] for i in [0, n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddScaled(float* dst, float s, float* b, nint n, VectorWidth width)
    {
        nint i = 0;
        if (width.Use512)
        {
            Vector512<float> vs = Vector512.Create(s);
            for (; i <= n - 16; i += 16)
                (Vector512.Load(dst + i) + (vs * Vector512.Load(b + i))).Store(dst + i);
        }

        if (width.Use256)
        {
            Vector256<float> vs = Vector256.Create(s);
            for (; i <= n - 8; i += 8)
                (Vector256.Load(dst + i) + (vs * Vector256.Load(b + i))).Store(dst + i);
        }

        for (; i < n; i++)
            dst[i] += s * b[i];
    }

    /// <summary>dst[i] *= s for i in [0, n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scale(float* dst, float s, nint n, VectorWidth width)
    {
        nint i = 0;
        if (width.Use512)
        {
            Vector512<float> vs = Vector512.Create(s);
            for (; i <= n - 16; i += 16)
                (Vector512.Load(dst + i) * vs).Store(dst + i);
        }

        if (width.Use256)
        {
            Vector256<float> vs = Vector256.Create(s);
            for (; i <= n - 8; i += 8)
                (Vector256.Load(dst + i) * vs).Store(dst + i);
        }

        for (; i < n; i++)
            dst[i] *= s;
    }

    /// <summary>Σ a[i]·b[i] over [0, n), accumulated in float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(float* a, float* b, nint n, VectorWidth width)
    {
        nint i = 0;
        float sum = 0f;
        if (width.Use512 && n >= 16)
        {
            Vector512<float> acc = Vector512<float>.Zero;
            for (; i <= n - 16; i += 16)
                acc += Vector512.Load(a + i) * Vector512.Load(b + i);
            sum += Vector512.Sum(acc);
        }

        if (width.Use256 && n - i >= 8)
        {
            Vector256<float> acc = Vector256<float>.Zero;
            for (; i <= n - 8; i += 8)
                acc += Vector256.Load(a + i) * Vector256.Load(b + i);
            sum += Vector256.Sum(acc);
        }

        for (; i < n; i++)
            sum += a[i] * b[i];
        return sum;
    }

    /// <summary>Whether a[i] and b[i] have the same bits for every i in [0, n) (NaNs and −0 compared as bits).</summary>
    /// <remarks>
    /// The check of a cached packing against the weights (<see cref="PackedKernelCache"/>) on every call. Here rather
    /// than <c>SequenceEqual</c>: with tiered compilation off (build/Nabla.targets) the runtime runs the framework's
    /// precompiled code for that as it is, which took about 4% of a batch-1 W5 prediction. With this loop and
    /// <see cref="CopyLong"/>, that prediction's median went from 70.5 to 67.9 µs (tiered: 65.6).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool SameBits(float* a, float* b, nint n, VectorWidth width)
    {
        int* x = (int*)a, y = (int*)b;
        nint i = 0;
        if (width.Use512)
        {
            for (; i <= n - 64; i += 64)
            {
                Vector512<int> d = (Vector512.Load(x + i) ^ Vector512.Load(y + i)) | (Vector512.Load(x + i + 16) ^ Vector512.Load(y + i + 16))
                    | (Vector512.Load(x + i + 32) ^ Vector512.Load(y + i + 32)) | (Vector512.Load(x + i + 48) ^ Vector512.Load(y + i + 48));
                if (d != Vector512<int>.Zero)
                    return false;
            }
        }

        if (width.Use256)
        {
            for (; i <= n - 32; i += 32)
            {
                Vector256<int> d = (Vector256.Load(x + i) ^ Vector256.Load(y + i)) | (Vector256.Load(x + i + 8) ^ Vector256.Load(y + i + 8))
                    | (Vector256.Load(x + i + 16) ^ Vector256.Load(y + i + 16)) | (Vector256.Load(x + i + 24) ^ Vector256.Load(y + i + 24));
                if (d != Vector256<int>.Zero)
                    return false;
            }
        }

        for (; i < n; i++)
        {
            if (x[i] != y[i])
                return false;
        }

        return true;
    }
}
