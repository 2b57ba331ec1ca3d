using System.Diagnostics;
using System.Runtime.CompilerServices;
using Nabla.Devices;
using Nabla.Tensors;

namespace Nabla;

/// <summary>
/// An n-dimensional array of 32-bit floats in contiguous row-major order, the value type of Nabla.
/// </summary>
/// <remarks>
/// <para>
/// Tensors behave like NumPy arrays that are never modified after creation: every operation returns a new
/// tensor. First-axis indexing (<c>t[3]</c>, <c>t[..15]</c>) and <c>Reshape</c> return views that
/// share storage with their source, which is safe because no public operation writes into an existing tensor.
/// </para>
/// <para>
/// Memory is ordinary managed memory: there is nothing to dispose, and a tensor you hold keeps its value for as long
/// as you hold it, including the loss, predictions and gradients of a custom training loop. Only the library's own
/// steps inside <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c>, which hand none of their intermediate tensors out,
/// recycle them, so that a warm training step allocates nothing.
/// </para>
/// </remarks>
[DebuggerDisplay("{DebuggerText,nq}")]
public sealed partial class Tensor
{
    private float[] _storage;
    private int _offset;
    private int[] _dims;
    private int _size;

    /// <summary>Creates a tensor over <paramref name="storage"/> (not copied) with the given shape.</summary>
    internal Tensor(float[] storage, int offset, int[] dims)
    {
        _storage = storage;
        _offset = offset;
        _dims = dims;
        _size = ShapeUtil.Product(dims);
        Debug.Assert(offset + _size <= storage.Length);
    }

    /// <summary>
    /// The length of each axis: prints as <c>[32, 784]</c>, indexes like an array, and converts to a new <c>int[]</c>
    /// (<c>int[] dims = t.Shape;</c>), whose changes do not change the tensor.
    /// </summary>
    public Shape Shape => new(_dims);

    /// <summary>The number of axes: 0 for a scalar, 1 for a vector, 2 for a matrix.</summary>
    public int Rank => _dims.Length;

    /// <summary>The total number of elements, the product of the shape.</summary>
    public int Size => _size;

    /// <summary>The shape without a copy, for library code.</summary>
    internal ReadOnlySpan<int> Dims => _dims;

    /// <summary>The shape array itself; callers must not modify it.</summary>
    internal int[] DimsArray => _dims;

    /// <summary>
    /// The elements, for library code. Writing is allowed only into tensors the caller just created. A device tensor
    /// has no host elements: reaching for them is a library bug, reported as one.
    /// </summary>
    internal Span<float> Span
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (_memory is not null)
            {
                ThrowOnDevice();
            }

