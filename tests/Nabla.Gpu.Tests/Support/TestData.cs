namespace Nabla.Gpu.Tests.Support;

/// <summary>Seeded test data.</summary>
public static class TestData
{
    /// <summary>n floats uniform in [low, high), from <paramref name="seed"/>.</summary>
    public static float[] Uniform(int n, int seed, float low = -1f, float high = 1f)
    {
        var rng = new System.Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = low + ((high - low) * (float)rng.NextDouble());
        }

        return x;
    }
}
