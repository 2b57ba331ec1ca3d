using ILGPU;
using ILGPU.Runtime;

namespace Nabla.Gpu.Kernels;

/// <summary>
/// Per-image affine transforms and flips of channels-last image batches [batch, height, width, channels], forward and
/// adjoint: the device twin of the CPU engine's <c>ImageTransform</c> (RandomTranslation, RandomRotation, RandomZoom,
/// RandomFlip), with its coordinate rule, nearest and bilinear sampling and its four fill modes.
/// </summary>
/// <remarks>
/// <para>
/// A transform is six floats <c>a0 a1 a2 b0 b1 b2</c>: output pixel (row r, column q) samples the input at column
/// a0·q + (a1·r + a2) and row b0·q + (b1·r + b2), clamped to ±2^24 (a NaN to −2^24); fill codes are the CPU's
/// <c>ImageFillMode</c> (0 reflect, 1 wrap, 2 constant, 3 nearest), interpolation codes its <c>ImageInterpolation</c>
/// (0 nearest, 1 bilinear). Every float operation is the CPU kernel's, in its order, so results agree bit for bit
/// where the device rounds as the CPU does (a device that contracts a multiply and an add into one fused operation may
/// differ in the last bit, and a nearest sample exactly half-way between pixels may then round the other way).
/// </para>
/// <para>
/// The forward transform runs one thread per output element. The adjoint scatters (an input pixel may receive from
/// any number of outputs, under wrap and reflect from far away): rather than atomics, one thread per (image, channel)
/// walks the outputs in the CPU's order, so the sums are deterministic and equal the CPU's. Its parallelism is batch ×
/// channels; it only runs when a gradient flows into augmented images, which training does not need.
/// Flips are permutations (one thread per element, exact) and their own adjoints.
/// </para>
/// </remarks>
internal sealed class ImageTransformKernels(GpuDevice device)
{
    private const float CoordinateLimit = 1 << 24;
    private const int Constant = 2, Nearest = 3, Wrap = 1;

    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ImageShape>? _affine;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ImageShape>? _adjoint;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ImageShape>? _flip;

    /// <summary>y[n] = x[n] sampled through transform n with <paramref name="interpolation"/> and <paramref name="fillMode"/>.</summary>
    public void Affine(ArrayView<float> x, ArrayView<float> transforms, ArrayView<float> y, int batch, int height, int width, int channels,
        int interpolation, int fillMode, float fillValue)
    {
        const string name = "AffineTransformImages";
        ImageShape s = Shape(name, x, transforms, y, batch, height, width, channels, interpolation, fillMode, fillValue);
        Launch(name, ref _affine, AffineKernel, s.Size, x, transforms, y, s);
    }

    /// <summary>dx = the adjoint of <see cref="Affine"/> applied to dy (dx overwritten; constant-filled samples send nothing back).</summary>
    public void AffineAdjoint(ArrayView<float> dy, ArrayView<float> transforms, ArrayView<float> dx, int batch, int height, int width, int channels,
        int interpolation, int fillMode)
    {
        const string name = "AffineTransformImagesBackward";
        ImageShape s = Shape(name, dy, transforms, dx, batch, height, width, channels, interpolation, fillMode, 0f);
        Launch(name, ref _adjoint, AdjointKernel, (long)batch * channels, dy, transforms, dx, s);
    }

    /// <summary>
    /// y[n] = x[n] mirrored left-right when bit 0 of flips[n] (a whole float 0 to 3) is set and top-bottom when bit 1 is;
    /// its own adjoint.
    /// </summary>
    public void Flip(ArrayView<float> x, ArrayView<float> flips, ArrayView<float> y, int batch, int height, int width, int channels)
    {
        const string name = "FlipImages";
        ImageShape s = Shape(name, x, default, y, batch, height, width, channels, 0, 0, 0f);
        Check.Length(name, flips, batch, nameof(flips));
        Launch(name, ref _flip, FlipKernel, s.Size, x, flips, y, s);
    }

    private void Launch(string name, ref Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ImageShape>? kernel,
        Action<ArrayView<float>, ArrayView<float>, ArrayView<float>, ImageShape> body, long threads,
        ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, ImageShape s)
    {
        if (s.Size == 0)
        {
            return;
        }

        try
        {
            kernel ??= device.Accelerator.LoadStreamKernel(body);
            kernel(device.ElementwiseConfig(threads), a, b, c, s);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail(name, e);
        }
    }

