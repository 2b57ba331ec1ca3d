using Nabla.Autodiff;

namespace Nabla.Layers;

/// <summary>Averages its inputs elementwise: their sum divided by their count (Keras's <c>Average</c>).</summary>
/// <remarks>
/// Inputs: two or more tensors, batch axis first, whose other axes broadcast as <see cref="Merge"/> describes. Output: their
/// broadcast shape. No weights.
/// </remarks>
/// <example>
/// <code>
/// var ensemble = new Average().Apply([modelA, modelB, modelC]);
/// </code>
/// </example>
public sealed class Average : Merge
{
    /// <summary>Creates the layer.</summary>
    /// <param name="name">The layer's name (default <c>average</c>, made unique).</param>
    public Average(string? name = null)
        : base(name)
    {
    }

    /// <inheritdoc/>
    protected override Tensor MergeFunction(IReadOnlyList<Tensor> inputs)
    {
        Tensor result = inputs[0];
        for (int i = 1; i < inputs.Count; i++)
        {
            result = Ops.Add(result, inputs[i]);
        }

        return Ops.Divide(result, inputs.Count);
    }

    internal static Average FromConfig(IReadOnlyDictionary<string, object?> config) =>
        new(ConfigValues.GetString(config, "name", null)) { Trainable = ConfigValues.GetBool(config, "trainable", true) };
}
