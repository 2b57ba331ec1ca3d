namespace Nabla.Tests.Support;

/// <summary>Seeded random tensors and arrays for tests.</summary>
internal static class TestData
{
    public static Tensor Uniform(int[] shape, float low = -1f, float high = 1f, int seed = 1) =>
        Tensor.RandomUniform(shape, low, high, seed);

    public static float[] UniformArray(int length, float low = -1f, float high = 1f, int seed = 1)
    {
        var rng = new System.Random(seed);
        var a = new float[length];
        for (int i = 0; i < length; i++)
        {
            a[i] = low + ((high - low) * (float)rng.NextDouble());
        }

        return a;
    }

    /// <summary>Uniform values whose magnitude is at least <paramref name="minAbs"/> (away from kinks such as ReLU at 0).</summary>
    public static Tensor AwayFromZero(int[] shape, float minAbs = 0.1f, float maxAbs = 1f, int seed = 1)
    {
        var rng = new System.Random(seed);
        var n = 1;
        foreach (int d in shape)
        {
            n *= d;
        }

        var a = new float[n];
        for (int i = 0; i < n; i++)
        {
            float m = minAbs + ((maxAbs - minAbs) * (float)rng.NextDouble());
            a[i] = rng.Next(2) == 0 ? -m : m;
        }

        return Tensor.FromArray(a, shape);
    }
}
