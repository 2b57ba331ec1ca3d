using ILGPU;
using ILGPU.Runtime;

namespace Nabla.Gpu.Kernels;

/// <summary>
/// Fused in-place parameter updates with the formulas and order of operations of the CPU engine's <c>OptimizerSteps</c>
/// (Keras 3's <c>update_step</c>), including decoupled weight decay first (w = w·(−decay) + w, decay = lr·weight_decay, as
/// the optimizer base class applies it; 0 for none) and the flush of subnormal slot values to zero.
/// </summary>
/// <remarks>
/// One thread per element. ptxas may contract a multiply and an add into one FMA, so results equal the CPU engine's to
/// rounding rather than bit for bit. The gradient must not alias the weight or a slot.
/// </remarks>
internal sealed class OptimizerKernels(GpuDevice device)
{
    private const float SmallestNormal = 1.17549435e-38f;

    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, StepArgs>? _step;

    /// <summary>The update rules, as the kernel's switch.</summary>
    internal enum Rule
    {
        /// <summary>Plain SGD.</summary>
        Sgd,

        /// <summary>SGD with (Nesterov) momentum.</summary>
        SgdMomentum,

        /// <summary>Adam, AdamW, AMSGrad.</summary>
        Adam,

        /// <summary>RMSprop (centered, with momentum).</summary>
        RmsProp,

        /// <summary>Adagrad.</summary>
        Adagrad,
    }

    /// <summary>Plain SGD: w −= g·lr.</summary>
    public void Sgd(ArrayView<float> w, ArrayView<float> g, int n, float lr, float decay = 0f) =>
        Run("Sgd", Rule.Sgd, n, w, g, default, default, default, new StepArgs { N = n, LearningRate = lr, Decay = decay });

    /// <summary>SGD with momentum: m = m·μ − g·lr, then w += m, or with Nesterov w += m·μ − g·lr.</summary>
    public void SgdMomentum(ArrayView<float> w, ArrayView<float> g, ArrayView<float> m, int n, float lr, float momentum, bool nesterov, float decay = 0f) =>
        Run("SgdMomentum", Rule.SgdMomentum, n, w, g, m, default, default,
            new StepArgs { N = n, LearningRate = lr, Momentum = momentum, Nesterov = nesterov ? 1 : 0, Decay = decay });

    /// <summary>
    /// Adam (AdamW with a decay): m += (g − m)(1 − β1); v += (g² − v)(1 − β2); with AMSGrad v̂ = max(v̂, v) replaces v;
    /// w −= m·α/(√v + ε), α = lr·√(1 − β2^t)/(1 − β1^t) computed by the caller. <paramref name="vHat"/> is empty without AMSGrad.
    /// </summary>
    public void Adam(ArrayView<float> w, ArrayView<float> g, ArrayView<float> m, ArrayView<float> v, ArrayView<float> vHat, int n,
        float oneMinusBeta1, float oneMinusBeta2, float alpha, float epsilon, float decay = 0f) =>
        Run("Adam", Rule.Adam, n, w, g, m, v, vHat, new StepArgs
        {
            N = n,
            OneMinusBeta1 = oneMinusBeta1,
            OneMinusBeta2 = oneMinusBeta2,
            Alpha = alpha,
            Epsilon = epsilon,
            Decay = decay,
            UseThird = vHat.Length > 0 ? 1 : 0,
        });

    /// <summary>
    /// RMSprop: v = ρv + (1 − ρ)g²; centered: a = ρa + (1 − ρ)g, d = v − a² + ε, else d = v + ε; inc = lr·g/√d; with momentum
    /// s = μs + inc, w −= s; else w −= inc. <paramref name="momentumBuffer"/> is empty without momentum,
    /// <paramref name="averageGradient"/> when not centered.
    /// </summary>
    public void RmsProp(ArrayView<float> w, ArrayView<float> g, ArrayView<float> velocity, ArrayView<float> momentumBuffer, ArrayView<float> averageGradient,
        int n, float lr, float rho, float momentum, float epsilon, float decay = 0f) =>
        Run("RmsProp", Rule.RmsProp, n, w, g, velocity, momentumBuffer, averageGradient, new StepArgs
        {
            N = n,
            LearningRate = lr,
            Rho = rho,
            OneMinusRho = 1f - rho,
            Momentum = momentum,
            Epsilon = epsilon,
            Decay = decay,
            UseSecond = momentumBuffer.Length > 0 ? 1 : 0,
            UseThird = averageGradient.Length > 0 ? 1 : 0,
        });

    /// <summary>Adagrad: acc += g²; w −= lr·g/√(acc + ε).</summary>
    public void Adagrad(ArrayView<float> w, ArrayView<float> g, ArrayView<float> accumulator, int n, float lr, float epsilon, float decay = 0f) =>
        Run("Adagrad", Rule.Adagrad, n, w, g, accumulator, default, default, new StepArgs { N = n, LearningRate = lr, Epsilon = epsilon, Decay = decay });

