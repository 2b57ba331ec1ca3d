using System.Diagnostics.CodeAnalysis;

namespace Nabla.Autodiff;

/// <summary>
/// Records the differentiable operations of a computation so that gradients can be computed, like TensorFlow's
/// <c>tf.GradientTape</c>: the tool of custom training loops.
/// </summary>
/// <remarks>
/// <para>
/// Operations on trainable <see cref="Variable"/>s are recorded automatically while the tape is open; other
/// tensors are recorded once <see cref="Watch"/>ed. Nothing is recorded outside a tape, or while gradients are
/// being computed. One tape records at a time on a thread (tapes do not nest); <see cref="Gradient(Tensor, IReadOnlyList{Variable})"/>
/// stays callable after the tape is disposed, as <c>tape.gradient</c> after a <c>with</c> block in TensorFlow, until
/// the next tape starts on the same thread.
/// </para>
/// <para>
/// Every tensor computed under a tape — the predictions, the loss, the gradients it returns — is ordinary memory
/// that stays valid for as long as you hold it: keep losses in a list, compare predictions across steps. (Only
/// <c>Fit</c>'s own step recycles its tensors, because it hands none of them out.) A custom step therefore allocates
/// its tensors, which the garbage collector reclaims.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var losses = new List&lt;Tensor&gt;();
/// for (int step = 0; step &lt; 100; step++)
/// {
///     using var tape = new GradientTape();
///     Tensor loss = lossFn.Call(y, model.Apply(x, training: true));
///     losses.Add(loss);                                     // keeps its value
///     var grads = tape.Gradient(loss, model.TrainableWeights);
///     optimizer.ApplyGradients(grads.Zip(model.TrainableWeights));
/// }
/// </code>
/// Or, closing the tape before asking for the gradients:
/// <code>
/// GradientTape tape;
/// Tensor loss;
/// using (tape = new GradientTape())
/// {
///     loss = lossFn.Call(y, model.Apply(x, training: true));
/// }
/// var grads = tape.Gradient(loss, model.TrainableWeights);
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

    /// <summary>True until the tape is disposed.</summary>
    public bool IsRecording => _recording;

    /// <summary>Asks the tape to track <paramref name="tensor"/>, so that gradients with respect to it can be computed.</summary>
    /// <param name="tensor">A tensor not produced by a recorded op, e.g. an input.</param>
    /// <exception cref="InvalidOperationException">The tape is no longer recording, or is used on another thread.</exception>
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
    /// <returns>A new list with one gradient per source, each of its variable's shape; yours to keep.</returns>
    /// <exception cref="ArgumentException">A source is null.</exception>
    /// <exception cref="InvalidOperationException">Called on another thread, or after a newer tape started on this one.</exception>
    public IReadOnlyList<Tensor> Gradient(Tensor target, IReadOnlyList<Variable> sources)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(sources);
        var values = new Tensor[sources.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (sources[i] ?? throw new ArgumentException($"Gradient: sources[{i}] is null.", nameof(sources))).Value;
        }

        return Compute(target, values);
    }

    /// <summary>Computes d<paramref name="target"/>/d<c>s</c> for each source tensor (watched tensors or variable values).</summary>
    /// <param name="target">The value to differentiate, usually a scalar loss; a non-scalar target is summed.</param>
    /// <param name="sources">The tensors to differentiate with respect to.</param>
    /// <returns>A new list with one gradient per source, each of its source's shape; yours to keep.</returns>
    /// <exception cref="ArgumentException">A source is null.</exception>
    /// <exception cref="InvalidOperationException">Called on another thread, or after a newer tape started on this one.</exception>
    public IReadOnlyList<Tensor> Gradient(Tensor target, IReadOnlyList<Tensor> sources)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(sources);
        var values = new Tensor[sources.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = sources[i] ?? throw new ArgumentException($"Gradient: sources[{i}] is null.", nameof(sources));
        }

        return Compute(target, values);
    }

    /// <summary>
    /// The reverse pass seeded with <paramref name="seed"/> (dL/dtarget) instead of ones, for gradient checks that
    /// project a non-scalar output onto a random direction; results written into <paramref name="results"/>.
    /// </summary>
    internal void Gradient(Tensor target, ReadOnlySpan<Tensor> sources, Span<Tensor> results, Tensor? seed = null)
    {
        CheckCurrent(nameof(Gradient));
        _tape.ComputeGradients(target, seed, sources, results);
    }

    /// <summary>Stops recording. Gradients can still be computed afterwards, until the next tape starts on this thread.</summary>
    public void Dispose()
    {
        if (_recording)
        {
            _recording = false;
            if (_tape.Generation == _generation)
            {
                _tape.Stop();
            }
        }
    }

    private Tensor[] Compute(Tensor target, Tensor[] sources)
    {
        var results = new Tensor[sources.Length];
        Gradient(target, sources, results);
        return results;
    }

    [MemberNotNull(nameof(_tape))]
    private void Begin()
    {
        _tape = StepContext.Current.Tape;
        _tape.Start();
        _generation = _tape.Generation;
        _recording = true;
    }

    private void CheckCurrent(string operation)
    {
        if (!ReferenceEquals(_tape, StepContext.Current.Tape))
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
