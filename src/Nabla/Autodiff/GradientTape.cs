using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Nabla.Tensors;

namespace Nabla.Autodiff;

/// <summary>
/// Records the differentiable operations of one training step so that gradients can be computed, like
/// TensorFlow's <c>tf.GradientTape</c>.
/// </summary>
/// <remarks>
/// <para>
/// Operations on trainable <see cref="Variable"/>s are recorded automatically while the tape is open; other
/// tensors are recorded once <see cref="Watch"/>ed. Nothing is recorded outside a tape, or while gradients are
/// being computed. One tape records at a time on a thread (tapes do not nest).
/// </para>
/// <para>
/// Tensors computed while the tape records, and the gradients it returns (and the list holding them), are recycled
/// when the next tape starts on the same thread; that is what makes a warm training step allocation-free. Read
/// what you need (the loss, the gradients) before starting the next step, or <see cref="Tensor.Clone"/> it.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// using (var tape = new GradientTape())
/// {
///     Tensor logits = Ops.Dense(x, w, b);
///     loss = Ops.SoftmaxCrossEntropy(logits, labels);
/// }
/// IReadOnlyList&lt;Tensor&gt; grads = tape.Gradient(loss, [w, b]);
/// </code>
/// </example>
public sealed class GradientTape : IDisposable
{
    private Tape _tape;
    private int _generation;
    private bool _recording;

    /// <summary>Starts recording on the current thread.</summary>
    /// <exception cref="InvalidOperationException">Another tape is still recording on this thread.</exception>
    public GradientTape() => Begin();

    /// <summary>
    /// Starts recording with <paramref name="cached"/> again once it has been disposed, or with a new tape the first
    /// time: the training loop's way of not allocating a tape object per step.
    /// </summary>
    internal static GradientTape Reuse(ref GradientTape? cached)
    {
        if (cached is { _recording: false })
        {
            cached.Begin();
            return cached;
        }

        return cached = new GradientTape();
    }

    /// <summary>True until the tape is disposed.</summary>
    public bool IsRecording => _recording;

    /// <summary>Asks the tape to track <paramref name="tensor"/>, so that gradients with respect to it can be computed.</summary>
    /// <exception cref="InvalidOperationException">The tape is no longer recording.</exception>
    public void Watch(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        CheckCurrent(nameof(Watch));
        if (!_recording)
        {
            throw new InvalidOperationException("Watch() must be called while the tape is recording, before the tensor is used.");
        }

        _tape.Watch(tensor);
    }

    /// <summary>Computes d<paramref name="target"/>/d<c>v</c> for each variable (zeros where the target does not depend on it).</summary>
    /// <param name="target">The value to differentiate, usually a scalar loss; a non-scalar target is summed.</param>
    /// <param name="sources">The variables to differentiate with respect to.</param>
    /// <returns>
    /// One gradient per source, each of its variable's shape. The list, like the gradients in it, belongs to this
    /// step: it is reused when the next tape starts on this thread, so a warm step allocates nothing here.
    /// </returns>
    /// <exception cref="ArgumentException">A source is null.</exception>
    /// <exception cref="InvalidOperationException">Called on another thread, or after a newer tape started on this one.</exception>
    public IReadOnlyList<Tensor> Gradient(Tensor target, IReadOnlyList<Variable> sources)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(sources);
        Tensor[] values = ArrayPool<Tensor>.Shared.Rent(sources.Count);
        try
        {
            for (int i = 0; i < sources.Count; i++)
            {
                values[i] = (sources[i] ?? throw new ArgumentException($"Gradient: sources[{i}] is null.", nameof(sources))).Value;
            }

            return GradientList(target, values.AsSpan(0, sources.Count));
        }
        finally
        {
            ArrayPool<Tensor>.Shared.Return(values, clearArray: true);
        }
    }

    /// <summary>Computes d<paramref name="target"/>/d<c>s</c> for each source tensor (watched tensors or variable values).</summary>
    /// <param name="target">The value to differentiate, usually a scalar loss; a non-scalar target is summed.</param>
    /// <param name="sources">The tensors to differentiate with respect to.</param>
    /// <returns>
    /// One gradient per source, each of its source's shape. The list, like the gradients in it, belongs to this
    /// step: it is reused when the next tape starts on this thread.
    /// </returns>
    /// <exception cref="ArgumentException">A source is null.</exception>
    /// <exception cref="InvalidOperationException">Called on another thread, or after a newer tape started on this one.</exception>
    public IReadOnlyList<Tensor> Gradient(Tensor target, IReadOnlyList<Tensor> sources)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(sources);
        Tensor[] src = ArrayPool<Tensor>.Shared.Rent(sources.Count);
        try
        {
            for (int i = 0; i < sources.Count; i++)
            {
                src[i] = sources[i] ?? throw new ArgumentException($"Gradient: sources[{i}] is null.", nameof(sources));
            }

            return GradientList(target, src.AsSpan(0, sources.Count));
        }
        finally
        {
            ArrayPool<Tensor>.Shared.Return(src, clearArray: true);
        }
    }

    /// <summary>The allocation-free form the trainer uses: gradients written into <paramref name="results"/>.</summary>
    internal void Gradient(Tensor target, ReadOnlySpan<Tensor> sources, Span<Tensor> results, Tensor? seed = null)
    {
        CheckCurrent(nameof(Gradient));
        Arena.BeginContinue();
        try
        {
            _tape.ComputeGradients(target, seed, sources, results);
        }
        finally
        {
            Arena.End(-1);
        }
    }

    /// <summary>The public overloads' common part: the gradients in a list from the tape's pool (see <see cref="Tape.RentResultList"/>).</summary>
    private Tensor[] GradientList(Tensor target, ReadOnlySpan<Tensor> sources)
    {
        CheckCurrent(nameof(Gradient));   // before taking a list from the tape, which may not be this thread's
        Tensor[] results = sources.IsEmpty ? [] : _tape.RentResultList(sources.Length);
        Gradient(target, sources, results);
        return results;
    }

    /// <summary>Stops recording. Gradients can still be computed afterwards.</summary>
    public void Dispose()
    {
        if (_recording)
        {
            _recording = false;
            if (_tape.Generation == _generation)
            {
                _tape.Stop();
            }

            Arena.End(-1);
        }
    }

    [MemberNotNull(nameof(_tape))]
    private void Begin()
    {
        _tape = Tape.ForThread;
        _tape.Start();
        _generation = _tape.Generation;
        Arena.BeginStep();
        _recording = true;
    }

    private void CheckCurrent(string operation)
    {
        if (!ReferenceEquals(_tape, Tape.ForThread))
        {
            throw new InvalidOperationException($"GradientTape.{operation}() must be called on the thread that created the tape.");
        }

        if (_tape.Generation != _generation)
        {
            throw new InvalidOperationException(
                $"GradientTape.{operation}(): a newer tape has started on this thread since this one recorded, and its records are gone. " +
                "Compute gradients before starting the next tape.");
        }
    }
}
