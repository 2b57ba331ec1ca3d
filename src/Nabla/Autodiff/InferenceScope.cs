using Nabla.Tensors;

namespace Nabla.Autodiff;

/// <summary>
/// A scope for one inference batch: op results come from the arena and are recycled when the scope ends, and the
/// tape (if one is recording) records nothing meanwhile. Copy out what must outlive the scope.
/// </summary>
internal readonly struct InferenceScope : IDisposable
{
    private readonly int _mark;
    private readonly bool _wasRecording;

    private InferenceScope(int mark, bool wasRecording)
    {
        _mark = mark;
        _wasRecording = wasRecording;
    }

    /// <summary>Opens the scope.</summary>
    public static InferenceScope Begin() => new(Arena.BeginBatch(), Tape.ForThread.SetRecording(false));

    /// <summary>Recycles the scope's tensors and restores recording.</summary>
    public void Dispose()
    {
        Tape.ForThread.SetRecording(_wasRecording);
        Arena.End(_mark);
    }
}
