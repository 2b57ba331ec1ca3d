using Nabla.Autodiff;

namespace Nabla.Layers;

/// <summary>Multiplies its inputs elementwise (Keras's <c>Multiply</c>).</summary>
/// <remarks>
/// Inputs: two or more tensors, batch axis first, whose other axes broadcast as <see cref="Merge"/> describes. Output: their
/// broadcast shape. No weights.
/// </remarks>
/// <example>
/// <code>
/// var gated = new Multiply().Apply([values, new Dense(64, activation: "sigmoid").Apply(input)]);
/// </code>
/// </example>
public sealed class Multiply : Merge
{
    /// <summary>Creates the layer.</summary>
    /// <param name="name">The layer's name (default <c>multiply</c>, made unique).</param>
    public Multiply(string? name = null)
        : base(name)
    {
    }

    /// <inheritdoc/>
    protected override Tensor MergeFunction(IReadOnlyList<Tensor> inputs)
    {
        Tensor result = inputs[0];
        for (int i = 1; i < inputs.Count; i++)
        {
            result = Ops.Multiply(result, inputs[i]);
        }

        return result;
    }

    internal static Multiply FromConfig(IReadOnlyDictionary<string, object?> config) =>
        new(ConfigValues.GetString(config, "name", null)) { Trainable = ConfigValues.GetBool(config, "trainable", true) };
}
