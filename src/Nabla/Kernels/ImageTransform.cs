using System.Runtime.CompilerServices;
using Nabla.Kernels.Parallel;

namespace Nabla.Kernels;

/// <summary>
/// Affine transforms and flips of batches of channels-last images [batch, height, width, channels], each image with
/// its own transform: the sampling behind Keras's augmentation layers (<c>RandomTranslation</c>, <c>RandomRotation</c>,
/// <c>RandomZoom</c>, <c>RandomFlip</c>), and the adjoint of that sampling for gradients.
/// </summary>
/// <remarks>
/// <para>
/// A transform is six floats <c>a0 a1 a2 b0 b1 b2</c> mapping each <em>output</em> pixel to the input point it
/// samples: output pixel (row r, column q) reads the input at column <c>a0·q + a1·r + a2</c> and row
/// <c>b0·q + b1·r + b2</c>, pixel centres at integer coordinates. This is the first six entries of Keras's
/// <c>affine_transform</c> matrices (the projective pair <c>c0 c1</c> is zero for every layer here).
/// </para>
/// <para>
/// Edges follow Keras's NumPy and JAX backends: the input is extended over the whole integer pixel grid by the fill
/// mode (<see cref="ImageFillMode"/>), then sampled there, so a bilinear sample half a pixel outside a constant-filled
/// image blends the edge pixel with the fill value, and a reflected one blends mirrored pixels. Where TensorFlow's
/// kernel differs (its wrap mode clamps coordinates between the last and first pixel instead of blending them) this
/// kernel keeps the documented <c>a b c d | a b c d</c>. A sample on a pixel centre returns that pixel (or the fill)
/// alone, so the identity transform and whole-pixel shifts return input values bit for bit; a tap of weight zero
/// beyond the edge is never read. Coordinates are clamped to ±2^24 before they become indices; a NaN coordinate
/// counts as far outside.
/// </para>
/// <para>
/// Work is split over <see cref="ParallelRunner"/>: the forward transform by runs of output rows (of any image), the
/// adjoint by whole images (it scatters, and only one thread may write an image's gradient). Each output element
/// costs an address computation that does not vectorise over the 1 or 3 channels of typical images, so the loops are
/// scalar, with the common case (all four taps inside the image) on a branch of its own. Nothing is allocated.
/// </para>
/// </remarks>
internal static unsafe class ImageTransform
{
    /// <summary>Floats per transform: <c>a0 a1 a2 b0 b1 b2</c>.</summary>
    public const int TransformLength = 6;

    // Coordinates are clamped to this before becoming indices, which keeps them, and 2·length, in int range.
    private const float CoordinateLimit = 1 << 24;

    /// <summary>Output elements a thread takes at least before the work is split (tests set 1 to split tiny images).</summary>
    internal static int MinOutputsPerThread { get; set; } = 16 * 1024;

    /// <summary>
    /// y[n] = x[n] sampled through transform n (see the class remarks) with <paramref name="interpolation"/> and
    /// <paramref name="fillMode"/>, for every image n. x and y have the same shape; y must not overlap x.
    /// </summary>
    /// <param name="x">The input images, [batch, height, width, channels] row-major.</param>
    /// <param name="transforms">Six floats per image, <see cref="TransformLength"/>·batch in all.</param>
    /// <param name="y">The output images, the shape of <paramref name="x"/>.</param>
    /// <param name="batch">The number of images.</param>
    /// <param name="height">Rows per image.</param>
    /// <param name="width">Columns per image.</param>
    /// <param name="channels">Floats per pixel.</param>
    /// <param name="interpolation">Nearest pixel or bilinear.</param>
    /// <param name="fillMode">How the input extends beyond its edges.</param>
    /// <param name="fillValue">The value outside the input when <paramref name="fillMode"/> is constant.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative, or an enum value is unknown.</exception>
    /// <exception cref="ArgumentException">A span is too short, or y overlaps x.</exception>
    public static void Affine(ReadOnlySpan<float> x, ReadOnlySpan<float> transforms, Span<float> y,
        int batch, int height, int width, int channels, ImageInterpolation interpolation, ImageFillMode fillMode, float fillValue)
    {
        int size = Check(x, "x", transforms, y, "y", batch, height, width, channels, interpolation, fillMode);
        if (size == 0)
        {
            return;
        }

        long rows = (long)batch * height;
        int parts = (int)Math.Clamp(size / Math.Max(1, MinOutputsPerThread), 1, Math.Min(ParallelRunner.MaxParallelism, rows));
        fixed (float* px = x, pt = transforms, py = y)
        {
            var job = new AffineJob
            {
                Geometry = new Geometry(px, pt, py, height, width, channels, interpolation, fillMode, fillValue),
                Rows = rows,
                Parts = parts,
            };
            ParallelRunner.For(parts, ref job);
        }
    }

