using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

internal static unsafe partial class BatchNorm
{
    // The per-row loops of the batch-norm passes, vectorised across channels: one generic body per loop, run at the
    // widest allowed width and finished with single lanes (no fused multiply-add, so every width gives the same bits).
    private static class Loops
    {
        /// <summary>dst[i] += (x[i] − m[i])².</summary>
        public static void AddSquaredDeviation(float* dst, float* x, float* m, int n, VectorWidth width)
        {
            nint i = 0;
            if (width.Use512)
                i = AddSquaredDeviation<Lanes512>(i, n, dst, x, m);
            if (width.Use256)
                i = AddSquaredDeviation<Lanes256>(i, n, dst, x, m);
            AddSquaredDeviation<Lane1>(i, n, dst, x, m);
        }

        /// <summary>y[i] = (x[i] − m[i])·a[i] + b[i].</summary>
        public static void Normalize(float* x, float* m, float* a, float* b, float* y, int n, VectorWidth width)
        {
            nint i = 0;
            if (width.Use512)
                i = Normalize<Lanes512>(i, n, x, m, a, b, y);
            if (width.Use256)
                i = Normalize<Lanes256>(i, n, x, m, a, b, y);
            Normalize<Lane1>(i, n, x, m, a, b, y);
        }

        /// <summary>dst[i] += dy[i]·(x[i] − m[i]).</summary>
        public static void AddProductOfDeviation(float* dst, float* dy, float* x, float* m, int n, VectorWidth width)
        {
            nint i = 0;
            if (width.Use512)
                i = AddProductOfDeviation<Lanes512>(i, n, dst, dy, x, m);
            if (width.Use256)
                i = AddProductOfDeviation<Lanes256>(i, n, dst, dy, x, m);
            AddProductOfDeviation<Lane1>(i, n, dst, dy, x, m);
        }

        /// <summary>dx[i] = k1[i]·dy[i] + k2[i]·x[i] + k3[i].</summary>
        public static void Gradient(float* dy, float* x, float* k1, float* k2, float* k3, float* dx, int n, VectorWidth width)
        {
            nint i = 0;
            if (width.Use512)
                i = Gradient<Lanes512>(i, n, dy, x, k1, k2, k3, dx);
            if (width.Use256)
                i = Gradient<Lanes256>(i, n, dy, x, k1, k2, k3, dx);
            Gradient<Lane1>(i, n, dy, x, k1, k2, k3, dx);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TL Load<TL>(float* p, nint i)
            where TL : struct, ILanes<TL> => TL.Load(ref *p, (nuint)i);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Store<TL>(TL v, float* p, nint i)
            where TL : struct, ILanes<TL> => TL.Store(v, ref *p, (nuint)i);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static nint AddSquaredDeviation<TL>(nint i, nint n, float* dst, float* x, float* m)
            where TL : struct, ILanes<TL>
        {
            for (; i <= n - TL.Count; i += TL.Count)
            {
                TL d = Load<TL>(x, i) - Load<TL>(m, i);
                Store(Load<TL>(dst, i) + (d * d), dst, i);
            }

            return i;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static nint Normalize<TL>(nint i, nint n, float* x, float* m, float* a, float* b, float* y)
            where TL : struct, ILanes<TL>
        {
            for (; i <= n - TL.Count; i += TL.Count)
                Store(((Load<TL>(x, i) - Load<TL>(m, i)) * Load<TL>(a, i)) + Load<TL>(b, i), y, i);
            return i;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static nint AddProductOfDeviation<TL>(nint i, nint n, float* dst, float* dy, float* x, float* m)
            where TL : struct, ILanes<TL>
        {
            for (; i <= n - TL.Count; i += TL.Count)
                Store(Load<TL>(dst, i) + (Load<TL>(dy, i) * (Load<TL>(x, i) - Load<TL>(m, i))), dst, i);
            return i;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static nint Gradient<TL>(nint i, nint n, float* dy, float* x, float* k1, float* k2, float* k3, float* dx)
            where TL : struct, ILanes<TL>
        {
            for (; i <= n - TL.Count; i += TL.Count)
                Store((Load<TL>(k1, i) * Load<TL>(dy, i)) + (Load<TL>(k2, i) * Load<TL>(x, i)) + Load<TL>(k3, i), dx, i);
            return i;
        }
    }
}
