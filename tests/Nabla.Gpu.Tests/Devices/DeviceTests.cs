using Nabla.Devices;
using Nabla.Gpu.Tests.Support;

namespace Nabla.Gpu.Tests.Devices;

/// <summary>The public device API: names, the default and NABLA_DEVICE, scopes, and where layers put their weights.</summary>
[Collection(DeviceCollection.Name)]
public class DeviceTests
{
    private static DeviceProvider Provider => DeviceProvider.Find()!;

    [Fact]
    public void The_cpu_comes_first_and_the_accelerator_is_a_test_device()
    {
        IReadOnlyList<Device> all = Device.List();
        Assert.Same(Device.Cpu, all[0]);
        Assert.DoesNotContain(all, d => d.Kind == DeviceKind.CpuAccelerator);
        Device accelerator = Device.Get("ilgpu-cpu");
        Assert.Equal(DeviceKind.CpuAccelerator, accelerator.Kind);
        Assert.Same(accelerator, Device.Get("ilgpu-cpu"));
        Assert.Same(Device.Cpu, Device.Get("cpu"));
        Assert.Equal(GpuDevice.IsCudaAvailable ? 1 + GpuDevice.List().Count(d => d.Kind == GpuDeviceKind.Cuda) : 1, all.Count);
    }

    [Fact]
    public void An_unknown_name_lists_what_exists()
    {
        var e = Assert.Throws<ArgumentException>(() => Device.Get("cuda:17"));
        Assert.Contains("device 'cuda:17' does not exist", e.Message, StringComparison.Ordinal);
        Assert.Contains(GpuDevice.IsCudaAvailable ? "the devices are cpu, cuda:0" : "no CUDA GPU is usable", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Device.Get("gpu"));
    }

    [Fact]
    public void NABLA_DEVICE_chooses_the_default()
    {
        Assert.Same(Device.Cpu, Device.ResolveDefault("cpu", Provider));
        Assert.Same(Device.Cpu, Device.ResolveDefault(" cpu ", Provider));
        Assert.Same(Device.Get("ilgpu-cpu"), Device.ResolveDefault("ilgpu-cpu", Provider));
        Assert.Same(GpuDevice.IsCudaAvailable ? Device.Get("cuda:0") : Device.Cpu, Device.ResolveDefault(null, Provider));
        Assert.Same(GpuDevice.IsCudaAvailable ? Device.Get("cuda:0") : Device.Cpu, Device.ResolveDefault("", Provider));
        var e = Assert.Throws<InvalidOperationException>(() => Device.ResolveDefault("cuda:9", Provider));
        Assert.Contains("NABLA_DEVICE is 'cuda:9', but device 'cuda:9' does not exist", e.Message, StringComparison.Ordinal);
        if (GpuDevice.IsCudaAvailable)
        {
            Assert.Same(Device.Get("cuda:0"), Device.ResolveDefault("cuda", Provider));
        }
    }

    [Fact]
    public void Without_the_gpu_assembly_only_the_cpu_exists()
    {
        Assert.Same(Device.Cpu, Device.ResolveDefault(null, null));
        var e = Assert.Throws<InvalidOperationException>(() => Device.ResolveDefault("cuda", null));
        Assert.Contains("reference the Nabla.Gpu package", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Use_scopes_nest_and_follow_the_async_flow()
    {
        Device outer = Device.Current, accelerator = DeviceCollection.Accelerator;
        using (Device.Use("ilgpu-cpu"))
        {
            Assert.Same(accelerator, Device.Current);
            using (Device.Use(Device.Cpu))
            {
                Assert.Same(Device.Cpu, Device.Current);
            }

            Assert.Same(accelerator, Device.Current);
            await Task.Yield();
            Assert.Same(accelerator, Device.Current);
            Device seenByTask = await Task.Run(() => Device.Current);
            Assert.Same(accelerator, seenByTask);
        }

        Assert.Same(outer, Device.Current);
        Device other = await Task.Run(() =>
        {
            using (Device.Use(accelerator))
            {
                return Device.Current;
            }
        });
        Assert.Same(accelerator, other);
        Assert.Same(outer, Device.Current);
    }

    [Fact]
    public void Layers_build_their_weights_on_the_current_device()
    {
        Device accelerator = DeviceCollection.Accelerator;
        var dense = new Nabla.Layers.Dense(3);
        using (Device.Use(accelerator))
        {
            int[] shape = dense.ComputeOutputShape([-1, 4]);
            Assert.Equal([-1, 3], shape);
        }

        Assert.All(dense.Weights, w => Assert.Same(accelerator, w.Value.Device));
        var onCpu = new Nabla.Layers.Dense(3);
        Assert.Equal([-1, 3], onCpu.ComputeOutputShape([-1, 4]));
        Assert.All(onCpu.Weights, w => Assert.Same(Device.Current, w.Value.Device));
    }

    [Fact]
    public void Describes_itself()
    {
        Device accelerator = DeviceCollection.Accelerator;
        Assert.StartsWith("ilgpu-cpu (ILGPU CPU accelerator", accelerator.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("cpu (", Device.Cpu.ToString(), StringComparison.Ordinal);
        Assert.Equal("ilgpu-cpu", accelerator.Name);
    }

    [Fact]
    public void The_first_training_on_a_device_names_it_once()
    {
        int announced = 0;
        using var output = new StringWriter();
        Device.Announce(Device.Cpu, output, ref announced);
        Assert.Equal(string.Empty, output.ToString());
        Device.Announce(DeviceCollection.Accelerator, output, ref announced);
        Device.Announce(DeviceCollection.Accelerator, output, ref announced);
        Assert.Equal($"Training on {DeviceCollection.Accelerator}{Environment.NewLine}", output.ToString());
        Assert.StartsWith("Training on ilgpu-cpu (", output.ToString(), StringComparison.Ordinal);
    }
}
