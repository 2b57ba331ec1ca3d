namespace Nabla.Saving;

/// <summary>
/// A class that can be recreated from its config (Keras's <c>from_config</c> class method), so that
/// <see cref="Serialization.Register{T}()"/> can register it without a separate factory.
/// </summary>
/// <typeparam name="TSelf">The implementing class.</typeparam>
/// <remarks>
/// The config is what the object's own <c>GetConfig</c> returned, or the same keys read from a file: numbers arrive as
/// <see cref="long"/> or <see cref="double"/>, lists as <see cref="List{T}"/> of <see cref="object"/>, nested objects
/// as dictionaries.
/// </remarks>
public interface IKerasSerializable<TSelf>
    where TSelf : class
{
    /// <summary>Recreates an object from its config.</summary>
    /// <param name="config">The object's config.</param>
    static abstract TSelf FromConfig(IReadOnlyDictionary<string, object?> config);
}
