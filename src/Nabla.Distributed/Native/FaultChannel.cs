using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

namespace Nabla.Distributed.Native;

/// <summary>
/// Point-to-point notices between ranks about failures, on a duplicate of the world communicator so that they never
/// match the collectives' traffic: one receive from any rank stays posted, and the collectives' wait loop tests it.
/// </summary>
/// <remarks>
/// Sends are rare (they happen only on the way to a failed job), so each gets its own native buffer and request slot,
/// which are never freed: MPI may still read a buffer after the error that made this process give up, and the process
/// ends soon after. Only the clean path (<see cref="Close"/>) releases the receive.
/// </remarks>
internal sealed unsafe class FaultChannel
{
    private const int Tag = 0x4E42;
    private const int HeaderBytes = 3 * sizeof(int);
    private const int MessageBytes = 1024;

    private readonly MpiLibrary _mpi;
    private readonly MpiCommunicator _owner;
    private readonly nint _comm;
    private readonly byte* _receiveBuffer;
    private readonly nint* _receiveRequest;
    private readonly List<nint> _pendingSends = [];

    /// <summary>Duplicates the world communicator (a collective call: every rank creates its channel at start-up) and posts the receive.</summary>
    public FaultChannel(MpiLibrary mpi, MpiCommunicator owner, nint world)
    {
        _mpi = mpi;
        _owner = owner;
        nint comm = 0;
        owner.Check(mpi.CommDup(world, &comm), "MPI_Comm_dup");
        _comm = comm;
        _receiveBuffer = (byte*)NativeMemory.AllocZeroed(MessageBytes);
        _receiveRequest = (nint*)NativeMemory.AllocZeroed((nuint)sizeof(nint));
        PostReceive();
    }

    /// <summary>Takes the next notice that has arrived, if any, and posts the receive again.</summary>
    public bool TryReceive(out Notice notice)
    {
        int done = 0;
        _owner.Check(_mpi.Test(_receiveRequest, &done, (void*)_mpi.Abi.StatusIgnore), "MPI_Test");
        if (done == 0)
        {
            notice = default;
            return false;
        }

        int* header = (int*)_receiveBuffer;
        int length = Math.Clamp(header[2], 0, MessageBytes - HeaderBytes);
        notice = new Notice((NoticeKind)header[0], header[1], Encoding.UTF8.GetString(_receiveBuffer + HeaderBytes, length));
        PostReceive();
        return true;
    }

    /// <summary>Sends a notice to <paramref name="destination"/>, or to every other rank when it is null, without waiting.</summary>
    public void Send(NoticeKind kind, string text, int? destination = null)
    {
        byte* message = (byte*)NativeMemory.AllocZeroed(MessageBytes);
        var body = new Span<byte>(message + HeaderBytes, MessageBytes - HeaderBytes);
        Utf8.FromUtf16(text, body, out _, out int written);   // a long text is cut at the last whole character that fits
        int* header = (int*)message;
        header[0] = (int)kind;
        header[1] = _owner.Rank;
        header[2] = written;
        for (int to = 0; to < _owner.Size; to++)
        {
            if (to == _owner.Rank || (destination is int only && only != to))
            {
                continue;
            }

            nint* request = (nint*)NativeMemory.AllocZeroed((nuint)sizeof(nint));
            int rc = _mpi.Isend(message, HeaderBytes + written, _mpi.Abi.Byte, to, Tag, _comm, request);
            if (rc == 0)
            {
                _pendingSends.Add((nint)request);
            }
        }
    }

    /// <summary>Drives the pending sends for up to <paramref name="within"/>; true when all completed.</summary>
    public bool FlushSends(TimeSpan within)
    {
        long end = Environment.TickCount64 + (long)within.TotalMilliseconds;
        while (true)
        {
            for (int i = _pendingSends.Count - 1; i >= 0; i--)
            {
                int done = 0;
                if (_mpi.Test((nint*)_pendingSends[i], &done, (void*)_mpi.Abi.StatusIgnore) != 0 || done != 0)
                {
                    _pendingSends.RemoveAt(i);   // completed, or failed: nothing more to do for it either way
                }
            }

            if (_pendingSends.Count == 0 || Environment.TickCount64 >= end)
            {
                return _pendingSends.Count == 0;
            }

            Thread.Sleep(1);
        }
    }

    /// <summary>The clean end: cancels the posted receive and frees the communicator. Only when no notice was ever sent.</summary>
    public void Close()
    {
        _owner.Check(_mpi.Cancel(_receiveRequest), "MPI_Cancel");
        _owner.Check(_mpi.Wait(_receiveRequest, (void*)_mpi.Abi.StatusIgnore), "MPI_Wait");
        nint comm = _comm;
        _owner.Check(_mpi.CommFree(&comm), "MPI_Comm_free");
        NativeMemory.Free(_receiveBuffer);
        NativeMemory.Free(_receiveRequest);
    }

    private void PostReceive()
    {
        *_receiveRequest = 0;
        _owner.Check(
            _mpi.Irecv(_receiveBuffer, MessageBytes, _mpi.Abi.Byte, _mpi.Abi.AnySource, Tag, _comm, _receiveRequest), "MPI_Irecv");
    }
}
