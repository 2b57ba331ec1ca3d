namespace Nabla.Autodiff;

// The explicit host round trip of the ops that have no device kernel yet (listed in DESIGN.md): their CPU kernels run
// on host copies of the device tensors and the results are copied back. Never taken for CPU tensors.
internal static partial class Compute
{
    /// <summary>A CPU computation over host tensors: it reads <paramref name="reads"/> and fills <paramref name="writes"/>.</summary>
    public delegate void HostKernel(Tensor[] reads, Tensor[] writes);

    /// <summary>
    /// Runs <paramref name="kernel"/> on host copies of <paramref name="reads"/> (all on one device) and copies the host
    /// <paramref name="writes"/> back into the device tensors (their previous contents are copied in first, for
    /// kernels that accumulate).
    /// </summary>
    public static void OnHost(string op, Tensor[] reads, Tensor[] writes, HostKernel kernel)
    {
        Tensor first = reads.Length > 0 ? reads[0] : writes[0];
        for (int i = 0; i < reads.Length; i++)
        {
            Device(op, first, reads[i]);
        }

        for (int i = 0; i < writes.Length; i++)
        {
            Device(op, first, writes[i]);
        }

        var hostReads = new Tensor[reads.Length];
        for (int i = 0; i < reads.Length; i++)
        {
            hostReads[i] = Host(reads[i]);
        }

        var hostWrites = new Tensor[writes.Length];
        for (int i = 0; i < writes.Length; i++)
        {
            hostWrites[i] = Host(writes[i]);
        }

        kernel(hostReads, hostWrites);
        for (int i = 0; i < writes.Length; i++)
        {
            if (writes[i].Memory is { } memory)
            {
                memory.CopyFrom(hostWrites[i].Span, writes[i].Offset);
            }
        }
    }

    private static Tensor Host(Tensor t) => t.Memory is null ? t : Tensor.FromArray(t.ToArray(), t.Dims.ToArray());

    private static void Device(string op, Tensor first, Tensor t)
    {
        if (!ReferenceEquals(first.Memory?.Backend, t.Memory?.Backend))
        {
            throw Mixed(op, first, t);
        }
    }
}
