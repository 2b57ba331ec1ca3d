using Nabla.Autodiff;
using Nabla.Gpu.Tests.Support;
using Nabla.Optimizers;

namespace Nabla.Gpu.Tests.Devices;

/// <summary>
/// Gradient clipping (clipnorm, clipvalue, global_clipnorm) of the optimizers with their variables on the
/// <c>ilgpu-cpu</c> device against the CPU engine: the same weights after several steps, with a gradient left out, a
/// rank-0 variable, clipping that binds and that does not, a diverged gradient, and a custom optimizer.
/// </summary>
[Collection(DeviceCollection.Name)]
public class OptimizerClippingParityTests
{
    private static readonly Dictionary<string, Func<Optimizer>> Cases = new()
    {
        ["SGD clipnorm binding"] = () => new SGD(0.1, clipnorm: 0.5),
        ["SGD momentum clipnorm loose"] = () => new SGD(0.1, momentum: 0.9, clipnorm: 100),
        ["Adam clipvalue"] = () => new Adam(0.01, clipvalue: 0.3),
        ["AdamW global clipnorm binding"] = () => new AdamW(0.01, globalClipnorm: 0.7),
        ["RMSprop global clipnorm loose"] = () => new RMSprop(0.01, globalClipnorm: 1e3),
        ["Adagrad clipnorm with weight decay"] = () => new Adagrad(0.1, weightDecay: 0.01, clipnorm: 0.2),
        ["Custom optimizer clipnorm"] = () => new HalvingSgd(clipnorm: 0.4),
        ["Custom optimizer global clipnorm"] = () => new HalvingSgd(globalClipnorm: 0.4),
        ["Custom optimizer clipvalue"] = () => new HalvingSgd(clipvalue: 0.25),
    };

    /// <summary>The case names.</summary>
    public static TheoryData<string> Names => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void Clipped_updates_on_the_device_match_the_cpu(string name)
    {
        float[][] cpu = Run(Device.Cpu, Cases[name], diverge: false);
        float[][] dev = Run(DeviceCollection.Accelerator, Cases[name], diverge: false);
        for (int i = 0; i < cpu.Length; i++)
        {
            Close.All(cpu[i], dev[i], atol: 1e-6, rtol: 1e-5, what: $"{name}: variable {i}");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_diverged_gradient_poisons_every_weight_under_global_clipnorm_on_both_engines(bool device)
    {
        float[][] w = Run(device ? DeviceCollection.Accelerator : Device.Cpu, () => new SGD(0.1, globalClipnorm: 1), diverge: true);
        Assert.All(w, v => Assert.All(v, x => Assert.True(float.IsNaN(x))));
    }

    // Three steps over a [4, 5] matrix, a [3] vector and a rank-0 scalar; the vector gets no gradient at step 2.
    private static float[][] Run(Device device, Func<Optimizer> make, bool diverge)
    {
        Variable[] vars =
        [
            new(Tensor.RandomUniform([4, 5], -1f, 1f, seed: 1).To(device), "m"),
            new(Tensor.RandomUniform([3], -1f, 1f, seed: 2).To(device), "v"),
            new(Tensor.FromArray(new float[] { 0.5f }, []).To(device), "s"),
        ];
        Optimizer opt = make();
        for (int step = 0; step < 3; step++)
        {
            Tensor m = Tensor.RandomUniform([4, 5], -2f, 2f, seed: 10 + step);
            if (diverge)
            {
                float[] values = m.ToArray();
                values[7] = float.PositiveInfinity;
                m = Tensor.FromArray(values, 4, 5);
            }

            Tensor?[] grads =
            [
                m.To(device),
                step == 2 ? null : Tensor.RandomUniform([3], -0.1f, 0.1f, seed: 20 + step).To(device),
                Tensor.FromArray(new float[] { 0.3f * (step + 1) }, []).To(device),
            ];
            opt.Apply(grads!, vars);
        }

        return [.. vars.Select(v => v.Value.ToArray())];
    }

    /// <summary>A user optimizer (span code): w −= lr·g/2, with the base class's clipping.</summary>
    private sealed class HalvingSgd(double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null)
        : Optimizer(0.1, null, clipnorm, clipvalue, globalClipnorm, "halving_sgd")
    {
        protected override void BuildSlots(IReadOnlyList<Variable> variables)
        {
        }

        protected override void UpdateStep(Span<float> weight, ReadOnlySpan<float> gradient, int slot, int offset, float learningRate)
        {
            for (int i = 0; i < weight.Length; i++)
            {
                weight[i] -= learningRate * gradient[i] * 0.5f;
            }
        }
    }
}
