using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Kernels;

internal static unsafe partial class Gemm
{
    // Columns of C a row-vector product keeps in AVX2 registers: 16 bundles of 8, a Dense layer of 128 units.
    private const int RegisterRowWidth = 128;

    /// <summary>c[0..128) += Σ_{p&lt;k} a[p·aStep]·b[p·ldb + 0..128), row after row of B, with C held in AVX2 registers.</summary>
    /// <remarks>
    /// A Dense layer of 128 units on one sample. The four-row steps of <see cref="AddRowProducts{T}"/> load and store
    /// each bundle of C once per four rows, and when B's rows are not 32-byte aligned (a weight array on the managed
    /// heap) half of their loads cross a cache line too. Here fourteen of the sixteen bundles of C stay in registers for
    /// all k rows (the fifteenth and sixteenth register hold the row's factor and a loaded bundle) and two go through
    /// memory, so the loop issues one load per multiply-add and streams B in the order it lies in memory. Each
    /// bundle takes the rows' fused multiply-adds in the same order as the four-row steps, so the sums have the
    /// same bits. Only rows of exactly 128 columns: wider ones, taken as 128-column panels over all rows, read B in
    /// strided runs and measured slower than the four-row steps (1 × 784 by 784 × 512: 33–35 against 28 µs; 1 × 1,024
    /// by 1,024 × 1,024: 117 against 73 µs, one thread).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddRowsInRegisters(float* a, nint aStep, float* b, nint ldb, float* c, int k)
    {
        Vector256<float> c0 = Vector256.Load(c), c1 = Vector256.Load(c + 8), c2 = Vector256.Load(c + 16), c3 = Vector256.Load(c + 24);
        Vector256<float> c4 = Vector256.Load(c + 32), c5 = Vector256.Load(c + 40), c6 = Vector256.Load(c + 48), c7 = Vector256.Load(c + 56);
        Vector256<float> c8 = Vector256.Load(c + 64), c9 = Vector256.Load(c + 72), c10 = Vector256.Load(c + 80), c11 = Vector256.Load(c + 88);
        Vector256<float> c12 = Vector256.Load(c + 96), c13 = Vector256.Load(c + 104);
        for (int p = 0; p < k; p++, a += aStep, b += ldb)
        {
            Vector256<float> x = Vector256.Create(*a);
            c0 = Fma.MultiplyAdd(Vector256.Load(b), x, c0);
            c1 = Fma.MultiplyAdd(Vector256.Load(b + 8), x, c1);
            c2 = Fma.MultiplyAdd(Vector256.Load(b + 16), x, c2);
            c3 = Fma.MultiplyAdd(Vector256.Load(b + 24), x, c3);
            c4 = Fma.MultiplyAdd(Vector256.Load(b + 32), x, c4);
            c5 = Fma.MultiplyAdd(Vector256.Load(b + 40), x, c5);
            c6 = Fma.MultiplyAdd(Vector256.Load(b + 48), x, c6);
            c7 = Fma.MultiplyAdd(Vector256.Load(b + 56), x, c7);
            c8 = Fma.MultiplyAdd(Vector256.Load(b + 64), x, c8);
            c9 = Fma.MultiplyAdd(Vector256.Load(b + 72), x, c9);
            c10 = Fma.MultiplyAdd(Vector256.Load(b + 80), x, c10);
            c11 = Fma.MultiplyAdd(Vector256.Load(b + 88), x, c11);
            c12 = Fma.MultiplyAdd(Vector256.Load(b + 96), x, c12);
            c13 = Fma.MultiplyAdd(Vector256.Load(b + 104), x, c13);
            Fma.MultiplyAdd(Vector256.Load(b + 112), x, Vector256.Load(c + 112)).Store(c + 112);
            Fma.MultiplyAdd(Vector256.Load(b + 120), x, Vector256.Load(c + 120)).Store(c + 120);
        }

        c0.Store(c);
        c1.Store(c + 8);
        c2.Store(c + 16);
        c3.Store(c + 24);
        c4.Store(c + 32);
        c5.Store(c + 40);
        c6.Store(c + 48);
        c7.Store(c + 56);
        c8.Store(c + 64);
        c9.Store(c + 72);
        c10.Store(c + 80);
        c11.Store(c + 88);
        c12.Store(c + 96);
        c13.Store(c + 104);
    }
}
