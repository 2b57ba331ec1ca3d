using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

internal static unsafe partial class BatchNorm
{
    // The loops of the batch-norm passes over a block of rows [rows, c] (row pitch c), vectorised across channels: for
    // each run of channels the per-channel values stay in registers while the loop walks down the rows (the block is
    // small enough to stay in L1 between runs). One generic body per loop, run at the widest allowed width and finished
    // with single lanes; no fused multiply-add, so every width gives the same bits.
    private static class Loops
    {
        /// <summary>mean[j] = Σ_r x[r, j] / rows, then m2[j] = Σ_r (x[r, j] − mean[j])², in float.</summary>
        public static void BlockMoments(float* x, int rows, int c, float* mean, float* m2, VectorWidth width)
        {
            nint j = 0;
            if (width.Use512)
                j = BlockMoments<Lanes512>(j, x, rows, c, mean, m2);
            if (width.Use256)
                j = BlockMoments<Lanes256>(j, x, rows, c, mean, m2);
            BlockMoments<Lane1>(j, x, rows, c, mean, m2);
        }

        /// <summary>y[r, j] = (x[r, j] − m[j])·a[j] + b[j].</summary>
        public static void Normalize(float* x, int rows, int c, float* m, float* a, float* b, float* y, VectorWidth width)
        {
            nint j = 0;
            if (width.Use512)
                j = Normalize<Lanes512>(j, x, rows, c, m, a, b, y);
            if (width.Use256)
                j = Normalize<Lanes256>(j, x, rows, c, m, a, b, y);
            Normalize<Lane1>(j, x, rows, c, m, a, b, y);
        }

        /// <summary>sumDy[j] = Σ_r dy[r, j] and sumDyDev[j] = Σ_r dy[r, j]·(x[r, j] − mean[j]), in float.</summary>
        public static void BlockGradientSums(float* dy, float* x, int rows, int c, float* mean, float* sumDy, float* sumDyDev, VectorWidth width)
        {
            nint j = 0;
            if (width.Use512)
                j = BlockGradientSums<Lanes512>(j, dy, x, rows, c, mean, sumDy, sumDyDev);
            if (width.Use256)
                j = BlockGradientSums<Lanes256>(j, dy, x, rows, c, mean, sumDy, sumDyDev);
            BlockGradientSums<Lane1>(j, dy, x, rows, c, mean, sumDy, sumDyDev);
        }

        /// <summary>dx[r, j] = k1[j]·dy[r, j] + k2[j]·x[r, j] + k3[j].</summary>
        public static void Gradient(float* dy, float* x, int rows, int c, float* k1, float* k2, float* k3, float* dx, VectorWidth width)
        {
            nint j = 0;
            if (width.Use512)
                j = Gradient<Lanes512>(j, dy, x, rows, c, k1, k2, k3, dx);
            if (width.Use256)
                j = Gradient<Lanes256>(j, dy, x, rows, c, k1, k2, k3, dx);
            Gradient<Lane1>(j, dy, x, rows, c, k1, k2, k3, dx);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TL Load<TL>(float* p)
            where TL : struct, ILanes<TL> => TL.Load(ref *p, 0);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Store<TL>(TL v, float* p)
            where TL : struct, ILanes<TL> => TL.Store(v, ref *p, 0);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static nint BlockMoments<TL>(nint j, float* x, int rows, int c, float* mean, float* m2)
            where TL : struct, ILanes<TL>
        {
            TL scale = TL.Splat(1f / rows);
            for (; j <= c - TL.Count; j += TL.Count)
            {
                float* column = x + j;
                TL sum = Load<TL>(column);
                for (int r = 1; r < rows; r++)
                    sum += Load<TL>(column + ((nint)r * c));
                TL mu = sum * scale, squares = TL.Splat(0f);
                for (int r = 0; r < rows; r++)
                {
                    TL d = Load<TL>(column + ((nint)r * c)) - mu;
                    squares += d * d;
                }

                Store(mu, mean + j);
                Store(squares, m2 + j);
            }

            return j;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static nint Normalize<TL>(nint j, float* x, int rows, int c, float* m, float* a, float* b, float* y)
            where TL : struct, ILanes<TL>
        {
            for (; j <= c - TL.Count; j += TL.Count)
            {
                TL mj = Load<TL>(m + j), aj = Load<TL>(a + j), bj = Load<TL>(b + j);
                for (int r = 0; r < rows; r++)
                {
                    nint o = ((nint)r * c) + j;
                    Store(((Load<TL>(x + o) - mj) * aj) + bj, y + o);
                }
            }

            return j;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static nint BlockGradientSums<TL>(nint j, float* dy, float* x, int rows, int c, float* mean, float* sumDy, float* sumDyDev)
            where TL : struct, ILanes<TL>
        {
            for (; j <= c - TL.Count; j += TL.Count)
            {
                TL mj = Load<TL>(mean + j), s = TL.Splat(0f), t = TL.Splat(0f);
                for (int r = 0; r < rows; r++)
                {
                    nint o = ((nint)r * c) + j;
                    TL g = Load<TL>(dy + o);
                    s += g;
                    t += g * (Load<TL>(x + o) - mj);
                }

                Store(s, sumDy + j);
                Store(t, sumDyDev + j);
            }

            return j;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static nint Gradient<TL>(nint j, float* dy, float* x, int rows, int c, float* k1, float* k2, float* k3, float* dx)
            where TL : struct, ILanes<TL>
        {
            for (; j <= c - TL.Count; j += TL.Count)
            {
                TL a = Load<TL>(k1 + j), b = Load<TL>(k2 + j), d = Load<TL>(k3 + j);
                for (int r = 0; r < rows; r++)
                {
                    nint o = ((nint)r * c) + j;
                    Store((a * Load<TL>(dy + o)) + (b * Load<TL>(x + o)) + d, dx + o);
                }
            }

            return j;
        }
    }
}
