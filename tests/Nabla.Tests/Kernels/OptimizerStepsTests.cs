using Nabla.Kernels;
using Nabla.Tests.Support;

namespace Nabla.Tests.Kernels;

/// <summary>
/// The fused optimizer kernels against naive double twins, over every remainder length and every vector width
/// (512, 256, scalar), and the widths against each other bit for bit. In the kernel-settings collection because it
/// sets the process-wide <c>OptimizerSteps.MaxVectorBits</c>.
/// </summary>
[Collection(KernelSettingsCollection.Name)]
public class OptimizerStepsTests
{
    public static TheoryData<int, int> Cases()
    {
        var data = new TheoryData<int, int>();
        foreach (int bits in new[] { 512, 256, 0 })
        {
            for (int n = 0; n <= (3 * 16) + 1; n++)
            {
                data.Add(n, bits);
            }

            data.Add(257, bits);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Adam_matches_naive_twin(int n, int bits)
    {
        foreach (bool amsgrad in new[] { false, true })
        {
            (float[] w, float[] g, float[] m, float[] v, float[] h) = (Data(n, 1), Data(n, 2), Data(n, 3, 0f, 0.1f), Data(n, 4, 0f, 0.1f), Data(n, 5, 0f, 0.1f));
            (double[] wr, double[] mr, double[] vr, double[] hr) = (D(w), D(m), D(v), D(h));
            for (int i = 0; i < n; i++)
            {
                mr[i] += (g[i] - mr[i]) * 0.1;
                vr[i] += ((g[i] * (double)g[i]) - vr[i]) * 0.001;
                double vi = vr[i];
                if (amsgrad)
                {
                    hr[i] = Math.Max(hr[i], vr[i]);
                    vi = hr[i];
                }

                wr[i] -= mr[i] * 0.01 / (Math.Sqrt(vi) + 1e-7);
            }

            WithWidth(bits, () => OptimizerSteps.Adam(w, g, m, v, amsgrad ? h : default, 0.1f, 0.001f, 0.01f, 1e-7f));
            AssertEx.Close(F(wr), w, 1e-6, 1e-5);
            AssertEx.Close(F(mr), m, 1e-7, 1e-5);
            AssertEx.Close(F(vr), v, 1e-7, 1e-5);
            if (amsgrad)
            {
                AssertEx.Close(F(hr), h, 1e-7, 1e-5);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sgd_and_momentum_match_naive_twins(int n, int bits)
    {
        (float[] w, float[] g) = (Data(n, 1), Data(n, 2));
        double[] wr = D(w);
        for (int i = 0; i < n; i++)
        {
            wr[i] -= g[i] * 0.1;
        }

        WithWidth(bits, () => OptimizerSteps.Sgd(w, g, 0.1f));
        AssertEx.Close(F(wr), w, 1e-6, 1e-6);

        foreach (bool nesterov in new[] { false, true })
        {
            (w, float[] m) = (Data(n, 3), Data(n, 4));
            (wr, double[] mr) = (D(w), D(m));
            for (int i = 0; i < n; i++)
            {
                mr[i] = (mr[i] * 0.9) - (g[i] * 0.1);
                wr[i] += nesterov ? (mr[i] * 0.9) - (g[i] * 0.1) : mr[i];
            }

            WithWidth(bits, () => OptimizerSteps.SgdMomentum(w, g, m, 0.1f, 0.9f, nesterov));
            AssertEx.Close(F(wr), w, 1e-6, 1e-5);
            AssertEx.Close(F(mr), m, 1e-6, 1e-5);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RmsProp_matches_naive_twin_in_all_four_variants(int n, int bits)
    {
        foreach (bool momentum in new[] { false, true })
        {
            foreach (bool centered in new[] { false, true })
            {
                (float[] w, float[] g, float[] v, float[] s, float[] a) = (Data(n, 1), Data(n, 2), Data(n, 3, 0.5f, 1f), Data(n, 4), Data(n, 5, -0.1f, 0.1f));
                (double[] wr, double[] vr, double[] sr, double[] ar) = (D(w), D(v), D(s), D(a));
                for (int i = 0; i < n; i++)
                {
                    vr[i] = (0.9 * vr[i]) + ((1 - 0.9f) * g[i] * (double)g[i]);
                    double denominator = vr[i] + 1e-7;
                    if (centered)
                    {
                        ar[i] = (0.9 * ar[i]) + ((1 - 0.9f) * g[i]);
                        denominator = vr[i] - (ar[i] * ar[i]) + 1e-7;
                    }

                    double increment = 0.01 * g[i] / Math.Sqrt(denominator);
                    if (momentum)
                    {
                        sr[i] = (0.5 * sr[i]) + increment;
                        increment = sr[i];
                    }

                    wr[i] -= increment;
                }

                WithWidth(bits, () => OptimizerSteps.RmsProp(w, g, v, momentum ? s : default, centered ? a : default, 0.01f, 0.9f, 0.5f, 1e-7f));
                AssertEx.Close(F(wr), w, 1e-6, 1e-5);
                AssertEx.Close(F(vr), v, 1e-6, 1e-5);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Adagrad_matches_naive_twin(int n, int bits)
    {
        (float[] w, float[] g, float[] acc) = (Data(n, 1), Data(n, 2), Data(n, 3, 0.1f, 0.2f));
        (double[] wr, double[] ar) = (D(w), D(acc));
        for (int i = 0; i < n; i++)
        {
            ar[i] += g[i] * (double)g[i];
            wr[i] -= 0.5 * g[i] / Math.Sqrt(ar[i] + 1e-7);
        }

        WithWidth(bits, () => OptimizerSteps.Adagrad(w, g, acc, 0.5f, 1e-7f));
        AssertEx.Close(F(wr), w, 1e-6, 1e-5);
        AssertEx.Close(F(ar), acc, 1e-6, 1e-5);
    }

    [Fact]
    public void All_widths_give_identical_bits()
    {
        const int n = 16 * 5 + 7;
        float[] Run(int bits)
        {
            (float[] w, float[] g, float[] m, float[] v, float[] h) = (Data(n, 1), Data(n, 2), Data(n, 3), Data(n, 4, 0f, 1f), Data(n, 5, 0f, 1f));
            WithWidth(bits, () =>
            {
                OptimizerSteps.Adam(w, g, m, v, h, 0.1f, 0.001f, 0.01f, 1e-7f);
                OptimizerSteps.RmsProp(w, g, v, m, h, 0.01f, 0.9f, 0.5f, 1e-7f);
            });
            return w;
        }

        float[] scalar = Run(0);
        Assert.Equal(scalar, Run(256));
        Assert.Equal(scalar, Run(512));
    }

    [Theory]
    [InlineData(512)]
    [InlineData(256)]
    [InlineData(0)]
    public void Decaying_slots_are_flushed_to_zero_below_the_smallest_normal_float(int bits)
    {
        // A weight whose gradient has stopped: its momentum only decays. 1e-39 is subnormal; 0.9·1e-39 would stay
        // subnormal (and slow) for ever, so it becomes 0. Normal values, signs and NaN pass through untouched.
        const int n = 16 + 8 + 3;
        float[] m = new float[n], v = new float[n], w = new float[n], g = new float[n];
        Array.Fill(m, 1e-39f);
        Array.Fill(v, 2e-39f);
        (m[1], v[1]) = (-1e-39f, 0f);
        (m[2], v[2]) = (1e-30f, 1e-30f);
        (m[n - 1], v[n - 1]) = (float.NaN, 1e-30f);
        WithWidth(bits, () => OptimizerSteps.Adam(w, g, m, v, default, 0.1f, 0.001f, 0.01f, 1e-7f));
        for (int i = 0; i < n - 1; i++)
        {
            Assert.False(float.IsSubnormal(m[i]) || float.IsSubnormal(v[i]), $"element {i}: m {m[i]}, v {v[i]}");
        }

        Assert.Equal(0f, m[0]);
        Assert.Equal(0f, v[0]);
        Assert.Equal(1e-30f + ((0f - 1e-30f) * 0.1f), m[2]);
        Assert.True(float.IsNaN(m[n - 1]) && float.IsNaN(w[n - 1]));

        float[] momentum = [1e-39f, -3e-39f, 0.5f];
        WithWidth(bits, () => OptimizerSteps.SgdMomentum(new float[3], new float[3], momentum, 0.1f, 0.9f, nesterov: false));
        Assert.Equal([0f, 0f, 0.45f], momentum);

        float[] velocity = [1e-39f, 1f];
        WithWidth(bits, () => OptimizerSteps.RmsProp(new float[2], new float[2], velocity, default, default, 0.1f, 0.9f, 0f, 1e-7f));
        Assert.Equal([0f, 0.9f], velocity);
    }

    [Theory]
    [InlineData(512)]
    [InlineData(256)]
    [InlineData(0)]
    public void Adam_zeroes_a_decaying_moment_before_its_products_would_be_subnormal(int bits)
    {
        // 1 − β1 = 0.1, 1 − β2 = 0.001, α = 0.01, g = 0: m decays by 0.9 and v by 0.999 a step. m · α is subnormal below
        // 2^-126 / 0.01 = 1.1755e-36 (the larger of the two products' floors), v · 0.001 below 2^-126 / 0.001 =
        // 1.1755e-35. Below its floor a moment becomes 0, so no later step multiplies a subnormal out of it (on x86
        // each such instruction takes a microcode assist, about a hundred cycles); above it, it is the plain update.
        const float mFloor = 1.17549435e-36f, vFloor = 1.17549435e-35f;
        const int n = 16 + 8 + 3;
        float[] m = new float[n], v = new float[n], w = new float[n], g = new float[n];
        for (int i = 0; i < n; i++)
        {
            // Before the step, so that after it (× 0.9, × 0.999) they straddle the floors: 0.5, 0.99, 1.01 and 2 floors.
            float scale = (i % 4) switch { 0 => 0.5f, 1 => 0.99f, 2 => 1.01f, _ => 2f };
            m[i] = (i % 2 == 0 ? 1 : -1) * mFloor * scale / 0.9f;
            v[i] = vFloor * scale / 0.999f;
        }

        float[] m0 = (float[])m.Clone(), v0 = (float[])v.Clone();
        WithWidth(bits, () => OptimizerSteps.Adam(w, g, m, v, default, 0.1f, 0.001f, 0.01f, 1e-7f));
        for (int i = 0; i < n; i++)
        {
            float plainM = m0[i] + ((0f - m0[i]) * 0.1f), plainV = v0[i] + ((0f - v0[i]) * 0.001f);
            Assert.Equal(MathF.Abs(plainM) < mFloor ? 0f : plainM, m[i]);
            Assert.Equal(plainV < vFloor ? 0f : plainV, v[i]);
            Assert.True(m[i] == 0f || MathF.Abs(m[i] * 0.01f) >= 1.17549435e-38f, $"element {i}: m · α = {m[i] * 0.01f} is subnormal");
        }

        // 0.5 and 0.99 floors are zeroed, 1.01 and 2 kept: the floor is where the comment says.
        Assert.Equal([true, true, false, false], m[..4].Select(x => x == 0f));
        Assert.Equal([true, true, false, false], v[..4].Select(x => x == 0f));

        // A rate of 0 (the first step of a warm-up) moves no weight and caps the floor at 2^-100 = 7.8886e-31: the
        // moments keep accumulating for the steps that follow.
        float[] m1 = [1e-30f / 0.9f, 5e-31f / 0.9f], v1 = [1f, 1f], w1 = [3f, 4f], g1 = new float[2];
        WithWidth(bits, () => OptimizerSteps.Adam(w1, g1, m1, v1, default, 0.1f, 0.001f, 0f, 1e-7f));
        Assert.Equal([3f, 4f], w1);
        Assert.Equal(1e-30f, m1[0], 1e-36f);
        Assert.Equal(0f, m1[1]);
    }

    [Fact]
    public void Length_mismatch_is_rejected()
    {
        AssertEx.Throws<ArgumentException>(() => OptimizerSteps.Adam(new float[4], new float[4], new float[3], new float[4], default, 0.1f, 0.1f, 0.1f, 0.1f), "'m' (3 elements)");
        AssertEx.Throws<ArgumentException>(() => OptimizerSteps.Sgd(new float[4], new float[5], 0.1f), "'g' (5 elements)");
    }

    private static void WithWidth(int bits, Action act)
    {
        int saved = OptimizerSteps.MaxVectorBits;
        OptimizerSteps.MaxVectorBits = bits;
        try
        {
            act();
        }
        finally
        {
            OptimizerSteps.MaxVectorBits = saved;
        }
    }

    private static float[] Data(int n, int seed, float low = -1f, float high = 1f) => TestData.UniformArray(n, low, high, seed: (n * 31) + seed);

    private static double[] D(float[] a) => Array.ConvertAll(a, x => (double)x);

    private static float[] F(double[] a) => Array.ConvertAll(a, x => (float)x);
}