    private static ImageShape Shape(string name, ArrayView<float> x, ArrayView<float> transforms, ArrayView<float> y,
        int batch, int height, int width, int channels, int interpolation, int fillMode, float fillValue)
    {
        Check.NonNegative(name, batch, nameof(batch));
        Check.NonNegative(name, height, nameof(height));
        Check.NonNegative(name, width, nameof(width));
        Check.NonNegative(name, channels, nameof(channels));
        int size = Check.Product(name, (long)batch * height * width * channels, "images");
        Check.Length(name, x, size, nameof(x));
        Check.Length(name, y, size, nameof(y));
        if (name != "FlipImages")
        {
            Check.Length(name, transforms, (long)batch * 6, nameof(transforms));
        }

        if (interpolation is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(interpolation), interpolation, $"GPU kernel '{name}' expects interpolation 0 (nearest) or 1 (bilinear).");
        }

        if (fillMode is < 0 or > 3)
        {
            throw new ArgumentOutOfRangeException(nameof(fillMode), fillMode, $"GPU kernel '{name}' expects a fill mode in 0..3 (reflect, wrap, constant, nearest).");
        }

        return new ImageShape(size, height, width, channels, interpolation, fillMode, fillValue);
    }

    // One output element: its pixel's sample coordinates, then the tap(s) of its channel.
    private static void AffineKernel(ArrayView<float> x, ArrayView<float> transforms, ArrayView<float> y, ImageShape s)
    {
        int h = s.Height, w = s.Width, c = s.Channels;
        for (int t = Grid.GlobalIndex.X; t < s.Size; t += Grid.DimX * Group.DimX)
        {
            int k = t % c, pixel = t / c;
            int q = pixel % w, rest = pixel / w;
            int r = rest % h, n = rest / h;
            long image = (long)n * h * w * c;
            int at = n * 6;
            float sx = Clamp((transforms[at] * q) + ((transforms[at + 1] * r) + transforms[at + 2]));
            float sy = Clamp((transforms[at + 3] * q) + ((transforms[at + 4] * r) + transforms[at + 5]));
            if (s.Interpolation == 0)
            {
                int ix = MapIndex(RoundHalfAway(sx), w, s.FillMode), iy = MapIndex(RoundHalfAway(sy), h, s.FillMode);
                y[t] = (ix | iy) < 0 ? s.FillValue : x[image + (((long)((iy * w) + ix)) * c) + k];
                continue;
            }

            float x0f = MathF.Floor(sx), y0f = MathF.Floor(sy);
            float fx = sx - x0f, fy = sy - y0f;
            int x0 = (int)x0f, y0 = (int)y0f;
            int x1 = fx == 0f ? x0 : x0 + 1, y1 = fy == 0f ? y0 : y0 + 1;   // a zero-weight tap is not read
            float w00 = (1f - fx) * (1f - fy), w01 = fx * (1f - fy), w10 = (1f - fx) * fy, w11 = fx * fy;
            if (x0 >= 0 && y0 >= 0 && x1 < w && y1 < h)
            {
                long p00 = image + (((long)((y0 * w) + x0)) * c) + k;
                if (fx == 0f && fy == 0f)
                {
                    y[t] = x[p00];   // on a pixel centre: that pixel, bit for bit
                    continue;
                }

                long right = (long)(x1 - x0) * c, down = (long)(y1 - y0) * w * c;
                y[t] = (w00 * x[p00]) + (w01 * x[p00 + right]) + (w10 * x[p00 + down]) + (w11 * x[p00 + down + right]);
                continue;
            }

            // At or beyond an edge: each tap through the fill mode, constant-filled taps pooling their weight.
            int mx0 = MapIndex(x0, w, s.FillMode), mx1 = MapIndex(x1, w, s.FillMode);
            int my0 = MapIndex(y0, h, s.FillMode), my1 = MapIndex(y1, h, s.FillMode);
            float acc = 0f + TapValue(x, image, w, c, k, my0, mx0, w00) + TapValue(x, image, w, c, k, my0, mx1, w01)
                + TapValue(x, image, w, c, k, my1, mx0, w10) + TapValue(x, image, w, c, k, my1, mx1, w11);
            float fill = 0f + FillWeight(my0, mx0, w00) + FillWeight(my0, mx1, w01) + FillWeight(my1, mx0, w10) + FillWeight(my1, mx1, w11);
            y[t] = fill != 0f ? acc + (fill * s.FillValue) : acc;
        }
    }

    // weight·x[pixel (iy, ix), channel k], or 0 for a constant-filled tap; a zero weight reads nothing.
    private static float TapValue(ArrayView<float> x, long image, int w, int c, int k, int iy, int ix, float weight) =>
        weight != 0f && (ix | iy) >= 0 ? weight * x[image + (((long)((iy * w) + ix)) * c) + k] : 0f;

    // The weight a constant-filled tap gives to the fill value (0 for the others).
    private static float FillWeight(int iy, int ix, float weight) => (ix | iy) < 0 ? weight : 0f;

    // One (image, channel): clears its gradient, then sends every output's gradient back to its taps, in the CPU's order.
    private static void AdjointKernel(ArrayView<float> dy, ArrayView<float> transforms, ArrayView<float> dx, ImageShape s)
    {
        int h = s.Height, w = s.Width, c = s.Channels;
        int lanes = s.Size / (h * w * c) * c;
        for (int lane = Grid.GlobalIndex.X; lane < lanes; lane += Grid.DimX * Group.DimX)
        {
            int n = lane / c, k = lane % c;
            long image = (long)n * h * w * c;
            for (int p = 0; p < h * w; p++)
            {
                dx[image + ((long)p * c) + k] = 0f;
            }

            int at = n * 6;
            for (int r = 0; r < h; r++)
            {
                float cx = (transforms[at + 1] * r) + transforms[at + 2], cy = (transforms[at + 4] * r) + transforms[at + 5];
                for (int q = 0; q < w; q++)
                {
                    float g = dy[image + ((((long)r * w) + q) * c) + k];
                    float sx = Clamp((transforms[at] * q) + cx), sy = Clamp((transforms[at + 3] * q) + cy);
                    if (s.Interpolation == 0)
                    {
                        Scatter(dx, image, w, c, k, MapIndex(RoundHalfAway(sy), h, s.FillMode), MapIndex(RoundHalfAway(sx), w, s.FillMode), 1f, g);
                        continue;
                    }

                    float x0f = MathF.Floor(sx), y0f = MathF.Floor(sy);
                    float fx = sx - x0f, fy = sy - y0f;
                    int x0 = (int)x0f, y0 = (int)y0f;
                    int x1 = fx == 0f ? x0 : x0 + 1, y1 = fy == 0f ? y0 : y0 + 1;
                    int mx0 = MapIndex(x0, w, s.FillMode), mx1 = MapIndex(x1, w, s.FillMode);
                    int my0 = MapIndex(y0, h, s.FillMode), my1 = MapIndex(y1, h, s.FillMode);
                    Scatter(dx, image, w, c, k, my0, mx0, (1f - fx) * (1f - fy), g);
                    Scatter(dx, image, w, c, k, my0, mx1, fx * (1f - fy), g);
                    Scatter(dx, image, w, c, k, my1, mx0, (1f - fx) * fy, g);
                    Scatter(dx, image, w, c, k, my1, mx1, fx * fy, g);
                }
            }
        }
    }

    // dx[pixel (iy, ix), channel k] += weight·g; nothing for a constant-filled tap or a zero weight.
    private static void Scatter(ArrayView<float> dx, long image, int w, int c, int k, int iy, int ix, float weight, float g)
    {
        if (weight != 0f && (ix | iy) >= 0)
        {
            long at = image + (((long)((iy * w) + ix)) * c) + k;
            dx[at] += weight * g;
        }
    }

    private static void FlipKernel(ArrayView<float> x, ArrayView<float> flips, ArrayView<float> y, ImageShape s)
    {
        int h = s.Height, w = s.Width, c = s.Channels;
        for (int t = Grid.GlobalIndex.X; t < s.Size; t += Grid.DimX * Group.DimX)
        {
            int k = t % c, pixel = t / c;
            int q = pixel % w, rest = pixel / w;
            int r = rest % h, n = rest / h;
            int code = (int)flips[n];
            int sourceRow = (code & 2) != 0 ? h - 1 - r : r, sourceColumn = (code & 1) != 0 ? w - 1 - q : q;
            y[t] = x[((((((long)n * h) + sourceRow) * w) + sourceColumn) * c) + k];
        }
    }

    private static float Clamp(float coordinate) =>
        coordinate >= -CoordinateLimit ? (coordinate <= CoordinateLimit ? coordinate : CoordinateLimit) : -CoordinateLimit;

    // Round half away from zero (the CPU's RoundHalfAway, truncation after adding just under ½), as an int; |x| ≤ 2^24.
    private static int RoundHalfAway(float x) => (int)(x + (x < 0f ? -0.49999997f : 0.49999997f));

    // The index standing for grid index i of an axis of the given length under the fill mode; −1 where a constant fill applies.
    private static int MapIndex(int i, int length, int mode)
    {
        if (i >= 0 && i < length)
        {
            return i;
        }

        if (mode == Constant)
        {
            return -1;
        }

        if (mode == Nearest)
        {
            return i < 0 ? 0 : length - 1;
        }

        if (mode == Wrap)
        {
            int m = i % length;
            return m < 0 ? m + length : m;
        }

        int period = 2 * length;   // reflect: d c b a | a b c d | d c b a
        int rr = i % period;
        rr = rr < 0 ? rr + period : rr;
        return rr < length ? rr : period - 1 - rr;
    }

    /// <summary>One launch's sizes and sampling rules, as one kernel argument.</summary>
    internal readonly record struct ImageShape(int Size, int Height, int Width, int Channels, int Interpolation, int FillMode, float FillValue);
}
