using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Kernels;

internal static unsafe partial class ImageTransform
{
    /// <summary>The images, the transforms and the sampling rules shared by one call's threads.</summary>
    private readonly struct Geometry(float* source, float* transforms, float* target,
        int height, int width, int channels, ImageInterpolation interpolation, ImageFillMode fillMode, float fillValue)
    {
        // Read on the calling thread (Simd.Forced is per thread) and carried to the workers.
        public readonly bool Vector = Avx2.IsSupported && Simd.Use256;

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
                NearestRow(src, dst, h, w, c, line, FillMode, FillValue, Vector);
            }
            else
            {
                BilinearRow(src, dst, h, w, c, line, FillMode, FillValue, Vector);
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
                        int ix = MapIndex(ToInt(RoundHalfAway(sx)), w, mode), iy = MapIndex(ToInt(RoundHalfAway(sy)), h, mode);
                        Scatter(dx, g, w, c, iy, ix, 1f);
                        continue;
                    }

                    float x0f = MathF.Floor(sx), y0f = MathF.Floor(sy);
                    float fx = sx - x0f, fy = sy - y0f;
                    int x0 = ToInt(x0f), y0 = ToInt(y0f);
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

        private static void NearestRow(float* src, float* dst, int h, int w, int c, Line line, ImageFillMode mode, float fillValue, bool vector)
        {
            int q = vector && c == 1 ? NearestBlocks(src, dst, h, w, line, mode, fillValue) : 0;
            for (; q < w; q++)
            {
                (float sx, float sy) = line.At(q);
                NearestPixel(src, dst + (q * c), h, w, c, sx, sy, mode, fillValue);
            }
        }

        private static void BilinearRow(float* src, float* dst, int h, int w, int c, Line line, ImageFillMode mode, float fillValue, bool vector)
        {
            int q = vector && c == 1 ? BilinearBlocks(src, dst, h, w, line, mode, fillValue) : 0;
            for (; q < w; q++)
            {
                (float sx, float sy) = line.At(q);
                BilinearPixel(src, dst + (q * c), h, w, c, sx, sy, mode, fillValue);
            }
        }

        // One-channel images, eight output pixels at a time with AVX2 gathers. Lanes whose samples all lie inside the
        // image are gathered (masked, so the others read nothing); each other lane (at or beyond an edge, or NaN) is
        // then redone by the scalar pixel function. The same float operations in the same order as the scalar path,
        // so the results are identical. A row that is not a whole number of blocks ends with a block that overlaps
        // the one before it (its pixels are written twice, alike). Returns the first column not done.
        private static int NearestBlocks(float* src, float* dst, int h, int w, Line line, ImageFillMode mode, float fillValue)
        {
            const int Lanes = 8;
            if (w < Lanes)
            {
                return 0;
            }

            Vector256<float> lanes = Vector256.Create(0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f), half = Vector256.Create(0.49999997f);
            Vector256<float> a0 = Vector256.Create(line.A0), cx = Vector256.Create(line.Cx), b0 = Vector256.Create(line.B0), cy = Vector256.Create(line.Cy);
            Vector256<int> width = Vector256.Create(w), lastX = Vector256.Create(w - 1), lastY = Vector256.Create(h - 1);
            for (int q = 0; ; q = Math.Min(q + Lanes, w - Lanes))
            {
                Vector256<float> qs = Vector256.Create((float)q) + lanes;
                Vector256<float> sx = (a0 * qs) + cx, sy = (b0 * qs) + cy;
                Vector256<int> ix = Vector256.ConvertToInt32Native(Vector256.Truncate(sx + Vector256.CopySign(half, sx)));
                Vector256<int> iy = Vector256.ConvertToInt32Native(Vector256.Truncate(sy + Vector256.CopySign(half, sy)));
                // Inside: 0 <= i <= last, and no NaN (whose conversion would pass as 0).
                Vector256<float> inside = (Vector256.GreaterThanOrEqual(ix, Vector256<int>.Zero) & Vector256.LessThanOrEqual(ix, lastX)
                    & Vector256.GreaterThanOrEqual(iy, Vector256<int>.Zero) & Vector256.LessThanOrEqual(iy, lastY)).AsSingle()
                    & Vector256.Equals(sx, sx) & Vector256.Equals(sy, sy);
                uint gathered = inside.ExtractMostSignificantBits();
                if (gathered != 0)
                {
                    Avx2.GatherMaskVector256(Vector256<float>.Zero, src, (iy * width) + ix, inside, 4).Store(dst + q);
                }

                for (uint rest = ~gathered & 0xFFu; rest != 0; rest &= rest - 1)
                {
                    int k = q + System.Numerics.BitOperations.TrailingZeroCount(rest);
                    (float x, float y) = line.At(k);
                    NearestPixel(src, dst + k, h, w, 1, x, y, mode, fillValue);
                }

                if (q == w - Lanes)
                {
                    return w;
                }
            }
        }

