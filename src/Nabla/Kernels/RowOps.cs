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
    // Runs up to this many floats (1 KB) are copied and cleared inline; longer ones go to memmove / Span.Clear.
    private const int InlineFloats = 256;

    /// <summary>dst[i] = src[i] for i in [0, n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(float* src, float* dst, nint n)
    {
        if (n > InlineFloats)
        {
            Buffer.MemoryCopy(src, dst, n * sizeof(float), n * sizeof(float));
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

    /// <summary>dst[i] = 0 for i in [0, n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Clear(float* dst, nint n)
    {
        if (n > InlineFloats)
        {
            new Span<float>(dst, checked((int)n)).Clear();
            return;
        }

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
}