    private void Run(string name, Rule rule, int n, ArrayView<float> w, ArrayView<float> g, ArrayView<float> s1, ArrayView<float> s2, ArrayView<float> s3, StepArgs args)
    {
        Check.NonNegative(name, n, nameof(n));
        Check.Length(name, w, n, nameof(w));
        Check.Length(name, g, n, nameof(g));
        bool needsFirst = rule is Rule.SgdMomentum or Rule.Adam or Rule.RmsProp or Rule.Adagrad;
        if (needsFirst)
        {
            Check.Length(name, s1, n, rule == Rule.Adagrad ? "accumulator" : rule == Rule.RmsProp ? "velocity" : "m");
        }

        if (rule == Rule.Adam)
        {
            Check.Length(name, s2, n, "v");
        }

        if (s2.Length > 0)
        {
            Check.Length(name, s2, n, rule == Rule.RmsProp ? "momentumBuffer" : "v");
        }

        if (s3.Length > 0)
        {
            Check.Length(name, s3, n, rule == Rule.RmsProp ? "averageGradient" : "vHat");
        }

        if (n == 0)
        {
            return;
        }

        args.Rule = (int)rule;
        try
        {
            _step ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, StepArgs>(StepKernel);
            // Unused slots get the weight's view (never touched): a kernel must not receive an empty (null) view.
            _step(device.ElementwiseConfig(n), w, g, s1.Length > 0 ? s1 : w, s2.Length > 0 ? s2 : w, s3.Length > 0 ? s3 : w, args);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail(name, e);
        }
    }

    private static float Flush(float x) => MathF.Abs(x) < SmallestNormal ? 0f : x;

    private static void StepKernel(ArrayView<float> w, ArrayView<float> g, ArrayView<float> s1, ArrayView<float> s2, ArrayView<float> s3, StepArgs k)
    {
        for (int i = Grid.GlobalIndex.X; i < k.N; i += Grid.DimX * Group.DimX)
        {
            float wi = w[i];
            if (k.Decay != 0f)
            {
                wi = (wi * -k.Decay) + wi;
            }

            float gi = g[i];
            switch ((Rule)k.Rule)
            {
                case Rule.Sgd:
                    wi -= gi * k.LearningRate;
                    break;
                case Rule.SgdMomentum:
                    {
                        float step = gi * k.LearningRate;
                        float m = Flush((s1[i] * k.Momentum) - step);
                        s1[i] = m;
                        wi += k.Nesterov != 0 ? (m * k.Momentum) - step : m;
                        break;
                    }

                case Rule.Adam:
                    {
                        float m = s1[i], v = s2[i];
                        m = Flush(m + ((gi - m) * k.OneMinusBeta1));
                        v = Flush(v + (((gi * gi) - v) * k.OneMinusBeta2));
                        s1[i] = m;
                        s2[i] = v;
                        if (k.UseThird != 0)
                        {
                            v = MathF.Max(s3[i], v);
                            s3[i] = v;
                        }

                        wi -= (m * k.Alpha) / (MathF.Sqrt(v) + k.Epsilon);
                        break;
                    }

                case Rule.RmsProp:
                    {
                        float v = Flush((k.Rho * s1[i]) + (k.OneMinusRho * (gi * gi)));
                        s1[i] = v;
                        float denominator;
                        if (k.UseThird != 0)
                        {
                            float a = Flush((k.Rho * s3[i]) + (k.OneMinusRho * gi));
                            s3[i] = a;
                            denominator = v - (a * a) + k.Epsilon;
                        }
                        else
                        {
                            denominator = v + k.Epsilon;
                        }

                        float increment = (k.LearningRate * gi) / MathF.Sqrt(denominator);
                        if (k.UseSecond != 0)
                        {
                            increment = Flush((k.Momentum * s2[i]) + increment);
                            s2[i] = increment;
                        }

                        wi -= increment;
                        break;
                    }

                default:
                    {
                        float acc = s1[i] + (gi * gi);
                        s1[i] = acc;
                        wi -= (k.LearningRate * gi) / MathF.Sqrt(acc + k.Epsilon);
                        break;
                    }
            }

            w[i] = wi;
        }
    }

    /// <summary>An update's rule, sizes and hyperparameters, as one kernel argument.</summary>
    internal struct StepArgs
    {
#pragma warning disable SA1600 // plain kernel arguments, documented on the methods
        public int Rule, N, Nesterov, UseSecond, UseThird;
        public float LearningRate, Momentum, OneMinusBeta1, OneMinusBeta2, Alpha, Epsilon, Rho, OneMinusRho, Decay;
#pragma warning restore SA1600
    }
}
