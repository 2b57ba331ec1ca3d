using Nabla.Kernels;
using Nabla.Tests.Support;

namespace Nabla.Tests.Kernels;

public class ActivationOpsTests
{
    private static readonly string[] Names =
        ["linear", "relu", "sigmoid", "tanh", "elu", "selu", "gelu", "gelu_tanh", "leaky_relu", "softplus", "swish"];

    public static IEnumerable<int> Lengths()
    {
        for (int n = 0; n <= (3 * 16) + 1; n++)
        {
            yield return n;
        }

        yield return 257;
        yield return 1000;
    }

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string name in Names)
        {
            foreach (string path in ForcedSimd.All)
            {
                data.Add(name, path);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_double_reference_for_every_length_on_every_path(string name, string path)
    {
        using var forced = new ForcedSimd(path);
        foreach (int n in Lengths())
        {
            float[] x = TestData.UniformArray(n, -8f, 8f, seed: n);
            var y = new float[n];
            Forward(name, x, y);
            AssertEx.Close(x.Select(v => (float)ReferenceMath.Activation(name, v)).ToArray(), y, atol: 1e-6, rtol: 2e-6);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gradient_matches_double_reference_for_every_length_on_every_path(string name, string path)
    {
        using var forced = new ForcedSimd(path);
        foreach (int n in Lengths())
        {
            float[] x = TestData.UniformArray(n, -8f, 8f, seed: n + 1);
            float[] g = TestData.UniformArray(n, -2f, 2f, seed: n + 2);
            float[] v = FromOutput(name) ? x.Select(e => (float)ReferenceMath.Activation(name, e)).ToArray() : x;
            var dx = new float[n];
            Gradient(name, g, v, dx);
            float[] expected = x.Select((e, i) => (float)(g[i] * ReferenceMath.Derivative(name, e))).ToArray();
            AssertEx.Close(expected, dx, atol: 2e-6, rtol: 1e-5);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Extreme_inputs_give_finite_saturated_values(string name, string path)
    {
        using var forced = new ForcedSimd(path);
        float[] x = [-1e4f, -100f, -30f, -1e-30f, 0f, 1e-30f, 30f, 100f, 1e4f, -88f, 88f, -17f, 17f, -3f, 3f, 1f, -1f];
        x = [.. x, .. x];   // 34 elements: vector bodies and scalar tails both see every value
        var y = new float[x.Length];
        Forward(name, x, y);
        Assert.All(y, v => Assert.True(float.IsFinite(v), $"{name} gave {v}"));
        AssertEx.Close(x.Select(v => (float)ReferenceMath.Activation(name, v)).ToArray(), y, atol: 1e-6, rtol: 2e-6);

        float[] vIn = FromOutput(name) ? y : x;
        var dx = new float[x.Length];
        Gradient(name, Enumerable.Repeat(1f, x.Length).ToArray(), vIn, dx);
        Assert.All(dx, v => Assert.True(float.IsFinite(v), $"{name}' gave {v}"));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Nan_propagates(string name, string path)
    {
        using var forced = new ForcedSimd(path);
        float[] x = Enumerable.Repeat(float.NaN, 40).ToArray();
        var y = new float[x.Length];
        Forward(name, x, y);
        Assert.All(y, v => Assert.True(float.IsNaN(v), $"{name}(NaN) gave {v}"));
    }

    [Fact]
    public void Parameterised_ops_use_their_parameter()
    {
        float[] x = TestData.UniformArray(37, -3f, 3f, seed: 5);
        var y = new float[x.Length];
        ActivationDriver.Map(new EluOp(0.5f), x, y);
        AssertEx.Close(x.Select(v => (float)(v > 0 ? v : 0.5 * ReferenceMath.Expm1(v))).ToArray(), y, atol: 1e-6, rtol: 2e-6);
        ActivationDriver.Map(new LeakyReluOp(0.01f), x, y);
        AssertEx.Close(x.Select(v => v > 0 ? v : 0.01f * v).ToArray(), y, atol: 0, rtol: 1e-7);

        float[] g = TestData.UniformArray(37, seed: 6);
        ActivationDriver.MapGradient(new EluGradientOp(0.5f), g, x, y);
        AssertEx.Close(x.Select((v, i) => (float)(g[i] * (v > 0 ? 1 : 0.5 * Math.Exp(v)))).ToArray(), y, atol: 1e-6, rtol: 1e-5);
        ActivationDriver.MapGradient(new LeakyReluGradientOp(0.01f), g, x, y);
        AssertEx.Close(x.Select((v, i) => g[i] * (v > 0 ? 1f : 0.01f)).ToArray(), y, atol: 0, rtol: 1e-7);
    }

    internal static bool FromOutput(string name) => name is "relu" or "sigmoid" or "tanh";

    internal static void Forward(string name, ReadOnlySpan<float> x, Span<float> y)
    {
        switch (name)
        {
            case "linear": ActivationDriver.Map(new IdentityOp(), x, y); break;
            case "relu": ActivationDriver.Map(new ReluOp(), x, y); break;
            case "sigmoid": ActivationDriver.Map(new SigmoidOp(), x, y); break;
            case "tanh": ActivationDriver.Map(new TanhOp(), x, y); break;
            case "elu": ActivationDriver.Map(new EluOp(1f), x, y); break;
            case "selu": ActivationDriver.Map(new SeluOp(), x, y); break;
            case "gelu": ActivationDriver.Map(new GeluOp(), x, y); break;
            case "gelu_tanh": ActivationDriver.Map(new GeluTanhOp(), x, y); break;
            case "leaky_relu": ActivationDriver.Map(new LeakyReluOp(0.2f), x, y); break;
            case "softplus": ActivationDriver.Map(new SoftplusOp(), x, y); break;
            case "swish": ActivationDriver.Map(new SwishOp(), x, y); break;
            default: throw new ArgumentException(name);
        }
    }

    internal static void Gradient(string name, ReadOnlySpan<float> g, ReadOnlySpan<float> v, Span<float> dx)
    {
        switch (name)
        {
            case "linear": g.CopyTo(dx); break;
            case "relu": ActivationDriver.MapGradient(new ReluGradientOp(), g, v, dx); break;
            case "sigmoid": ActivationDriver.MapGradient(new SigmoidGradientOp(), g, v, dx); break;
            case "tanh": ActivationDriver.MapGradient(new TanhGradientOp(), g, v, dx); break;
            case "elu": ActivationDriver.MapGradient(new EluGradientOp(1f), g, v, dx); break;
            case "selu": ActivationDriver.MapGradient(new SeluGradientOp(), g, v, dx); break;
            case "gelu": ActivationDriver.MapGradient(new GeluGradientOp(), g, v, dx); break;
            case "gelu_tanh": ActivationDriver.MapGradient(new GeluTanhGradientOp(), g, v, dx); break;
            case "leaky_relu": ActivationDriver.MapGradient(new LeakyReluGradientOp(0.2f), g, v, dx); break;
            case "softplus": ActivationDriver.MapGradient(new SoftplusGradientOp(), g, v, dx); break;
            case "swish": ActivationDriver.MapGradient(new SwishGradientOp(), g, v, dx); break;
            default: throw new ArgumentException(name);
        }
    }
}
