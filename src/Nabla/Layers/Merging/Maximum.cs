using Nabla.Autodiff;

namespace Nabla.Layers;

/// <summary>Takes the elementwise maximum of its inputs (Keras's <c>Maximum</c>).</summary>
/// <remarks>
/// Inputs: two or more tensors, batch axis first, whose other axes broadcast as <see cref="Merge"/> describes. Output: their
/// broadcast shape. No weights.
/// </remarks>
/// <example>
/// <code>
/// var larger = new Maximum().Apply([a, b]);
/// </code>
/// </example>
public sealed class Maximum : Merge
{
    /// <summary>Creates the layer.</summary>
    /// <param name="name">The layer's name (default <c>maximum</c>, made unique).</param>
    public Maximum(string? name = null)
        : base(name)
    {
    }

    /// <inheritdoc/>
    protected override Tensor MergeFunction(IReadOnlyList<Tensor> inputs)
    {
        Tensor result = inputs[0];
        for (int i = 1; i < inputs.Count; i++)
        {
            result = Ops.Maximum(result, inputs[i]);
        }

        return result;
    }

    internal static Maximum FromConfig(IReadOnlyDictionary<string, object?> config) =>
        new(ConfigValues.GetString(config, "name", null)) { Trainable = ConfigValues.GetBool(config, "trainable", true) };
}
