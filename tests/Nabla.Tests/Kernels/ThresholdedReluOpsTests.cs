using Nabla.Kernels;
using Nabla.Tests.Support;

namespace Nabla.Tests.Kernels;

/// <summary>Keras's relu with a cap, a threshold and a slope, against a scalar reference on every path and remainder.</summary>
public class ThresholdedReluOpsTests
{
    // (negativeSlope, maxValue, threshold): a cap alone (relu6), a threshold alone, all three, and a cap below the threshold.
    public static TheoryData<string, float, float, float> Cases()
    {
        var data = new TheoryData<string, float, float, float>();
        foreach (string path in ForcedSimd.All)
        {
            data.Add(path, 0f, 6f, 0f);
            data.Add(path, 0f, float.PositiveInfinity, 1.5f);
            data.Add(path, 0.25f, 4f, 1f);
            data.Add(path, 0.5f, 1f, 2f);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_and_gradient_match_the_reference_for_every_length(string path, float slope, float cap, float threshold)
    {
        using var forced = new ForcedSimd(path);
        for (int n = 0; n <= (3 * 16) + 1; n++)
        {
            float[] x = TestData.UniformArray(n, -8f, 8f, seed: n), g = TestData.UniformArray(n, -2f, 2f, seed: n + 50);
            var y = new float[n + 1];
            var dx = new float[n + 1];
            y[n] = dx[n] = -7f;   // past the end: untouched
            ActivationDriver.Map(new ThresholdedReluOp(slope, cap, threshold), x, y.AsSpan(0, n));
            ActivationDriver.MapGradient(new ThresholdedReluGradientOp(slope, cap, threshold), g, x, dx.AsSpan(0, n));
            Assert.Equal([.. x.Select(v => Reference(v, slope, cap, threshold)), -7f], y);
            Assert.Equal([.. x.Select((v, i) => g[i] * Derivative(v, slope, cap, threshold)), -7f], dx);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Nan_stays_nan_and_infinities_saturate(string path, float slope, float cap, float threshold)
    {
        using var forced = new ForcedSimd(path);
        float[] x = [.. Enumerable.Repeat(new[] { float.NaN, float.NegativeInfinity, float.PositiveInfinity, threshold, cap, -1f }, 7).SelectMany(v => v)];
        var y = new float[x.Length];
        ActivationDriver.Map(new ThresholdedReluOp(slope, cap, threshold), x, y);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(Reference(x[i], slope, cap, threshold), y[i]);
        }

        Assert.True(float.IsNaN(y[0]));
        Assert.Equal(slope == 0f ? 0f : float.NegativeInfinity, y[1]);
    }

    [Fact]
    public void Kerass_documented_example()
    {
        // keras.layers.ReLU(max_value=10, negative_slope=0.5, threshold=0)([-10, -5, 0, 5, 10]) = [-5, -2.5, 0, 5, 10].
        float[] y = new float[5];
        ActivationDriver.Map(new ThresholdedReluOp(0.5f, 10f, 0f), [-10f, -5f, 0f, 5f, 10f], y);
        Assert.Equal([-5f, -2.5f, 0f, 5f, 10f], y);
    }

    // Keras: min(x, max) above the threshold, slope·(x − threshold) at or below it (0 there when the slope is 0).
    private static float Reference(float x, float slope, float cap, float threshold) =>
        float.IsNaN(x) ? x : x > threshold ? Math.Min(x, cap) : slope == 0f ? 0f : slope * (x - threshold);

    private static float Derivative(float x, float slope, float cap, float threshold) =>
        x > threshold ? (x < cap ? 1f : 0f) : slope;
}
