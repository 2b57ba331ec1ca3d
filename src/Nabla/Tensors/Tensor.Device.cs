using Nabla.Devices;
using Nabla.Tensors;

namespace Nabla;

// Placement: which device holds the elements, and the copies between devices. A device tensor keeps its elements in
// a DeviceMemory (at an offset, shared by views) instead of a managed array; every host read goes through a copy.
public sealed partial class Tensor
{
    private DeviceMemory? _memory;

    /// <summary>Creates a tensor over device memory (not copied) with the given shape.</summary>
    internal Tensor(DeviceMemory memory, int offset, int[] dims)
    {
        _storage = [];
        _memory = memory;
        _offset = offset;
        _dims = dims;
        _size = ShapeUtil.Product(dims);
    }

    /// <summary>The device that holds the elements: <see cref="Device.Cpu"/> for ordinary tensors.</summary>
    public Device Device => _memory is null ? Device.Cpu : _memory.Backend.Device;

    /// <summary>The device memory of a device tensor (elements from <see cref="Offset"/> on), or null on the CPU.</summary>
    internal DeviceMemory? Memory => _memory;

    /// <summary>
    /// This tensor on <paramref name="device"/>: a copy there, or this tensor itself when it already lives there (as
    /// PyTorch's <c>to</c>; tensors are never modified, so sharing is safe).
    /// </summary>
    /// <param name="device">The destination device.</param>
    /// <returns>A tensor of the same shape and values on <paramref name="device"/>.</returns>
    /// <remarks>A device that is out of memory, or a failed copy, throws Nabla.Gpu's <c>GpuException</c> naming the device.</remarks>
    /// <example>
    /// <code>
    /// Tensor x = Tensor.FromArray(data, 32, 784).To(Device.Get("cuda:0"));
    /// float[] back = x.ToArray();   // copies to the host
    /// </code>
    /// </example>
    public Tensor To(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (ReferenceEquals(device, Device))
        {
            return this;
        }

        return CopyOnto(device);
    }

    /// <summary>A new tensor holding a copy of this one on <paramref name="device"/> (never shared, never recycled).</summary>
    internal Tensor CopyOnto(Device device)
    {
        int[] dims = (int[])_dims.Clone();
        if (device.Backend is not { } backend)
        {
            var host = new Tensor(new float[_size], 0, dims);
            CopyTo(host.Span);
            return host;
        }

        var copy = new Tensor(backend.Allocate(_size), 0, dims);
        if (_memory is null)
        {
            copy._memory!.CopyFrom(Span, 0);
        }
        else if (ReferenceEquals(_memory.Backend, backend))
        {
            backend.Copy(this, copy);
        }
        else
        {
            copy._memory!.CopyFrom(ToArray(), 0);
        }

        return copy;
    }

    /// <summary>Overwrites the elements with the first <see cref="Size"/> of <paramref name="source"/>: an upload for a device tensor.</summary>
    internal void CopyFromHost(ReadOnlySpan<float> source)
    {
        if (_memory is null)
        {
            source[.._size].CopyTo(Span);
        }
        else
        {
            _memory.CopyFrom(source[.._size], _offset);
        }
    }

    /// <summary>A tensor of zeros on <paramref name="device"/> (new memory).</summary>
    internal static Tensor ZerosOn(Device device, ReadOnlySpan<int> dims)
    {
        if (device.Backend is not { } backend)
        {
            return Zeros(dims);
        }

        var t = new Tensor(backend.Allocate(ShapeUtil.Product(dims)), 0, dims.ToArray());
        backend.Fill(t, 0f);
        return t;
    }

    /// <summary>Re-points a recycled arena tensor at device memory and a new shape.</summary>
    internal void Reset(DeviceMemory memory, int offset, ReadOnlySpan<int> dims)
    {
        _storage = [];
        _memory = memory;
        _offset = offset;
        if (_dims.Length != dims.Length)
        {
            _dims = dims.Length == 0 ? [] : new int[dims.Length];
        }

        dims.CopyTo(_dims);
        _size = ShapeUtil.Product(dims);
        ResetAutodiff();
    }

    private void ThrowOnDevice() => throw new InvalidOperationException(
        $"Nabla bug: a CPU kernel was given the tensor of shape {ShapeUtil.Format(_dims)} that lives on device '{_memory!.Backend.Device.Name}'. " +
        "Please report it; meanwhile, run the model on the CPU (NABLA_DEVICE=cpu).");
}
