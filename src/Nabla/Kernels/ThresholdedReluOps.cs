using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

// Keras's relu with all three of its options (activations.relu(x, negative_slope, max_value, threshold)), as an
// IActivationOp and its derivative for ActivationDriver. The plain and leaky forms have their own cheaper ops in
// ActivationOps.cs; this one serves the ReLU layer when it clips or thresholds.

/// <summary>
/// relu(x) = min(x, maxValue) for x &gt; threshold, negativeSlope·(x − threshold) otherwise (0 there when the slope
/// is 0, also for x = −∞); NaN stays NaN. <c>maxValue</c> is +∞ when there is no cap.
/// </summary>
internal readonly struct ThresholdedReluOp(float negativeSlope, float maxValue, float threshold) : IActivationOp
{
    public float Invoke(float x) =>
        float.IsNaN(x) ? x : x > threshold ? MathF.Min(x, maxValue) : negativeSlope == 0f ? 0f : negativeSlope * (x - threshold);

    public Vector256<float> Invoke(Vector256<float> x)
    {
        Vector256<float> t = Vector256.Create(threshold);
        Vector256<float> below = negativeSlope == 0f ? Vector256<float>.Zero : (x - t) * negativeSlope;
        Vector256<float> y = Vector256.ConditionalSelect(Vector256.GreaterThan(x, t), Vector256.Min(x, Vector256.Create(maxValue)), below);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), y, x);
    }

    public Vector512<float> Invoke(Vector512<float> x)
    {
        Vector512<float> t = Vector512.Create(threshold);
        Vector512<float> below = negativeSlope == 0f ? Vector512<float>.Zero : (x - t) * negativeSlope;
        Vector512<float> y = Vector512.ConditionalSelect(Vector512.GreaterThan(x, t), Vector512.Min(x, Vector512.Create(maxValue)), below);
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), y, x);
    }
}

/// <summary>
/// The derivative of <see cref="ThresholdedReluOp"/> from its input (v = x): dx = g for threshold &lt; x &lt; maxValue,
/// 0 for x ≥ maxValue, g·negativeSlope for x ≤ threshold. At the kinks it takes the side ReLU's derivative takes
/// (0 at the threshold when the slope is 0, as relu'(0) = 0; 0 at the cap, as relu6'(6) = 0).
/// </summary>
internal readonly struct ThresholdedReluGradientOp(float negativeSlope, float maxValue, float threshold) : IActivationGradientOp
{
    public float Invoke(float g, float x) => x > threshold ? (x < maxValue ? g : 0f) : g * negativeSlope;

    public Vector256<float> Invoke(Vector256<float> g, Vector256<float> x) =>
        Vector256.ConditionalSelect(
            Vector256.GreaterThan(x, Vector256.Create(threshold)),
            Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(maxValue)), g, Vector256<float>.Zero),
            g * negativeSlope);

    public Vector512<float> Invoke(Vector512<float> g, Vector512<float> x) =>
        Vector512.ConditionalSelect(
            Vector512.GreaterThan(x, Vector512.Create(threshold)),
            Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(maxValue)), g, Vector512<float>.Zero),
            g * negativeSlope);
}
