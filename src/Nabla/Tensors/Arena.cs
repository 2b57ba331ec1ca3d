using System.Runtime.CompilerServices;

namespace Nabla.Tensors;

/// <summary>
/// Per-thread recycling of the tensors a training or inference step creates, so that a warm step allocates
/// no managed memory.
/// </summary>
/// <remarks>
/// <para>
/// While a scope is open on a thread (<see cref="Depth"/> &gt; 0), op results come from numbered slots: the
/// k-th tensor of a step reuses the tensor object, shape array and buffer of the k-th tensor of the previous
/// step. Steps repeat the same ops in the same order, so after the first step nothing new is allocated; a
/// slot's buffer only grows (a larger batch), it never shrinks.
/// </para>
/// <para>
/// Two ways to open a scope: <see cref="BeginStep"/> (used by a gradient tape) recycles every slot when it is
/// the outermost scope and keeps its results alive after it ends, until the next step begins, so a caller can
/// read the loss and apply the gradients. <see cref="BeginBatch"/> (used by inference loops, which copy their
/// results out) recycles exactly the slots it used when it ends.
/// </para>
/// </remarks>
internal static class Arena
{
    [ThreadStatic]
    private static State? t_state;

    /// <summary>True when op results on this thread come from the arena.</summary>
    public static bool IsActive
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => t_state is { Depth: > 0 };
    }

    /// <summary>Number of open scopes on this thread.</summary>
    public static int Depth => t_state?.Depth ?? 0;

    /// <summary>Number of slots handed out since the last recycle, for tests.</summary>
    internal static int Position => t_state?.Position ?? 0;

    /// <summary>Opens a step scope; see the class remarks. Pair with <see cref="End"/>.</summary>
    public static int BeginStep()
    {
        State s = t_state ??= new State();
        if (s.Depth == 0)
        {
            s.Position = 0;
        }

        s.Depth++;
        return -1;
    }

    /// <summary>Re-opens the arena after a step scope ended, without recycling (gradients computed after the tape closed).</summary>
    public static void BeginContinue()
    {
        State s = t_state ??= new State();
        s.Depth++;
    }

    /// <summary>Opens a batch scope whose slots are recycled by <see cref="End"/>; returns the mark to pass to it.</summary>
    public static int BeginBatch()
    {
        State s = t_state ??= new State();
        s.Depth++;
        return s.Position;
    }

    /// <summary>Closes a scope opened with <see cref="BeginStep"/> (mark -1) or <see cref="BeginBatch"/> (its mark).</summary>
    public static void End(int mark)
    {
        State s = t_state ?? throw new InvalidOperationException("Arena.End without a matching Begin.");
        if (s.Depth == 0)
        {
            throw new InvalidOperationException("Arena.End without a matching Begin.");
        }

        s.Depth--;
        if (mark >= 0)
        {
            s.Position = mark;
        }
    }

    /// <summary>
    /// A tensor of the given shape: from the arena when a scope is open (contents undefined unless
    /// <paramref name="clear"/>), otherwise a new zeroed tensor.
    /// </summary>
    public static Tensor Rent(ReadOnlySpan<int> dims, bool clear)
    {
        State? s = t_state;
        int size = ShapeUtil.Product(dims);
        if (s is null || s.Depth == 0)
        {
            return new Tensor(new float[size], 0, dims.ToArray());
        }

        ref Slot slot = ref s.Next();
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

    /// <summary>A tensor that views existing storage at an offset with a new shape (from the arena when a scope is open).</summary>
    public static Tensor RentView(float[] storage, int offset, ReadOnlySpan<int> dims)
    {
        State? s = t_state;
        if (s is null || s.Depth == 0)
        {
            return new Tensor(storage, offset, dims.ToArray());
        }

        ref Slot slot = ref s.Next();
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

    private struct Slot
    {
        public Tensor? Tensor;
        public float[]? Buffer;
    }

    private sealed class State
    {
        private Slot[] _slots = new Slot[64];

        public int Depth;
        public int Position;

        public ref Slot Next()
        {
            if (Position == _slots.Length)
            {
                Array.Resize(ref _slots, _slots.Length * 2);
            }

            return ref _slots[Position++];
        }
    }
}