    /// <summary>
    /// The adjoint of <see cref="Affine"/> with the same transforms and modes: dx = Aᵀ·dy, where y = A·x (+ the
    /// constant fill, which depends on no input). Each output pixel's gradient goes back to the input pixels it was
    /// sampled from, with the same weights; what a constant fill produced goes nowhere. dx is overwritten.
    /// </summary>
    /// <param name="dy">The gradient of the output images, [batch, height, width, channels].</param>
    /// <param name="transforms">The transforms of the forward call.</param>
    /// <param name="dx">The gradient of the input images, the same shape; must not overlap <paramref name="dy"/>.</param>
    /// <param name="batch">The number of images.</param>
    /// <param name="height">Rows per image.</param>
    /// <param name="width">Columns per image.</param>
    /// <param name="channels">Floats per pixel.</param>
    /// <param name="interpolation">The forward call's interpolation.</param>
    /// <param name="fillMode">The forward call's fill mode.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative, or an enum value is unknown.</exception>
    /// <exception cref="ArgumentException">A span is too short, or dx overlaps dy.</exception>
    public static void AffineBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> transforms, Span<float> dx,
        int batch, int height, int width, int channels, ImageInterpolation interpolation, ImageFillMode fillMode)
    {
        int size = Check(dy, "dy", transforms, dx, "dx", batch, height, width, channels, interpolation, fillMode);
        if (size == 0)
        {
            return;
        }

        int parts = (int)Math.Clamp(size / Math.Max(1, MinOutputsPerThread), 1, Math.Min(ParallelRunner.MaxParallelism, batch));
        fixed (float* pdy = dy, pt = transforms, pdx = dx)
        {
            var job = new AdjointJob
            {
                Geometry = new Geometry(pdx, pt, pdy, height, width, channels, interpolation, fillMode, 0f),
                Batch = batch,
                Parts = parts,
            };
            ParallelRunner.For(parts, ref job);
        }
    }

    /// <summary>
    /// y[n] = x[n] mirrored left-right when bit 0 of <paramref name="flips"/>[n] is set and top-bottom when bit 1 is
    /// (both: turned by 180°; 0: copied). Exact: a permutation of the input. y must not overlap x. Being a product of
    /// reflections, the flip is its own adjoint, so the same call maps an output gradient to the input gradient.
    /// </summary>
    /// <param name="x">The input images, [batch, height, width, channels] row-major.</param>
    /// <param name="flips">One code per image, 0 to 3.</param>
    /// <param name="y">The output images, the shape of <paramref name="x"/>.</param>
    /// <param name="batch">The number of images.</param>
    /// <param name="height">Rows per image.</param>
    /// <param name="width">Columns per image.</param>
    /// <param name="channels">Floats per pixel.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative, or a code is outside 0..3.</exception>
    /// <exception cref="ArgumentException">A span is too short, or y overlaps x.</exception>
    public static void Flip(ReadOnlySpan<float> x, ReadOnlySpan<int> flips, Span<float> y, int batch, int height, int width, int channels)
    {
        int size = CheckSizes(x, "x", y, "y", batch, height, width, channels);
        if (flips.Length < batch)
        {
            ThrowHelper.SourceTooShort(nameof(flips), batch, flips.Length);
        }

        for (int n = 0; n < batch; n++)
        {
            if ((uint)flips[n] > 3u)
            {
                throw new ArgumentOutOfRangeException(nameof(flips), flips[n], $"ImageTransform.Flip: the code of image {n} must be in 0..3, but is {flips[n]}.");
            }
        }

        if (size == 0)
        {
            return;
        }

        long rows = (long)batch * height;
        int parts = (int)Math.Clamp(size / Math.Max(1, MinOutputsPerThread), 1, Math.Min(ParallelRunner.MaxParallelism, rows));
        fixed (float* px = x, py = y)
        fixed (int* pf = flips)
        {
            var job = new FlipJob { X = px, Y = py, Flips = pf, Height = height, Width = width, Channels = channels, Rows = rows, Parts = parts };
            ParallelRunner.For(parts, ref job);
        }
    }

    /// <summary>
    /// The index that stands for grid index <paramref name="i"/> of an axis of <paramref name="length"/> pixels
    /// (at least 1) under <paramref name="mode"/>: itself inside the axis, -1 where a constant fill applies.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int MapIndex(int i, int length, ImageFillMode mode)
    {
        if ((uint)i < (uint)length)
        {
            return i;
        }

        switch (mode)
        {
            case ImageFillMode.Constant:
                return -1;
            case ImageFillMode.Nearest:
                return i < 0 ? 0 : length - 1;
            case ImageFillMode.Wrap:
            {
                int m = i % length;
                return m < 0 ? m + length : m;
            }

            default:
            {
                // Reflect: period 2·length, the second half mirrored (d c b a | a b c d | d c b a).
                int period = 2 * length;
                int m = i % period;
                m = m < 0 ? m + period : m;
                return m < length ? m : period - 1 - m;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Clamp(float coordinate) =>
        coordinate >= -CoordinateLimit ? (coordinate <= CoordinateLimit ? coordinate : CoordinateLimit) : -CoordinateLimit;

    private static int Check(ReadOnlySpan<float> x, string xName, ReadOnlySpan<float> transforms, Span<float> y, string yName,
        int batch, int height, int width, int channels, ImageInterpolation interpolation, ImageFillMode fillMode)
    {
        int size = CheckSizes(x, xName, y, yName, batch, height, width, channels);
        if ((long)batch * TransformLength > transforms.Length)
        {
            ThrowHelper.SourceTooShort(nameof(transforms), (long)batch * TransformLength, transforms.Length);
        }

        if (interpolation is not (ImageInterpolation.Nearest or ImageInterpolation.Bilinear))
        {
            throw new ArgumentOutOfRangeException(nameof(interpolation), interpolation, "ImageTransform: unknown interpolation.");
        }

        if (fillMode is not (ImageFillMode.Reflect or ImageFillMode.Wrap or ImageFillMode.Constant or ImageFillMode.Nearest))
        {
            throw new ArgumentOutOfRangeException(nameof(fillMode), fillMode, "ImageTransform: unknown fill mode.");
        }

        return size;
    }

    private static int CheckSizes(ReadOnlySpan<float> x, string xName, Span<float> y, string yName, int batch, int height, int width, int channels)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(channels);
        long size = (long)batch * height * width * channels;
        if (x.Length < size)
        {
            ThrowHelper.SourceTooShort(xName, size, x.Length);
        }

        if (y.Length < size)
        {
            ThrowHelper.DestinationTooShort(yName, size, y.Length);
        }

        if (size > 0 && x[..(int)size].Overlaps(y[..(int)size]))
        {
            ThrowHelper.SpansOverlap(yName, xName);
        }

        return (int)size;
    }

    /// <summary>Round half away from zero (TensorFlow's <c>round</c>): truncation after adding just under ½.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float RoundHalfAway(float x) => MathF.Truncate(x + MathF.CopySign(0.49999997f, x));

    /// <summary>The images, the transforms and the sampling rules shared by one call's threads.</summary>
    private readonly struct Geometry(float* source, float* transforms, float* target,
        int height, int width, int channels, ImageInterpolation interpolation, ImageFillMode fillMode, float fillValue)
    {
        // Forward: Source = x, Target = y. Adjoint: Source = dx (written), Target = dy (read).
        public readonly float* Source = source, Transforms = transforms, Target = target;
        public readonly int Height = height, Width = width, Channels = channels;
        public readonly ImageInterpolation Interpolation = interpolation;
        public readonly ImageFillMode FillMode = fillMode;
        public readonly float FillValue = fillValue;

        /// <summary>Output row <paramref name="row"/> of image <paramref name="n"/>.</summary>
        public void ForwardRow(int n, int row)
        {
            // Everything in locals: the stores through float pointers could alias this struct's fields otherwise.
            int h = Height, w = Width, c = Channels, imageSize = h * w * c;
            float* t = Transforms + ((long)n * TransformLength);
            float* src = Source + ((long)n * imageSize);
            float* dst = Target + ((long)n * imageSize) + (row * w * c);
            var line = new Line(t[0], (t[1] * row) + t[2], t[3], (t[4] * row) + t[5]);
            if (Interpolation == ImageInterpolation.Nearest)
            {
                NearestRow(src, dst, h, w, c, line, FillMode, FillValue);
            }
            else
            {
                BilinearRow(src, dst, h, w, c, line, FillMode, FillValue);
            }
        }

        /// <summary>Scatters image <paramref name="n"/>'s output gradient back onto its input gradient (cleared first).</summary>
        public void AdjointImage(int n)
        {
            int h = Height, w = Width, c = Channels, imageSize = h * w * c;
            float* t = Transforms + ((long)n * TransformLength);
            float* dx = Source + ((long)n * imageSize);
            float* g = Target + ((long)n * imageSize);
            new Span<float>(dx, imageSize).Clear();
            ImageFillMode mode = FillMode;
            bool nearest = Interpolation == ImageInterpolation.Nearest;
            for (int row = 0; row < h; row++)
            {
                var line = new Line(t[0], (t[1] * row) + t[2], t[3], (t[4] * row) + t[5]);
                for (int q = 0; q < w; q++, g += c)
                {
                    (float sx, float sy) = line.At(q);
                    if (nearest)
                    {
                        int ix = MapIndex((int)RoundHalfAway(sx), w, mode), iy = MapIndex((int)RoundHalfAway(sy), h, mode);
                        Scatter(dx, g, w, c, iy, ix, 1f);
                        continue;
                    }

                    float x0f = MathF.Floor(sx), y0f = MathF.Floor(sy);
                    float fx = sx - x0f, fy = sy - y0f;
                    int x0 = (int)x0f, y0 = (int)y0f;
                    int x1 = fx == 0f ? x0 : x0 + 1, y1 = fy == 0f ? y0 : y0 + 1;
                    int mx0 = MapIndex(x0, w, mode), mx1 = MapIndex(x1, w, mode);
                    int my0 = MapIndex(y0, h, mode), my1 = MapIndex(y1, h, mode);
                    Scatter(dx, g, w, c, my0, mx0, (1f - fx) * (1f - fy));
                    Scatter(dx, g, w, c, my0, mx1, fx * (1f - fy));
                    Scatter(dx, g, w, c, my1, mx0, (1f - fx) * fy);
                    Scatter(dx, g, w, c, my1, mx1, fx * fy);
                }
            }
        }

        private static void NearestRow(float* src, float* dst, int h, int w, int c, Line line, ImageFillMode mode, float fillValue)
        {
            for (int q = 0; q < w; q++, dst += c)
            {
                (float sx, float sy) = line.At(q);
                int ix = (int)RoundHalfAway(sx), iy = (int)RoundHalfAway(sy);
                if ((uint)ix >= (uint)w || (uint)iy >= (uint)h)
                {
                    ix = MapIndex(ix, w, mode);
                    iy = MapIndex(iy, h, mode);
                    if ((ix | iy) < 0)
                    {
                        new Span<float>(dst, c).Fill(fillValue);
                        continue;
                    }
                }

                Copy(src + (((iy * w) + ix) * c), dst, c);
            }
        }

        private static void BilinearRow(float* src, float* dst, int h, int w, int c, Line line, ImageFillMode mode, float fillValue)
        {
            int rowLength = w * c;
            for (int q = 0; q < w; q++, dst += c)
            {
                (float sx, float sy) = line.At(q);
                float x0f = MathF.Floor(sx), y0f = MathF.Floor(sy);
                float fx = sx - x0f, fy = sy - y0f;
                int x0 = (int)x0f, y0 = (int)y0f;
                int x1 = fx == 0f ? x0 : x0 + 1, y1 = fy == 0f ? y0 : y0 + 1;   // a zero-weight tap is not read
                float w00 = (1f - fx) * (1f - fy), w01 = fx * (1f - fy), w10 = (1f - fx) * fy, w11 = fx * fy;
                if (x0 >= 0 && y0 >= 0 && x1 < w && y1 < h)
                {
                    float* p00 = src + (y0 * rowLength) + (x0 * c);
                    if (fx == 0f && fy == 0f)
                    {
                        // On a pixel centre (identity, whole-pixel shifts): that pixel, bit for bit.
                        Copy(p00, dst, c);
                        continue;
                    }

                    int right = (x1 - x0) * c, down = (y1 - y0) * rowLength;
                    if (c == 1)
                    {
                        dst[0] = (w00 * p00[0]) + (w01 * p00[right]) + (w10 * p00[down]) + (w11 * p00[down + right]);
                        continue;
                    }

                    for (int k = 0; k < c; k++)
                    {
                        dst[k] = (w00 * p00[k]) + (w01 * p00[right + k]) + (w10 * p00[down + k]) + (w11 * p00[down + right + k]);
                    }

                    continue;
                }

                // At or beyond an edge: map each tap through the fill mode; constant-filled taps pool their weight.
                int mx0 = MapIndex(x0, w, mode), mx1 = MapIndex(x1, w, mode);
                int my0 = MapIndex(y0, h, mode), my1 = MapIndex(y1, h, mode);
                new Span<float>(dst, c).Clear();
                float fill = Accumulate(dst, src, w, c, my0, mx0, w00) + Accumulate(dst, src, w, c, my0, mx1, w01)
                    + Accumulate(dst, src, w, c, my1, mx0, w10) + Accumulate(dst, src, w, c, my1, mx1, w11);
                if (fill != 0f)
                {
                    for (int k = 0; k < c; k++)
                    {
                        dst[k] += fill * fillValue;
                    }
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Copy(float* from, float* to, int c)
        {
            for (int k = 0; k < c; k++)
            {
                to[k] = from[k];
            }
        }

        // dst += weight · src pixel (iy, ix); returns the weight instead when the tap is constant-filled.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float Accumulate(float* dst, float* src, int w, int c, int iy, int ix, float weight)
        {
            if (weight == 0f)
            {
                return 0f;
            }

            if ((ix | iy) < 0)
            {
                return weight;
            }

            float* p = src + (((iy * w) + ix) * c);
            for (int k = 0; k < c; k++)
            {
                dst[k] += weight * p[k];
            }

            return 0f;
        }

        // dx pixel (iy, ix) += weight · g; nothing for a constant-filled tap.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Scatter(float* dx, float* g, int w, int c, int iy, int ix, float weight)
        {
            if (weight == 0f || (ix | iy) < 0)
            {
                return;
            }

            float* p = dx + (((iy * w) + ix) * c);
            for (int k = 0; k < c; k++)
            {
                p[k] += weight * g[k];
            }
        }
    }

    /// <summary>
    /// The input coordinates along one output row: column a0·q + cx and row b0·q + cy at output column q, clamped to
    /// ±2^24 (a NaN to −2^24), computed as the reference computes them.
    /// </summary>
    private readonly struct Line(float a0, float cx, float b0, float cy)
    {
        private readonly float _a0 = a0, _cx = cx, _b0 = b0, _cy = cy;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public (float X, float Y) At(int q) => (Clamp((_a0 * q) + _cx), Clamp((_b0 * q) + _cy));
    }

    private struct AffineJob : IParallelJob
    {
        public Geometry Geometry;
        public long Rows;
        public int Parts;

        public readonly void Execute(int index)
        {
            long first = Rows * index / Parts, last = Rows * (index + 1) / Parts;
            int h = Geometry.Height;
            for (long r = first; r < last; r++)
            {
                Geometry.ForwardRow((int)(r / h), (int)(r % h));
            }
        }
    }

    private struct AdjointJob : IParallelJob
    {
        public Geometry Geometry;
        public int Batch, Parts;

        public readonly void Execute(int index)
        {
            int first = (int)((long)Batch * index / Parts), last = (int)((long)Batch * (index + 1) / Parts);
            for (int n = first; n < last; n++)
            {
                Geometry.AdjointImage(n);
            }
        }
    }

    private struct FlipJob : IParallelJob
    {
        public float* X, Y;
        public int* Flips;
        public int Height, Width, Channels, Parts;
        public long Rows;

        public readonly void Execute(int index)
        {
            long first = Rows * index / Parts, last = Rows * (index + 1) / Parts;
            int rowLength = Width * Channels;
            for (long r = first; r < last; r++)
            {
                int n = (int)(r / Height), row = (int)(r % Height);
                int code = Flips[n];
                int sourceRow = (code & 2) != 0 ? Height - 1 - row : row;
                var src = new ReadOnlySpan<float>(X + ((((long)n * Height) + sourceRow) * rowLength), rowLength);
                var dst = new Span<float>(Y + ((((long)n * Height) + row) * rowLength), rowLength);
                if ((code & 1) == 0)
                {
                    src.CopyTo(dst);
                }
                else if (Channels == 1)
                {
                    src.CopyTo(dst);
                    dst.Reverse();   // vectorised in the BCL
                }
                else
                {
                    for (int q = 0, from = rowLength - Channels; q < rowLength; q += Channels, from -= Channels)
                    {
                        src.Slice(from, Channels).CopyTo(dst.Slice(q, Channels));
                    }
                }
            }
        }
    }
}
