using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nabla.Kernels;

/// <summary>
/// Fused in-place parameter updates of the Keras optimizers: one pass over the weight, its gradient and the
/// optimizer's slot buffers, with the formulas of Keras 3's <c>update_step</c> methods.
/// </summary>
/// <remarks>
/// <para>
/// Each driver checks lengths, then runs its generic body with the widest supported <see cref="ILanes{TSelf}"/>
/// width and finishes the tail with <see cref="Lane1"/>. The arithmetic is written in Keras's order of
/// operations, with no fused multiply-add, so every width gives the same bits. NaN and infinity propagate as
/// IEEE arithmetic dictates (Keras does not guard them either).
/// </para>
/// <para>
/// The weight is updated in place; slot buffers are read and written in place. The gradient must not alias the
/// weight or a slot.
/// </para>
/// <para>
/// Slots that decay geometrically (momentums, moving averages) are flushed to zero when they fall below the smallest
/// normal float, as TensorFlow's CPU kernels do by running in flush-to-zero mode. Without it, a weight whose gradient
/// stops (a dead ReLU unit, an always-black pixel) keeps a subnormal momentum forever (m·0.9 rounds back to m at the
/// bottom of the subnormal range), and subnormal arithmetic runs several times slower on x86.
/// </para>
/// </remarks>
internal static class OptimizerSteps
{
    /// <summary>The widest vector the drivers use: 512, 256, or 0 for scalar only. Tests lower it to cover each path.</summary>
    internal static int MaxVectorBits = 512;

    private static bool Use512 => MaxVectorBits >= 512 && Lanes512.IsSupported;

    private static bool Use256 => MaxVectorBits >= 256 && Lanes256.IsSupported;

    /// <summary>Plain SGD: w -= g·lr.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sgd(Span<float> w, ReadOnlySpan<float> g, float lr)
    {
        Check(w.Length, g.Length, nameof(g));
        ref float pw = ref MemoryMarshal.GetReference(w);
        ref float pg = ref MemoryMarshal.GetReference(g);
        int i = 0, n = w.Length;
        if (Use512)
        {
            i = Sgd<Lanes512>(i, n, ref pw, ref pg, lr);
        }
        else if (Use256)
        {
            i = Sgd<Lanes256>(i, n, ref pw, ref pg, lr);
        }

        Sgd<Lane1>(i, n, ref pw, ref pg, lr);
    }

    /// <summary>
    /// SGD with momentum: m = m·μ − g·lr, then w += m, or with Nesterov w += m·μ − g·lr.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SgdMomentum(Span<float> w, ReadOnlySpan<float> g, Span<float> m, float lr, float momentum, bool nesterov)
    {
        int n = w.Length;
        Check(n, g.Length, nameof(g));
        Check(n, m.Length, nameof(m));
        ref float pw = ref MemoryMarshal.GetReference(w);
        ref float pg = ref MemoryMarshal.GetReference(g);
        ref float pm = ref MemoryMarshal.GetReference(m);
        int i = 0;
        if (Use512)
        {
            i = SgdMomentum<Lanes512>(i, n, ref pw, ref pg, ref pm, lr, momentum, nesterov);
        }
        else if (Use256)
        {
            i = SgdMomentum<Lanes256>(i, n, ref pw, ref pg, ref pm, lr, momentum, nesterov);
        }

        SgdMomentum<Lane1>(i, n, ref pw, ref pg, ref pm, lr, momentum, nesterov);
    }

