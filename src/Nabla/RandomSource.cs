namespace Nabla;

/// <summary>
/// A small, fast, seedable generator (xoshiro256**) used by initializers, shuffling and dropout; identical
/// sequences on every platform for the same seed.
/// </summary>
internal sealed class RandomSource
{
    private ulong _s0, _s1, _s2, _s3;
    private bool _hasSpare;
    private float _spare;

    /// <summary>Seeds the four state words from one 64-bit seed with SplitMix64, as xoshiro's authors advise.</summary>
    public RandomSource(ulong seed)
    {
        ulong x = seed;
        _s0 = Next(ref x);
        _s1 = Next(ref x);
        _s2 = Next(ref x);
        _s3 = Next(ref x);

        static ulong Next(ref ulong x)
        {
            x += 0x9E3779B97F4A7C15UL;
            return Mix(x);
        }
    }

    /// <summary>SplitMix64's finalizer: a bijective scramble of 64 bits.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 24 bits of precision.</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform in [0, 1) with 53 bits of precision.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, maxExclusive), without modulo bias (Lemire's method).</summary>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        ulong m = (ulong)(uint)(NextUInt64() >> 32) * (uint)maxExclusive;
        uint low = (uint)m;
        if (low < (uint)maxExclusive)
        {
            uint threshold = (uint)-maxExclusive % (uint)maxExclusive;
            while (low < threshold)
            {
                m = (ulong)(uint)(NextUInt64() >> 32) * (uint)maxExclusive;
                low = (uint)m;
            }
        }

        return (int)(m >> 32);
    }

    /// <summary>Standard normal, by the Marsaglia polar method (pairs; the spare is kept).</summary>
    public float NextNormal()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spare;
        }

        double u, v, s;
        do
        {
            u = (NextDouble() * 2.0) - 1.0;
            v = (NextDouble() * 2.0) - 1.0;
            s = (u * u) + (v * v);
        }
        while (s >= 1.0 || s == 0.0);

        double f = Math.Sqrt(-2.0 * Math.Log(s) / s);
        _spare = (float)(v * f);
        _hasSpare = true;
        return (float)(u * f);
    }

    /// <summary>Fisher–Yates shuffle of <paramref name="items"/> in place.</summary>
    public void Shuffle(Span<int> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