            return new(_storage, _offset, _size);
        }
    }

    /// <summary>The backing array (shared by views) and the start of this tensor's elements in it (host tensors only).</summary>
    internal float[] Storage
    {
        get
        {
            if (_memory is not null)
            {
                ThrowOnDevice();
            }

            return _storage;
        }
    }

    /// <inheritdoc cref="Storage"/>
    internal int Offset => _offset;

    /// <summary>The length of axis <paramref name="axis"/>; negative axes count from the end (<c>Dim(-1)</c> is the last).</summary>
    /// <param name="axis">The axis, in [-Rank, Rank).</param>
    /// <exception cref="ArgumentOutOfRangeException">The tensor has no such axis.</exception>
    public int Dim(int axis)
    {
        int a = axis < 0 ? axis + _dims.Length : axis;
        if ((uint)a >= (uint)_dims.Length)
        {
            ThrowBadAxis(axis);
        }

        return _dims[a];
    }

    /// <summary>The elements in row-major order, read-only and without a copy (valid while you hold the tensor).</summary>
    /// <example>
    /// <code>
    /// ReadOnlySpan&lt;float&gt; probabilities = model.Predict(x).AsReadOnlySpan();
    /// </code>
    /// </example>
    /// <exception cref="InvalidOperationException">The tensor lives on a GPU, whose memory the host cannot read in place.</exception>
    public ReadOnlySpan<float> AsReadOnlySpan()
    {
        if (_memory is not null)
        {
            throw new InvalidOperationException(
                $"AsReadOnlySpan: the tensor of shape {ShapeUtil.Format(_dims)} lives on device '{_memory.Backend.Device.Name}', whose memory the host cannot read in place. " +
                "Copy it first: ToArray(), CopyTo(span), or To(Device.Cpu).AsReadOnlySpan().");
        }

        return new(_storage, _offset, _size);
    }

    /// <summary>Copies the elements, in row-major order, into <paramref name="destination"/>.</summary>
    /// <param name="destination">A span of at least <see cref="Size"/> elements.</param>
    /// <exception cref="ArgumentException">The destination is shorter than <see cref="Size"/>.</exception>
    public void CopyTo(Span<float> destination)
    {
        if (destination.Length < _size)
        {
            throw new ArgumentException(
                $"CopyTo: the tensor of shape {ShapeUtil.Format(_dims)} has {_size} elements, but the destination holds only {destination.Length}.",
                nameof(destination));
        }

        if (_memory is not null)
        {
            _memory.CopyTo(_offset, destination[.._size]);
            return;
        }

        Span.CopyTo(destination);
    }

    /// <summary>Re-points a recycled arena tensor at new storage and shape.</summary>
    internal void Reset(float[] storage, int offset, ReadOnlySpan<int> dims)
    {
        _storage = storage;
        _memory = null;
        _offset = offset;
        if (_dims.Length != dims.Length)
        {
            _dims = dims.Length == 0 ? [] : new int[dims.Length];
        }

        dims.CopyTo(_dims);
        _size = ShapeUtil.Product(dims);
        ResetAutodiff();
    }

    /// <summary>The single element of a tensor of size 1 (any rank), as a float.</summary>
    /// <exception cref="InvalidOperationException">The tensor does not hold exactly one element.</exception>
    public float Item()
    {
        if (_size != 1)
        {
            throw new InvalidOperationException(
                $"Item() needs a tensor with exactly one element, but this tensor has shape {ShapeUtil.Format(_dims)} ({_size} elements). " +
                "Reduce it first (for example t.Sum()) or index it (t[0]).");
        }

        if (_memory is not null)
        {
            Span<float> one = stackalloc float[1];
            _memory.CopyTo(_offset, one);
            return one[0];
        }

        return _storage[_offset];
    }

    /// <summary>Copies the elements, in row-major order, into a new array (from the device, when the tensor lives on one).</summary>
    public float[] ToArray()
    {
        if (_memory is not null)
        {
            float[] host = new float[_size];
            _memory.CopyTo(_offset, host);
            return host;
        }

        return Span.ToArray();
    }

    /// <summary>A deep copy with its own storage on the same device, never recycled by a training step's arena.</summary>
    public Tensor Clone()
    {
        if (_memory is not null)
        {
            DeviceBackend backend = _memory.Backend;
            var onDevice = new Tensor(backend.Allocate(_size), 0, (int[])_dims.Clone());
            backend.Copy(this, onDevice);
            return onDevice;
        }

        var copy = new Tensor(new float[_size], 0, _dims.AsSpan().ToArray());   // not Array.Clone: a runtime call, slower than the copy for a few ints
        Span.CopyTo(copy.Span);
        return copy;
    }

    /// <summary>
    /// A copy, like <see cref="Clone"/>, whose host elements start on a 64-byte boundary of pinned memory: a
    /// variable's storage, which the kernels read in place every step (GEMM reads a weight matrix as its B operand
    /// unpacked, and loads that cross a cache line cost it 7-18%).
    /// </summary>
    internal Tensor CloneAligned()
    {
        if (_memory is not null)
        {
            return Clone();
        }

        (float[] storage, int offset) = Kernels.AlignedBuffer.AllocatePinned(_size);
        var copy = new Tensor(storage, offset, _dims.AsSpan().ToArray());
        Span.CopyTo(copy.Span);
        return copy;
    }

    private string DebuggerText => _memory is null ? $"Tensor {ShapeUtil.Format(_dims)}" : $"Tensor {ShapeUtil.Format(_dims)} on {_memory.Backend.Device.Name}";

    private void ThrowBadAxis(int axis) => throw new ArgumentOutOfRangeException(nameof(axis), axis,
        $"Dim: axis {axis} is out of range for a tensor of shape {ShapeUtil.Format(_dims)} (rank {_dims.Length}); axes are in [{-_dims.Length}, {_dims.Length}).");
}
