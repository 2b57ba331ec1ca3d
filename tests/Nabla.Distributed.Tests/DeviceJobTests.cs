using System.Globalization;
using Nabla.Distributed.Tests.Support;

namespace Nabla.Distributed.Tests;

/// <summary>
/// Data-parallel training of a model on a device under <c>mpirun -np 2</c>: ILGPU's CPU accelerator (<c>ilgpu-cpu</c>,
/// the GPU kernels on simulated GPU threads) against the same job on the CPU engine. Rank 0's weights are broadcast to
/// device variables, the device gradients summed through host buffers during the backward pass, and the batch-norm
/// statistics averaged across the ranks' devices.
/// </summary>
[Collection(MpiJobCollection.Name)]
public class DeviceJobTests
{
    [Fact]
    public void Two_ranks_on_the_ilgpu_cpu_device_keep_identical_weights_and_match_the_cpu_job()
    {
        JobResult device = MpiJob.OpenMpi(2, "fit", "120", "overlap-small-bn", "64", "ilgpu-cpu");
        device.AssertSucceeded();
        JobResult cpu = MpiJob.OpenMpi(2, "fit", "120", "overlap-small-bn", "64");
        cpu.AssertSucceeded();

        for (int r = 0; r < 2; r++)
        {
            AssertEx.Contains(device.Line(r, "device"), "ilgpu-cpu");
            AssertEx.Contains(cpu.Line(r, "device"), "cpu");

            // Six gradients (two kernels, two biases, gamma and beta) in six buckets: five handed over during each pass.
            Assert.EndsWith("steps 24 overlapped buckets 120", device.Line(r, "strategy"), StringComparison.Ordinal);
        }

        Assert.Equal(device.Line(0, "weights digest"), device.Line(1, "weights digest"));
        Assert.Equal(device.Line(0, "predict sample"), device.Line(1, "predict sample"));

        // The device's kernels round differently from the CPU engine's (other summation orders), so the two jobs agree to
        // a few units in the sixth digit after 24 Adam steps, not bit for bit.
        foreach (string prefix in new[] { "weights sample", "history loss", "history val_loss", "predict sample" })
        {
            double[] expected = Numbers(cpu.Line(0, prefix), prefix), actual = Numbers(device.Line(0, prefix), prefix);
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 + (1e-4 * Math.Abs(expected[i])),
                    $"{prefix}[{i}]: cpu {expected[i]}, ilgpu-cpu {actual[i]}");
            }
        }
    }

    private static double[] Numbers(string line, string prefix) =>
        [.. line[(line.IndexOf(prefix, StringComparison.Ordinal) + prefix.Length)..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture))];
}
