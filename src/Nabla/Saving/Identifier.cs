namespace Nabla.Saving;

/// <summary>
/// A string identifier such as <c>"relu"</c> or <c>"adam"</c>: <see cref="Create"/> receives the spelling used, since
/// a metric is named after it. Listed identifiers appear in unknown-name messages; the others (class-name spellings,
/// abbreviations) are only suggested.
/// </summary>
internal sealed record Identifier(SerializableFamily Family, string Name, bool Listed, bool IgnoreCase, Func<string, object> Create);
