namespace Nabla;

/// <summary>
/// Global seeding for reproducible runs: weight initialization, shuffling and dropout draw their seeds from
/// here when they are not given one (Keras's <c>keras.utils.set_random_seed</c>).
/// </summary>
/// <remarks>
/// After <see cref="SetSeed"/>, the sequence of seeds handed out is fixed, so a program that builds and trains
/// the same model the same way gets the same numbers on every run on the same machine. Without it, seeds come
/// from the system's entropy.
/// </remarks>
public static class Random
{
    private static readonly object s_lock = new();
    private static ulong s_state = (ulong)System.Random.Shared.NextInt64() ^ (ulong)Environment.TickCount64;

    /// <summary>Makes every later unseeded random draw reproducible.</summary>
    /// <param name="seed">Any integer.</param>
    public static void SetSeed(int seed)
    {
        lock (s_lock)
        {
            s_state = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL + 0xD1B54A32D192ED03UL;
        }
    }

    /// <summary>The next seed in the global sequence (SplitMix64 of a counter).</summary>
    internal static ulong NextSeed()
    {
        lock (s_lock)
        {
            s_state += 0x9E3779B97F4A7C15UL;
            return RandomSource.Mix(s_state);
        }
    }

    /// <summary>A generator seeded from <paramref name="seed"/> when given, else from the global sequence.</summary>
    internal static RandomSource Source(int? seed) =>
        new(seed is int s ? RandomSource.Mix((ulong)(uint)s + 0x632BE59BD9B4E019UL) : NextSeed());
}
