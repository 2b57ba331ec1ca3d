using System.Runtime.CompilerServices;
using Nabla.Tensors;

namespace Nabla.Autodiff;

/// <summary>
/// The memory and the recording of the steps a thread runs: its <see cref="Tape"/> and its <see cref="Arena"/>. The
/// rules of who owns which tensor live here.
/// </summary>
/// <remarks>
/// <para><b>Who owns what.</b></para>
/// <list type="number">
/// <item><description>
/// A tensor that user code can hold stays valid for as long as it is referenced. Op results, the loss and the
/// gradients of a user's <see cref="GradientTape"/>, model outputs from <c>Apply</c>, and everything
/// <c>Predict</c> returns are ordinary managed memory that nothing recycles. A custom training loop therefore allocates
/// its step's tensors (the garbage collector reclaims them), and a kept loss or prediction keeps its value.
/// </description></item>
/// <item><description>
/// The arena serves only steps the library runs itself and whose tensors it never hands out:
/// <see cref="BeginTrainingStep"/> (the trainer's default train step: forward, loss, gradients, all read by the trainer
/// before the next step) and <see cref="BeginInferenceBatch"/> (the default test and predict steps, which copy their
/// results out, and the shape probe of <c>Layer.ComputeOutputShape</c>). Inside such a scope every op result is a
/// recycled slot, so a warm step allocates nothing.
/// </description></item>
/// <item><description>
/// Code the library calls from inside those scopes (a layer's <c>Call</c>, a loss, a metric's <c>UpdateState</c>)
/// computes with step-owned tensors: it must not keep one beyond the call (<see cref="Tensor.Clone"/> it, or read
/// <see cref="Tensor.Item"/>). When a model overrides <c>TrainStep</c>, <c>TestStep</c> or <c>PredictStep</c>, the
/// trainer opens no such scope around the override: its tensors are the user's.
/// </description></item>
/// <item><description>
/// Everything here is per thread: each thread that trains or infers gets its own tape and arena, which is what makes
/// concurrent <c>Predict</c> and <c>Evaluate</c> on one model safe. A tape and its gradients belong to the thread that
/// recorded them.
/// </description></item>
/// </list>
/// </remarks>
internal sealed class StepContext
{
    [ThreadStatic]
    private static StepContext? t_current;

    private StepContext()
    {
    }

    /// <summary>The calling thread's context, created on first use.</summary>
    public static StepContext Current
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => t_current ?? Create();
    }

    /// <summary>The thread's recording of differentiable ops.</summary>
    public Tape Tape { get; } = new();

    /// <summary>The thread's recycled tensors, active only inside the scopes below.</summary>
    public Arena Arena { get; } = new();

    /// <summary>
    /// Opens the trainer's own training step: the tape starts recording and op results come from the arena, recycling
    /// the previous training step's tensors. The step's results stay readable after <see cref="TrainingStep.Dispose"/>
    /// until the next training step begins, so the trainer can apply the gradients and update the metrics.
    /// </summary>
    /// <exception cref="InvalidOperationException">A tape is already recording on this thread.</exception>
    public TrainingStep BeginTrainingStep()
    {
        Tape.Start();
        Arena.BeginStep();
        return new TrainingStep(this);
    }

    /// <summary>
    /// Opens an inference batch: nothing is recorded and op results come from the arena, recycled when the scope ends.
    /// The caller copies out what must outlive it.
    /// </summary>
    public InferenceBatch BeginInferenceBatch() => new(this, Arena.BeginBatch(), Tape.SetRecording(false));

    private static StepContext Create() => t_current = new StepContext();

    /// <summary>The scope of <see cref="BeginTrainingStep"/>.</summary>
    public readonly struct TrainingStep : IDisposable
    {
        private readonly StepContext _context;

        internal TrainingStep(StepContext context) => _context = context;

        /// <summary>The step's tape, to compute the gradients before the scope ends.</summary>
        public Tape Tape => _context.Tape;

        /// <summary>Stops recording and closes the arena scope.</summary>
        public void Dispose()
        {
            _context.Tape.Stop();
            _context.Arena.EndStep();
        }
    }

    /// <summary>The scope of <see cref="BeginInferenceBatch"/>.</summary>
    public readonly struct InferenceBatch : IDisposable
    {
        private readonly StepContext _context;
        private readonly int _mark;
        private readonly bool _wasRecording;

        internal InferenceBatch(StepContext context, int mark, bool wasRecording)
        {
            _context = context;
            _mark = mark;
            _wasRecording = wasRecording;
        }

        /// <summary>Recycles the batch's tensors and restores recording.</summary>
        public void Dispose()
        {
            _context.Tape.SetRecording(_wasRecording);
            _context.Arena.EndBatch(_mark);
        }
    }
}
