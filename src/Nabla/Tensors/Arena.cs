using System.Runtime.CompilerServices;
using Nabla.Devices;

namespace Nabla.Tensors;

/// <summary>
/// Recycled tensors for the library's own steps, so that a warm training or inference step allocates no managed
/// memory. One arena per thread, owned by that thread's step context (<c>Autodiff.StepContext</c>), which states
/// when it may be used.
/// </summary>
/// <remarks>
/// <para>
/// While a scope is open (<see cref="IsActive"/>), op results come from numbered slots: the k-th tensor of a step
/// reuses the tensor object, shape array and buffer of the k-th tensor of the previous step. Steps repeat the same
/// ops in the same order, so after the first step nothing new is allocated; a slot's buffer only grows (a larger
/// batch), it never shrinks. Outside a scope every tensor is new memory.
/// </para>
/// <para>
/// Two kinds of scope: a step scope (<see cref="BeginStep"/>) recycles every slot when it is the outermost scope and
/// leaves its results readable after it ends, until the next step scope begins, so its owner can read the loss and
/// apply the gradients; a batch scope (<see cref="BeginBatch"/>) recycles exactly the slots it used when it ends.
/// </para>
/// <para>
/// Device tensors come from the same numbered slots (<see cref="Rent(ReadOnlySpan{int}, bool, DeviceBackend)"/>): a slot
/// keeps a device buffer beside its host buffer, so a warm step on a GPU allocates no device memory either. A slot's
/// device buffer is freed when it must grow or move to another device; nothing else holds it then, since step tensors
/// are never handed out.
/// </para>
/// </remarks>
internal sealed class Arena
{
    private Slot[] _slots = new Slot[64];
    private int _position;
    private int _depth;

    /// <summary>True when op results come from the arena.</summary>
    public bool IsActive
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _depth > 0;
    }

    /// <summary>Number of open scopes.</summary>
    public int Depth => _depth;

    /// <summary>Number of slots handed out since the last recycle, for tests.</summary>
    public int Position => _position;

    /// <summary>Opens a step scope; see the class remarks. Pair with <see cref="EndStep"/>.</summary>
    public void BeginStep()
    {
        if (_depth == 0)
        {
            _position = 0;
        }

        _depth++;
    }

    /// <summary>Closes a step scope; its tensors stay readable until the next outermost <see cref="BeginStep"/>.</summary>
    public void EndStep()
    {
        CheckOpen();
        _depth--;
    }

    /// <summary>Opens a batch scope whose slots are recycled by <see cref="EndBatch"/>; returns the mark to pass to it.</summary>
    public int BeginBatch()
    {
        _depth++;
        return _position;
    }

    /// <summary>Closes a batch scope, recycling every slot handed out since <paramref name="mark"/>.</summary>
    public void EndBatch(int mark)
    {
        CheckOpen();
        _depth--;
        _position = mark;
    }

    /// <summary>
    /// A tensor of the given shape: from the arena when a scope is open (contents undefined unless
    /// <paramref name="clear"/>), otherwise a new zeroed tensor.
    /// </summary>
    public Tensor Rent(ReadOnlySpan<int> dims, bool clear)
    {
        int size = ShapeUtil.Product(dims);
        if (_depth == 0)
        {
            return new Tensor(new float[size], 0, dims.ToArray());
        }

        ref Slot slot = ref Next();
        float[]? buffer = slot.Buffer;
        if (buffer is null || buffer.Length < size)
        {
            buffer = GC.AllocateUninitializedArray<float>(size);
            slot.Buffer = buffer;
        }

        if (slot.Tensor is null)
        {
            slot.Tensor = new Tensor(buffer, 0, dims.ToArray());
        }
        else
        {
            slot.Tensor.Reset(buffer, 0, dims);
        }

        if (clear)
        {
            buffer.AsSpan(0, size).Clear();
        }

        return slot.Tensor;
    }

    /// <summary>
    /// A tensor of the given shape on <paramref name="backend"/>'s device: from the arena when a scope is open (contents
    /// undefined unless <paramref name="clear"/>), otherwise new zeroed device memory.
    /// </summary>
    public Tensor Rent(ReadOnlySpan<int> dims, bool clear, DeviceBackend backend)
    {
        int size = ShapeUtil.Product(dims);
        Tensor t;
        if (_depth == 0)
        {
            t = new Tensor(backend.Allocate(size), 0, dims.ToArray());
            backend.Fill(t, 0f);
            return t;
        }

        ref Slot slot = ref Next();
        DeviceMemory? memory = slot.Memory;
        if (memory is null || memory.Length < size || !ReferenceEquals(memory.Backend, backend))
        {
            memory?.Dispose();
            memory = backend.Allocate(size);
            slot.Memory = memory;
        }

        if (slot.Tensor is null)
        {
            slot.Tensor = t = new Tensor(memory, 0, dims.ToArray());
        }
        else
        {
            t = slot.Tensor;
            t.Reset(memory, 0, dims);
        }

        if (clear)
        {
            backend.Fill(t, 0f);
        }

        return t;
    }

    /// <summary>A tensor that views device memory at an offset with a new shape (from the arena when a scope is open).</summary>
    public Tensor RentView(DeviceMemory memory, int offset, ReadOnlySpan<int> dims)
    {
        if (_depth == 0)
        {
            return new Tensor(memory, offset, dims.ToArray());
        }

        ref Slot slot = ref Next();
        if (slot.Tensor is null)
        {
            slot.Tensor = new Tensor(memory, offset, dims.ToArray());
        }
        else
        {
            slot.Tensor.Reset(memory, offset, dims);
        }

        return slot.Tensor;
    }

    /// <summary>A tensor that views existing storage at an offset with a new shape (from the arena when a scope is open).</summary>
    public Tensor RentView(float[] storage, int offset, ReadOnlySpan<int> dims)
    {
        if (_depth == 0)
        {
            return new Tensor(storage, offset, dims.ToArray());
        }

        ref Slot slot = ref Next();
        if (slot.Tensor is null)
        {
            slot.Tensor = new Tensor(storage, offset, dims.ToArray());
        }
        else
        {
            slot.Tensor.Reset(storage, offset, dims);
        }

        return slot.Tensor;
    }

    private ref Slot Next()
    {
        if (_position == _slots.Length)
        {
            Array.Resize(ref _slots, _slots.Length * 2);
        }

        return ref _slots[_position++];
    }

    private void CheckOpen()
    {
        if (_depth == 0)
        {
            throw new InvalidOperationException("Arena: a scope was closed that was never opened.");
        }
    }

    private struct Slot
    {
        public Tensor? Tensor;
        public float[]? Buffer;
        public DeviceMemory? Memory;
    }
}
