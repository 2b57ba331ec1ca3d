using System.Globalization;

namespace Nabla.Gpu.Tests.Support;

/// <summary>Float comparisons with a mixed tolerance |a − r| ≤ atol + rtol·|r|; NaN matches NaN and infinities must match exactly.</summary>
public static class Close
{
    /// <summary>Asserts every element of <paramref name="actual"/> is close to <paramref name="expected"/>.</summary>
    public static void All(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double atol = 1e-6, double rtol = 1e-5, string what = "")
    {
        Assert.True(actual.Length >= expected.Length, $"{what}: expected {expected.Length} values, got {actual.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            double r = expected[i], a = actual[i];
            bool ok = double.IsNaN(r) ? double.IsNaN(a)
                : double.IsInfinity(r) ? a == r
                : Math.Abs(a - r) <= atol + (rtol * Math.Abs(r));
            if (!ok)
            {
                Assert.Fail(string.Create(CultureInfo.InvariantCulture,
                    $"{what}: element {i} of {expected.Length} is {a:R}, expected {r:R} (|diff| {Math.Abs(a - r):E2}, atol {atol}, rtol {rtol})."));
            }
        }
    }
}
