using Nabla.Saving;

namespace Nabla.Layers;

/// <summary>
/// Recreates layers from their class name and config (Keras's <c>deserialize</c> for layers): the layer part of
/// <see cref="Serialization"/>, the one registry for every serializable family.
/// </summary>
public static class LayerRegistry
{
    /// <summary>The class names that can be recreated, sorted.</summary>
    public static IReadOnlyCollection<string> ClassNames => Serialization.ClassNames(SerializableFamily.Layer);

    /// <summary>Creates a layer of <paramref name="className"/> (e.g. <c>Dense</c>) from its config.</summary>
    /// <param name="className">The layer's class name, as Keras writes it.</param>
    /// <param name="config">What the layer's <c>GetConfig</c> returned.</param>
    /// <exception cref="ArgumentException">The class is unknown, or the config lacks a required value.</exception>
    public static Layer FromConfig(string className, IReadOnlyDictionary<string, object?> config) => Serialization.FromConfig<Layer>(className, config);
}
