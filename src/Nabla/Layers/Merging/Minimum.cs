using Nabla.Autodiff;

namespace Nabla.Layers;

/// <summary>Takes the elementwise minimum of its inputs (Keras's <c>Minimum</c>).</summary>
/// <remarks>
/// Inputs: two or more tensors, batch axis first, whose other axes broadcast as <see cref="Merge"/> describes. Output: their
/// broadcast shape. No weights.
/// </remarks>
/// <example>
/// <code>
/// var smaller = new Minimum().Apply([a, b]);
/// </code>
/// </example>
public sealed class Minimum : Merge
{
    /// <summary>Creates the layer.</summary>
    /// <param name="name">The layer's name (default <c>minimum</c>, made unique).</param>
    public Minimum(string? name = null)
        : base(name)
    {
    }

    /// <inheritdoc/>
    protected override Tensor MergeFunction(IReadOnlyList<Tensor> inputs)
    {
        Tensor result = inputs[0];
        for (int i = 1; i < inputs.Count; i++)
        {
            result = Ops.Minimum(result, inputs[i]);
        }

        return result;
    }

    internal static Minimum FromConfig(IReadOnlyDictionary<string, object?> config) =>
        new(ConfigValues.GetString(config, "name", null)) { Trainable = ConfigValues.GetBool(config, "trainable", true) };
}
