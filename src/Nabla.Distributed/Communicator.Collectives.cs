namespace Nabla.Distributed;

// Communicator: the typed collectives' common body (argument checks, the ranks' agreement, the raw MPI call).
public abstract unsafe partial class Communicator
{
    private void AllReduceCore<T>(Span<T> buffer, ElementType type, ReduceOp op)
        where T : unmanaged
    {
        Exception? error = op is < ReduceOp.Sum or > ReduceOp.Min
            ? new ArgumentOutOfRangeException(nameof(op), op, $"AllReduce: op must be ReduceOp.Sum, Max or Min, but received {(int)op}.")
            : null;
        lock (Gate)
        {
            Begin(CollectiveKind.AllReduce, type, buffer.Length, (int)op, 0, error);
            if (buffer.Length > 0)
            {
                fixed (T* data = buffer)
                {
                    AllReduceRaw(data, buffer.Length, type, op);
                }
            }
        }
    }

    private void BroadcastCore<T>(Span<T> buffer, ElementType type, int root)
        where T : unmanaged
    {
        Exception? error = root < 0 || root >= Size
            ? new ArgumentOutOfRangeException(nameof(root), root, $"Broadcast: root must be a rank in [0, {Size}), but received {root}.")
            : null;
        lock (Gate)
        {
            Begin(CollectiveKind.Broadcast, type, buffer.Length, root, 0, error);
            if (buffer.Length > 0)
            {
                fixed (T* data = buffer)
                {
                    BroadcastRaw(data, buffer.Length, type, root);
                }
            }
        }
    }

    private void AllGatherCore<T>(ReadOnlySpan<T> send, Span<T> receive, ElementType type, CollectiveKind kind)
        where T : unmanaged
    {
        long needed = (long)send.Length * Size;
        Exception? error =
            receive.Length < needed ? new ArgumentException(
                $"AllGather: receive must hold Size × send.Length = {Size} × {send.Length} = {needed} elements, but holds {receive.Length}.", nameof(receive))
            : Overlap(send, receive, "AllGather");
        lock (Gate)
        {
            Begin(kind, type, send.Length, 0, receive.Length, error);
            if (send.Length > 0)
            {
                fixed (T* s = send)
                fixed (T* r = receive)
                {
                    AllGatherRaw(s, send.Length, type, r);
                }
            }
        }
    }

    private int AllGatherVCore<T>(ReadOnlySpan<T> send, Span<T> receive, Span<int> counts, ElementType type)
        where T : unmanaged
    {
        Exception? error =
            counts.Length != Size ? new ArgumentException(
                $"AllGatherV: counts must have one element per rank ({Size}), but has {counts.Length}.", nameof(counts))
            : Overlap(send, receive, "AllGatherV");
        lock (Gate)
        {
            ReadOnlySpan<CollectiveDescriptor> table = Begin(CollectiveKind.AllGatherV, type, send.Length, 0, receive.Length, error);
            int total = CollectiveAgreement.GatherCounts(table, Rank, counts);
            if (total > 0)
            {
                Span<int> displacements = Size <= 256 ? stackalloc int[Size] : new int[Size];
                displacements[0] = 0;
                for (int r = 1; r < Size; r++)
                {
                    displacements[r] = displacements[r - 1] + counts[r - 1];
                }

                fixed (T* s = send)
                fixed (T* r = receive)
                fixed (int* c = counts)
                fixed (int* d = displacements)
                {
                    AllGatherVRaw(s, send.Length, type, r, c, d);
                }
            }

            return total;
        }
    }

    private static ArgumentException? Overlap<T>(ReadOnlySpan<T> send, Span<T> receive, string operation) =>
        send.Overlaps(receive)
            ? new ArgumentException($"{operation}: send and receive overlap; MPI needs distinct buffers (copy send first).", nameof(receive))
            : null;
}
