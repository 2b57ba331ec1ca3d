namespace Nabla.Tests.Support;

/// <summary>Tests that call <see cref="Nabla.Random.SetSeed"/> run alone, so no other test draws from the global sequence meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalRandomSeedCollection
{
    public const string Name = "Global random seed";
}
