namespace Nabla.Tests.Support;

/// <summary>Tests that redirect <see cref="Console.Out"/> run alone, so no other test writes into (or loses output to) their capture.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleOutputCollection
{
    public const string Name = "Console output";
}
