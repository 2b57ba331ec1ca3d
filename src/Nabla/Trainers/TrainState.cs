using Nabla.Autodiff;

namespace Nabla.Trainers;

/// <summary>
/// The caches of one training call (a Fit, or a series of TrainOnBatch calls until the model changes): the trainable
/// variables, their value tensors and a gradient slot for each, taken once so that a warm step allocates nothing.
/// </summary>
internal sealed class TrainState
{
    private Variable[] _variables = [];
    private Tensor[] _values = [];
    private Tensor[] _grads = [];
    private bool _cached;

    /// <summary>The trainable variables, in the model's order (valid after <see cref="EnsureCached"/>).</summary>
    public ReadOnlySpan<Variable> Variables => _variables;

    /// <summary>Their value tensors, the sources of the gradients.</summary>
    public ReadOnlySpan<Tensor> Values => _values;

    /// <summary>One gradient per variable, written by the step.</summary>
    public Span<Tensor> Grads => _grads;

    /// <summary>Takes the model's trainable variables, once: after the first forward pass, which builds a lazily built model.</summary>
    public void EnsureCached(Model model)
    {
        if (_cached)
        {
            return;
        }

        _variables = [.. model.TrainableWeights];
        _values = new Tensor[_variables.Length];
        for (int i = 0; i < _variables.Length; i++)
        {
            _values[i] = _variables[i].Value;
        }

        _grads = new Tensor[_variables.Length];
        _cached = true;
    }
}
