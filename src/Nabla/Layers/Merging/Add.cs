using Nabla.Autodiff;

namespace Nabla.Layers;

/// <summary>Adds its inputs elementwise (Keras's <c>Add</c>).</summary>
/// <remarks>
/// Inputs: two or more tensors, batch axis first, whose other axes broadcast as <see cref="Merge"/> describes. Output: their
/// broadcast shape. No weights.
/// </remarks>
/// <example>
/// <code>
/// var skip = new Add().Apply([h, new Dense(64).Apply(input)]);   // a residual connection
/// </code>
/// </example>
public sealed class Add : Merge
{
    /// <summary>Creates the layer.</summary>
    /// <param name="name">The layer's name (default <c>add</c>, made unique).</param>
    public Add(string? name = null)
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

        return result;
    }

    internal static Add FromConfig(IReadOnlyDictionary<string, object?> config) =>
        new(ConfigValues.GetString(config, "name", null)) { Trainable = ConfigValues.GetBool(config, "trainable", true) };
}
