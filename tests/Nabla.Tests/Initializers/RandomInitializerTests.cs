using Nabla.Initializers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Initializers;

/// <summary>Keras 3's seeding rule; these tests set the global seed, so they never run beside other tests.</summary>
[Collection(GlobalRandomSeedCollection.Name)]
public class RandomInitializerTests
{
    [Fact]
    public void A_seeded_instance_repeats_and_equal_seeds_agree()
    {
        var a = new GlorotUniform(seed: 42);
        Assert.Equal(a.Call(20, 30).ToArray(), a.Call(20, 30).ToArray());
        Assert.Equal(a.Call(20, 30).ToArray(), new GlorotUniform(seed: 42).Call(20, 30).ToArray());
        Assert.NotEqual(a.Call(20, 30).ToArray(), new GlorotUniform(seed: 43).Call(20, 30).ToArray());
    }

    [Fact]
    public void An_unseeded_instance_repeats_but_two_instances_differ()
    {
        // Keras 3 (random_initializers.py): "an initializer seeded with an integer or None (unseeded) will produce
        // the same random values across multiple calls"; the unseeded seed is drawn when the instance is created.
        var a = new RandomNormal();
        Assert.Equal(a.Call(50).ToArray(), a.Call(50).ToArray());
        Assert.NotEqual(a.Call(50).ToArray(), new RandomNormal().Call(50).ToArray());
        Assert.NotEqual(Initializer.Get("he_normal").Call(50).ToArray(), Initializer.Get("he_normal").Call(50).ToArray());
    }

    [Fact]
    public void The_global_seed_makes_unseeded_instances_reproducible()
    {
        float[] Run()
        {
            Nabla.Random.SetSeed(1234);
            Tensor first = new GlorotUniform().Call(8, 8), second = new TruncatedNormal().Call(8, 8);
            return [.. first.ToArray(), .. second.ToArray()];
        }

        Assert.Equal(Run(), Run());
    }
}
