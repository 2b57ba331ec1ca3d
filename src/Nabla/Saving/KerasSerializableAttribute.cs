namespace Nabla.Saving;

/// <summary>
/// Names a custom class in saved files (Keras's <c>@keras.saving.register_keras_serializable(package, name)</c>):
/// files record it as <c>registered_name</c> <c>"{Package}>{Name}"</c>. The class still has to be registered with
/// <see cref="Serialization.Register{T}()"/> before a file that contains it is loaded.
/// </summary>
/// <example>
/// <code>
/// [KerasSerializable("my_models")]
/// public sealed class Scale : Layer, IKerasSerializable&lt;Scale&gt; { ... }
/// Serialization.Register&lt;Scale&gt;();   // files call it "my_models>Scale"
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class KerasSerializableAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="package">The package part of the registered name (default <c>Custom</c>, as Keras).</param>
    /// <param name="name">The class name written to files (default: the .NET class name).</param>
    public KerasSerializableAttribute(string package = "Custom", string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(package);
        Package = package;
        Name = name;
    }

    /// <summary>The package part of the registered name.</summary>
    public string Package { get; }

    /// <summary>The class name written to files, or null for the .NET class name.</summary>
    public string? Name { get; }
}