        private static int BilinearBlocks(float* src, float* dst, int h, int w, Line line, ImageFillMode mode, float fillValue)
        {
            const int Lanes = 8;
            if (w < Lanes)
            {
                return 0;
            }

            Vector256<float> lanes = Vector256.Create(0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f), one = Vector256<float>.One;
            Vector256<float> a0 = Vector256.Create(line.A0), cx = Vector256.Create(line.Cx), b0 = Vector256.Create(line.B0), cy = Vector256.Create(line.Cy);
            Vector256<float> lastX = Vector256.Create((float)(w - 1)), lastY = Vector256.Create((float)(h - 1));
            Vector256<int> width = Vector256.Create(w);
            for (int q = 0; ; q = Math.Min(q + Lanes, w - Lanes))
            {
                Vector256<float> qs = Vector256.Create((float)q) + lanes;
                Vector256<float> sx = (a0 * qs) + cx, sy = (b0 * qs) + cy;
                // Every tap inside: 0 <= s <= last on both axes (false for NaN). At s = last the fraction is 0 and
                // the second tap is the first one, as in the scalar path.
                Vector256<float> inside = Vector256.GreaterThanOrEqual(sx, Vector256<float>.Zero) & Vector256.LessThanOrEqual(sx, lastX)
                    & Vector256.GreaterThanOrEqual(sy, Vector256<float>.Zero) & Vector256.LessThanOrEqual(sy, lastY);
                uint gathered = inside.ExtractMostSignificantBits();
                if (gathered != 0)
                {
                    Vector256<float> x0f = Vector256.Floor(sx), y0f = Vector256.Floor(sy);
                    Vector256<float> fx = sx - x0f, fy = sy - y0f;
                    Vector256<float> onX = Vector256.Equals(fx, Vector256<float>.Zero), onY = Vector256.Equals(fy, Vector256<float>.Zero);
                    Vector256<int> p00 = (Vector256.ConvertToInt32Native(y0f) * width) + Vector256.ConvertToInt32Native(x0f);
                    Vector256<int> right = Vector256<int>.One + onX.AsInt32();    // 1, or 0 on a column centre (all bits set is −1)
                    Vector256<int> down = Vector256.AndNot(width, onY.AsInt32());  // w, or 0 on a row centre
                    Vector256<float> zero = Vector256<float>.Zero;
                    Vector256<float> g00 = Avx2.GatherMaskVector256(zero, src, p00, inside, 4);
                    Vector256<float> g01 = Avx2.GatherMaskVector256(zero, src, p00 + right, inside, 4);
                    Vector256<float> g10 = Avx2.GatherMaskVector256(zero, src, p00 + down, inside, 4);
                    Vector256<float> g11 = Avx2.GatherMaskVector256(zero, src, p00 + down + right, inside, 4);
                    Vector256<float> ox = one - fx, oy = one - fy;
                    Vector256<float> v = (ox * oy * g00) + (fx * oy * g01) + (ox * fy * g10) + (fx * fy * g11);
                    Vector256.ConditionalSelect(onX & onY, g00, v).Store(dst + q);   // on a pixel centre: that pixel, bit for bit
                }

                for (uint rest = ~gathered & 0xFFu; rest != 0; rest &= rest - 1)
                {
                    int k = q + System.Numerics.BitOperations.TrailingZeroCount(rest);
                    (float x, float y) = line.At(k);
                    BilinearPixel(src, dst + k, h, w, 1, x, y, mode, fillValue);
                }

                if (q == w - Lanes)
                {
                    return w;
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void NearestPixel(float* src, float* dst, int h, int w, int c, float sx, float sy, ImageFillMode mode, float fillValue)
        {
            int ix = ToInt(RoundHalfAway(sx)), iy = ToInt(RoundHalfAway(sy));
            if ((uint)ix >= (uint)w || (uint)iy >= (uint)h)
            {
                ix = MapIndex(ix, w, mode);
                iy = MapIndex(iy, h, mode);
                if ((ix | iy) < 0)
                {
                    new Span<float>(dst, c).Fill(fillValue);
                    return;
                }
            }

            Copy(src + (((iy * w) + ix) * c), dst, c);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void BilinearPixel(float* src, float* dst, int h, int w, int c, float sx, float sy, ImageFillMode mode, float fillValue)
        {
            float x0f = MathF.Floor(sx), y0f = MathF.Floor(sy);
            float fx = sx - x0f, fy = sy - y0f;
            int x0 = ToInt(x0f), y0 = ToInt(y0f);
            int x1 = fx == 0f ? x0 : x0 + 1, y1 = fy == 0f ? y0 : y0 + 1;   // a zero-weight tap is not read
            if (x0 < 0 || y0 < 0 || x1 >= w || y1 >= h)
            {
                BilinearEdge(src, dst, h, w, c, x0, x1, y0, y1, fx, fy, mode, fillValue);
                return;
            }

            float* p00 = src + (((y0 * w) + x0) * c);
            if (fx == 0f && fy == 0f)
            {
                // On a pixel centre (identity, whole-pixel shifts): that pixel, bit for bit.
                Copy(p00, dst, c);
                return;
            }

            float w00 = (1f - fx) * (1f - fy), w01 = fx * (1f - fy), w10 = (1f - fx) * fy, w11 = fx * fy;
            int right = (x1 - x0) * c, down = (y1 - y0) * w * c;
            for (int k = 0; k < c; k++)
            {
                dst[k] = (w00 * p00[k]) + (w01 * p00[right + k]) + (w10 * p00[down + k]) + (w11 * p00[down + right + k]);
            }
        }

        // At or beyond an edge: each tap mapped through the fill mode; constant-filled taps pool their weight. Out
        // of line, so the interior loop keeps its registers.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void BilinearEdge(float* src, float* dst, int h, int w, int c, int x0, int x1, int y0, int y1,
            float fx, float fy, ImageFillMode mode, float fillValue)
        {
            float w00 = (1f - fx) * (1f - fy), w01 = fx * (1f - fy), w10 = (1f - fx) * fy, w11 = fx * fy;
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
        public readonly float A0 = a0, Cx = cx, B0 = b0, Cy = cy;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public (float X, float Y) At(int q) => (Clamp((A0 * q) + Cx), Clamp((B0 * q) + Cy));
    }
}
