using Nabla.Gpu.Tests.Support;

namespace Nabla.Gpu.Tests;

public sealed class GpuDeviceTests
{
    [Fact]
    public void List_ends_with_the_cpu_accelerator_and_names_cuda_devices_in_order()
    {
        IReadOnlyList<GpuDeviceInfo> devices = GpuDevice.List();
        Assert.Equal(GpuDevice.CpuName, devices[^1].Name);
        Assert.Equal(GpuDeviceKind.Cpu, devices[^1].Kind);
        for (int i = 0; i < devices.Count - 1; i++)
        {
            Assert.Equal($"cuda:{i}", devices[i].Name);
            Assert.Equal(GpuDeviceKind.Cuda, devices[i].Kind);
        }

        Assert.Equal(GpuDevice.IsCudaAvailable, devices.Count > 1);
        Assert.Equal(GpuDevice.IsCudaAvailable, GpuDevice.CudaUnavailableReason is null);
    }

    [Fact]
    public void Without_a_gpu_opening_cuda_says_why()
    {
        if (GpuDevice.IsCudaAvailable)
        {
            return;   // the Cuda category covers machines with a GPU
        }

        var e = Assert.Throws<ArgumentException>(() => GpuDevice.Open("cuda:0"));
        Assert.Contains("device 'cuda:0' does not exist; no CUDA device is usable: ", e.Message);
        Assert.Contains(GpuDevice.CudaUnavailableReason!, e.Message);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("CPU")]
    public void Malformed_names_are_refused_with_the_accepted_forms(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => GpuDevice.Open(name));
        Assert.Contains("expects \"cuda\", \"cuda:N\" or \"cpu\"", e.Message);
    }

    [Fact]
    public void The_cpu_accelerator_opens_and_reports_itself()
    {
        using GpuDevice device = GpuDevice.Open("cpu");
        Assert.Equal("cpu", device.Name);
        Assert.Equal(GpuDeviceKind.Cpu, device.Kind);
        Assert.StartsWith("cpu (", device.ToString());
    }

    [Fact]
    public void A_disposed_device_refuses_work()
    {
        GpuDevice device = GpuDevice.OpenCpu();
        device.Dispose();
        Assert.Throws<ObjectDisposedException>(() => device.Allocate(4));
    }
}
