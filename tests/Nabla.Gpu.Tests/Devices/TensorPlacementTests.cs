using Nabla.Autodiff;
using Nabla.Gpu.Tests.Support;

namespace Nabla.Gpu.Tests.Devices;

/// <summary>Tensors on a device: copies in and out, views, clones, errors, and the arena's recycled device slots.</summary>
[Collection(DeviceCollection.Name)]
public class TensorPlacementTests
{
    private static Device Accelerator => DeviceCollection.Accelerator;

    [Fact]
    public void To_copies_and_the_host_reads_come_back()
    {
        float[] data = [1f, -2f, 3.5f, 4f, 5f, 6f];
        Tensor host = Tensor.FromArray(data, 2, 3);
        Tensor device = host.To(Accelerator);
        Assert.Same(Accelerator, device.Device);
        Assert.Same(Device.Cpu, host.Device);
        Assert.Equal([2, 3], (int[])device.Shape);
        Assert.Equal(data, device.ToArray());
        Assert.Same(device, device.To(Accelerator));
        Assert.Same(host, host.To(Device.Cpu));
        Tensor back = device.To(Device.Cpu);
        Assert.Same(Device.Cpu, back.Device);
        Assert.Equal(data, back.AsReadOnlySpan().ToArray());
        var span = new float[8];
        device.CopyTo(span);
        Assert.Equal(data, span[..6]);
        Assert.Equal(host.ToString(), device.ToString());
        Assert.Equal(3.5f, Tensor.Scalar(3.5f).To(Accelerator).Item());
    }

    [Fact]
    public void Reading_device_memory_in_place_says_how_to_copy()
    {
        Tensor device = Tensor.Ones(4).To(Accelerator);
        var e = Assert.Throws<InvalidOperationException>(() => device.AsReadOnlySpan().Length);
        Assert.Contains("lives on device 'ilgpu-cpu'", e.Message, StringComparison.Ordinal);
        Assert.Contains("ToArray()", e.Message, StringComparison.Ordinal);
        var bug = Assert.Throws<InvalidOperationException>(() => device.Span.Length);
        Assert.Contains("Nabla bug", bug.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => device.CopyTo(new float[3]));
        Assert.Throws<InvalidOperationException>(() => device.Item());
    }

    [Fact]
    public void Clones_and_views_stay_on_the_device()
    {
        Tensor device = Tensor.Arange(12).To(Accelerator);
        Tensor clone = device.Clone();
        Assert.Same(Accelerator, clone.Device);
        Assert.NotSame(device.Memory, clone.Memory);
        Assert.Equal(device.ToArray(), clone.ToArray());
        Tensor rows = device.Reshape(3, 4)[1..3];
        Assert.Same(Accelerator, rows.Device);
        Assert.Equal([4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f], rows.ToArray());
        Assert.Equal(7f, device.Reshape(3, 4)[1][3].Item());
    }

    [Fact]
    public void Variables_assign_across_devices()
    {
        var v = new Variable(Tensor.Zeros(2, 2).To(Accelerator));
        Assert.Same(Accelerator, v.Value.Device);
        v.Assign(Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2));
        Assert.Equal([1f, 2f, 3f, 4f], v.Value.ToArray());
        Assert.Same(Accelerator, v.Value.Device);
        var onCpu = new Variable(Tensor.Zeros(2, 2));
        onCpu.Assign(v.Value);
        Assert.Equal([1f, 2f, 3f, 4f], onCpu.Value.ToArray());
    }

    [Fact]
    public void A_warm_step_reuses_its_device_slots()
    {
        Tensor like = Tensor.Zeros(4).To(Accelerator);
        StepContext context = StepContext.Current;
        object[] first = Step(context, like);
        object[] second = Step(context, like);
        Assert.Equal(first, second);

        static object[] Step(StepContext context, Tensor like)
        {
            using (context.BeginInferenceBatch())
            {
                Tensor a = OpSupport.Empty([8, 3], like), b = OpSupport.ZerosLike([5], like);
                Assert.Equal(new float[5], b.ToArray());
                return [a, a.Memory!, b, b.Memory!];
            }
        }
    }
}
