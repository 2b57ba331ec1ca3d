using Nabla.Devices;

namespace Nabla.Gpu.Devices;

// The built-in optimizers' in-place updates on the kernel library's OptimizerKernels, and gradient clipping by norm (ClipKernels).
internal sealed partial class GpuBackend
{
    /// <inheritdoc/>
    public override void OptimizerStep(OptimizerRule rule, Tensor w, Tensor g, Tensor? slot1, Tensor? slot2, Tensor? slot3, in OptimizerArguments arguments)
    {
        int n = w.Size;
        if (n == 0)
        {
            return;
        }

        Enter();
        Nabla.Gpu.Kernels.OptimizerKernels o = Kernels.Optimizers;
        switch (rule)
        {
            case OptimizerRule.Sgd:
                o.Sgd(View(w), View(g), n, arguments.LearningRate);
                break;
            case OptimizerRule.SgdMomentum:
                o.SgdMomentum(View(w), View(g), View(slot1!), n, arguments.LearningRate, arguments.Momentum, arguments.Nesterov);
                break;
            case OptimizerRule.Adam:
                o.Adam(View(w), View(g), View(slot1!), View(slot2!), ViewOrEmpty(slot3), n,
                    arguments.OneMinusBeta1, arguments.OneMinusBeta2, arguments.Alpha, arguments.Epsilon);
                break;
            case OptimizerRule.RmsProp:
                o.RmsProp(View(w), View(g), View(slot1!), ViewOrEmpty(slot2), ViewOrEmpty(slot3), n,
                    arguments.LearningRate, arguments.Rho, arguments.Momentum, arguments.Epsilon);
                break;
            default:
                o.Adagrad(View(w), View(g), View(slot1!), n, arguments.LearningRate, arguments.Epsilon);
                break;
        }
    }

    /// <inheritdoc/>
    public override void SumOfSquares(Tensor x, Tensor sums)
    {
        Enter();
        Kernels.Clip.SumOfSquares(View(x), x.Size, View(sums));
    }

    /// <inheritdoc/>
    public override void ClipScale(Tensor sums, float limit, bool global, Tensor scale)
    {
        Enter();
        Kernels.Clip.Scale(View(sums), sums.Size, limit, global, View(scale));
    }
}
