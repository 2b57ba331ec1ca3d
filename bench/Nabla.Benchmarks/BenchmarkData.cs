namespace Nabla.Benchmarks;

/// <summary>Seeded input data for benchmarks.</summary>
internal static class BenchmarkData
{
    /// <summary>An array of <paramref name="length"/> floats uniform in [-1, 1).</summary>
    public static float[] Uniform(System.Random random, int length)
    {
        var data = new float[length];
        for (int i = 0; i < length; i++)
            data[i] = (random.NextSingle() * 2) - 1;
        return data;
    }
}