    /// <summary>
    /// Adam: m += (g − m)(1 − β1); v += (g² − v)(1 − β2); with AMSGrad v̂ = max(v̂, v) replaces v below;
    /// w −= m·α / (√v + ε), where α = lr·√(1 − β2^t)/(1 − β1^t) is computed once per step by the caller.
    /// <paramref name="vHat"/> (the AMSGrad maximum) is empty when AMSGrad is off.
    /// </summary>
    /// <remarks>
    /// A moment is stored as 0 once it falls below the floor where its next product would be subnormal: m below
    /// 2⁻¹²⁶ / min(1 − β1, α) (the α part capped at 2⁻¹⁰⁰, so a rate of 0 does not wipe m), v below 2⁻¹²⁶ / (1 − β2).
    /// On x86 an instruction that makes or reads a subnormal takes a microcode assist of about a hundred cycles, and
    /// a weight whose gradient stops leaves m decaying through that range for dozens of steps. In W7 (batch 1, where
    /// the weights of an image's blank pixels get no gradient) that made the step 137–150 µs instead of 84–102; Adam
    /// over W4's weights with half the rows' gradients 0 took 413–745 µs instead of 26–38 for those steps. The values
    /// zeroed are below 10⁻³⁰ with the usual settings; the update they would make is below 10⁻²⁶ a step.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Adam(
        Span<float> w, ReadOnlySpan<float> g, Span<float> m, Span<float> v, Span<float> vHat,
        float oneMinusBeta1, float oneMinusBeta2, float alpha, float epsilon)
    {
        int n = w.Length;
        Check(n, g.Length, nameof(g));
        Check(n, m.Length, nameof(m));
        Check(n, v.Length, nameof(v));
        bool amsgrad = !vHat.IsEmpty;
        if (amsgrad)
        {
            Check(n, vHat.Length, nameof(vHat));
        }

        float floorM = MathF.Max(ProductFloor(oneMinusBeta1), MathF.Min(ProductFloor(alpha), MomentFloorCap));
        var k = new AdamScalars(oneMinusBeta1, oneMinusBeta2, alpha, epsilon, amsgrad, floorM, ProductFloor(oneMinusBeta2));
        ref float pw = ref MemoryMarshal.GetReference(w);
        ref float pg = ref MemoryMarshal.GetReference(g);
        ref float pm = ref MemoryMarshal.GetReference(m);
        ref float pv = ref MemoryMarshal.GetReference(v);
        ref float ph = ref MemoryMarshal.GetReference(vHat);
        int i = 0;
        if (Use512)
        {
            i = Adam<Lanes512>(i, n, ref pw, ref pg, ref pm, ref pv, ref ph, k);
        }
        else if (Use256)
        {
            i = Adam<Lanes256>(i, n, ref pw, ref pg, ref pm, ref pv, ref ph, k);
        }

        Adam<Lane1>(i, n, ref pw, ref pg, ref pm, ref pv, ref ph, k);
    }

    /// <summary>
    /// RMSprop: v = ρv + (1 − ρ)g²; centered: a = ρa + (1 − ρ)g and d = v − a² + ε, else d = v + ε;
    /// inc = lr·g/√d; with momentum μ: s = μs + inc, w −= s; else w −= inc. <paramref name="momentumBuffer"/>
    /// is empty when momentum is 0, <paramref name="averageGradient"/> when not centered.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RmsProp(
        Span<float> w, ReadOnlySpan<float> g, Span<float> velocity, Span<float> momentumBuffer, Span<float> averageGradient,
        float lr, float rho, float momentum, float epsilon)
    {
        int n = w.Length;
        Check(n, g.Length, nameof(g));
        Check(n, velocity.Length, nameof(velocity));
        bool useMomentum = !momentumBuffer.IsEmpty, centered = !averageGradient.IsEmpty;
        if (useMomentum)
        {
            Check(n, momentumBuffer.Length, nameof(momentumBuffer));
        }

        if (centered)
        {
            Check(n, averageGradient.Length, nameof(averageGradient));
        }

        var k = new RmsScalars(lr, rho, 1f - rho, momentum, epsilon, useMomentum, centered);
        ref float pw = ref MemoryMarshal.GetReference(w);
        ref float pg = ref MemoryMarshal.GetReference(g);
        ref float pv = ref MemoryMarshal.GetReference(velocity);
        ref float ps = ref MemoryMarshal.GetReference(momentumBuffer);
        ref float pa = ref MemoryMarshal.GetReference(averageGradient);
        int i = 0;
        if (Use512)
        {
            i = RmsProp<Lanes512>(i, n, ref pw, ref pg, ref pv, ref ps, ref pa, k);
        }
        else if (Use256)
        {
            i = RmsProp<Lanes256>(i, n, ref pw, ref pg, ref pv, ref ps, ref pa, k);
        }

        RmsProp<Lane1>(i, n, ref pw, ref pg, ref pv, ref ps, ref pa, k);
    }

    /// <summary>Adagrad: acc += g²; w −= lr·g/√(acc + ε).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Adagrad(Span<float> w, ReadOnlySpan<float> g, Span<float> accumulator, float lr, float epsilon)
    {
        int n = w.Length;
        Check(n, g.Length, nameof(g));
        Check(n, accumulator.Length, nameof(accumulator));
        ref float pw = ref MemoryMarshal.GetReference(w);
        ref float pg = ref MemoryMarshal.GetReference(g);
        ref float pa = ref MemoryMarshal.GetReference(accumulator);
        int i = 0;
        if (Use512)
        {
            i = Adagrad<Lanes512>(i, n, ref pw, ref pg, ref pa, lr, epsilon);
        }
        else if (Use256)
        {
            i = Adagrad<Lanes256>(i, n, ref pw, ref pg, ref pa, lr, epsilon);
        }

        Adagrad<Lane1>(i, n, ref pw, ref pg, ref pa, lr, epsilon);
    }

    // Generic bodies: each processes whole bundles from i and returns where it stopped.

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Sgd<T>(int i, int n, ref float pw, ref float pg, float lr)
        where T : struct, ILanes<T>
    {
        T vlr = T.Splat(lr);
        for (; i <= n - T.Count; i += T.Count)
        {
            nuint at = (nuint)i;
            T.Store(T.Load(ref pw, at) - (T.Load(ref pg, at) * vlr), ref pw, at);
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SgdMomentum<T>(int i, int n, ref float pw, ref float pg, ref float pm, float lr, float momentum, bool nesterov)
        where T : struct, ILanes<T>
    {
        T vlr = T.Splat(lr), mu = T.Splat(momentum);
        for (; i <= n - T.Count; i += T.Count)
        {
            nuint at = (nuint)i;
            T step = T.Load(ref pg, at) * vlr;
            T m = T.FlushSubnormal((T.Load(ref pm, at) * mu) - step);
            T.Store(m, ref pm, at);
            T.Store(T.Load(ref pw, at) + (nesterov ? (m * mu) - step : m), ref pw, at);
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Adam<T>(int i, int n, ref float pw, ref float pg, ref float pm, ref float pv, ref float ph, in AdamScalars k)
        where T : struct, ILanes<T>
    {
        T c1 = T.Splat(k.OneMinusBeta1), c2 = T.Splat(k.OneMinusBeta2), alpha = T.Splat(k.Alpha), eps = T.Splat(k.Epsilon);
        T floorM = T.Splat(k.FloorM), floorV = T.Splat(k.FloorV);
        bool amsgrad = k.Amsgrad;
        for (; i <= n - T.Count; i += T.Count)
        {
            nuint at = (nuint)i;
            T g = T.Load(ref pg, at);
            T m = T.Load(ref pm, at);
            T v = T.Load(ref pv, at);
            m = T.FlushBelow(m + ((g - m) * c1), floorM);
            v = T.FlushBelow(v + (((g * g) - v) * c2), floorV);
            T.Store(m, ref pm, at);
            T.Store(v, ref pv, at);
            if (amsgrad)
            {
                v = T.Max(T.Load(ref ph, at), v);
                T.Store(v, ref ph, at);
            }

            T.Store(T.Load(ref pw, at) - ((m * alpha) / (T.Sqrt(v) + eps)), ref pw, at);
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int RmsProp<T>(int i, int n, ref float pw, ref float pg, ref float pv, ref float ps, ref float pa, in RmsScalars k)
        where T : struct, ILanes<T>
    {
        T lr = T.Splat(k.LearningRate), rho = T.Splat(k.Rho), oneMinusRho = T.Splat(k.OneMinusRho);
        T mu = T.Splat(k.Momentum), eps = T.Splat(k.Epsilon);
        bool useMomentum = k.UseMomentum, centered = k.Centered;
        for (; i <= n - T.Count; i += T.Count)
        {
            nuint at = (nuint)i;
            T g = T.Load(ref pg, at);
            T v = T.FlushSubnormal((rho * T.Load(ref pv, at)) + (oneMinusRho * (g * g)));
            T.Store(v, ref pv, at);
            T denominator;
            if (centered)
            {
                T a = T.FlushSubnormal((rho * T.Load(ref pa, at)) + (oneMinusRho * g));
                T.Store(a, ref pa, at);
                denominator = v - (a * a) + eps;
            }
            else
            {
                denominator = v + eps;
            }

            T increment = (lr * g) / T.Sqrt(denominator);
            if (useMomentum)
            {
                increment = T.FlushSubnormal((mu * T.Load(ref ps, at)) + increment);
                T.Store(increment, ref ps, at);
            }

            T.Store(T.Load(ref pw, at) - increment, ref pw, at);
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Adagrad<T>(int i, int n, ref float pw, ref float pg, ref float pa, float lr, float epsilon)
        where T : struct, ILanes<T>
    {
        T vlr = T.Splat(lr), eps = T.Splat(epsilon);
        for (; i <= n - T.Count; i += T.Count)
        {
            nuint at = (nuint)i;
            T g = T.Load(ref pg, at);
            T acc = T.Load(ref pa, at) + (g * g);
            T.Store(acc, ref pa, at);
            T.Store(T.Load(ref pw, at) - ((vlr * g) / T.Sqrt(acc + eps)), ref pw, at);
        }

        return i;
    }

    // 2^-100: the step size's part of Adam's first-moment floor never exceeds it (a warm-up from a rate of 0 included).
    private const float MomentFloorCap = 7.88860905e-31f;

    /// <summary>
    /// The smallest |x| whose product with <paramref name="factor"/> is a normal float (2⁻¹²⁶/factor, rounded up).
    /// </summary>
    private static float ProductFloor(float factor)
    {
        if (!(factor > 0f))
        {
            return float.PositiveInfinity;
        }

        // The double quotient rounded to float may land just below; the product of two floats is exact in double.
        float floor = (float)(Lanes.SmallestNormal / (double)factor);
        return (double)floor * factor < Lanes.SmallestNormal ? MathF.BitIncrement(floor) : floor;
    }

    private static void Check(int expected, int actual, string name)
    {
        if (actual != expected)
        {
            ThrowHelper.LengthMismatch("w", expected, name, actual);
        }
    }

    // FloorM and FloorV: the moments' floors (see Adam's remarks), computed once per call for every width.
    private readonly record struct AdamScalars(
        float OneMinusBeta1, float OneMinusBeta2, float Alpha, float Epsilon, bool Amsgrad, float FloorM, float FloorV);

    private readonly record struct RmsScalars(
        float LearningRate, float Rho, float OneMinusRho, float Momentum, float Epsilon, bool UseMomentum, bool Centered);
}
