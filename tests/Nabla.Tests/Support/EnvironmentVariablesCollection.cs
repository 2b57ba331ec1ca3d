namespace Nabla.Tests.Support;

/// <summary>Tests that set process environment variables run alone, so that no other test reads them meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentVariablesCollection
{
    public const string Name = "Environment variables";
}
