namespace Nabla.Saving;

/// <summary>A class the registry can recreate from a config: what files call it and how to build it.</summary>
internal sealed record SerializableClass(
    SerializableFamily Family,
    Type Type,
    string ClassName,
    string? Module,
    string? RegisteredName,
    Func<IReadOnlyDictionary<string, object?>, object> FromConfig);
