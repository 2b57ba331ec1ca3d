using Nabla.Autodiff;

namespace Nabla.Layers;

/// <summary>Subtracts its second input from its first, elementwise (Keras's <c>Subtract</c>).</summary>
/// <remarks>
/// Inputs: exactly two tensors, batch axis first, whose other axes broadcast as <see cref="Merge"/> describes. Output: their
/// broadcast shape. No weights.
/// </remarks>
/// <example>
/// <code>
/// var difference = new Subtract().Apply([a, b]);   // a − b
/// </code>
/// </example>
public sealed class Subtract : Merge
{
    /// <summary>Creates the layer.</summary>
    /// <param name="name">The layer's name (default <c>subtract</c>, made unique).</param>
    public Subtract(string? name = null)
        : base(name)
    {
    }

    /// <inheritdoc/>
    private protected override int MaxInputs => 2;

    /// <inheritdoc/>
    protected override Tensor MergeFunction(IReadOnlyList<Tensor> inputs) => Ops.Subtract(inputs[0], inputs[1]);

    internal static Subtract FromConfig(IReadOnlyDictionary<string, object?> config) =>
        new(ConfigValues.GetString(config, "name", null)) { Trainable = ConfigValues.GetBool(config, "trainable", true) };
}
