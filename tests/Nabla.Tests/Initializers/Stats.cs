namespace Nabla.Tests.Initializers;

/// <summary>Sample statistics in double, and the assertions the statistical initializer tests share.</summary>
internal static class Stats
{
    public static (double Mean, double Std, double Min, double Max) Of(Tensor t)
    {
        float[] v = t.ToArray();
        double sum = 0, min = double.MaxValue, max = double.MinValue;
        foreach (float x in v)
        {
            sum += x;
            min = Math.Min(min, x);
            max = Math.Max(max, x);
        }

        double mean = sum / v.Length, ss = 0;
        foreach (float x in v)
        {
            ss += (x - mean) * (x - mean);
        }

        return (mean, Math.Sqrt(ss / v.Length), min, max);
    }

    /// <summary>
    /// The mean within 6 standard errors of <paramref name="mean"/> (σ/√n), the standard deviation within
    /// <paramref name="stdRtol"/> relative (the sampling error of a std over 200k values is about 0.2%), and every
    /// value within [low, high].
    /// </summary>
    public static void Check(Tensor t, double mean, double std, double low, double high, double stdRtol = 0.01)
    {
        (double m, double s, double min, double max) = Of(t);
        double standardError = std / Math.Sqrt(t.Size);
        Assert.True(Math.Abs(m - mean) <= 6 * standardError, $"mean {m:G6}, expected {mean:G6} ± {6 * standardError:G3}");
        Assert.True(Math.Abs(s - std) <= stdRtol * std, $"std {s:G6}, expected {std:G6} ± {stdRtol:P1}");
        Assert.True(min >= low && max <= high, $"range [{min:G6}, {max:G6}] outside [{low:G6}, {high:G6}]");
    }
}
