using Nabla.Autodiff;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

public class UnaryTests
{
    public static TheoryData<string, int[]> OpsAndShapes()
    {
        var data = new TheoryData<string, int[]>();
        foreach (string op in new[] { "Sin", "Cos", "Exp", "Log", "Sqrt", "Abs", "Square" })
        {
            data.Add(op, [7]);
            data.Add(op, [3, 4]);
            data.Add(op, [2, 3, 5]);
            data.Add(op, []);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OpsAndShapes))]
    public void Gradients_match_finite_differences(string op, int[] shape)
    {
        // Log and Sqrt on a positive range, Abs away from its kink at 0.
        Tensor x = op switch
        {
            "Log" or "Sqrt" => TestData.Uniform(shape, 0.5f, 2f, seed: 3),
            "Abs" => TestData.AwayFromZero(shape, seed: 3),
            _ => TestData.Uniform(shape, -2f, 2f, seed: 3),
        };
        GradCheck.Assert(t => Apply(op, t[0]), [x]);
    }

    [Theory]
    [MemberData(nameof(OpsAndShapes))]
    public void Forward_values_match_double_precision_math(string op, int[] shape)
    {
        Tensor x = TestData.Uniform(shape, 0.25f, 3f, seed: 5);
        Func<double, double> f = op switch
        {
            "Sin" => Math.Sin,
            "Cos" => Math.Cos,
            "Exp" => Math.Exp,
            "Log" => Math.Log,
            "Sqrt" => Math.Sqrt,
            "Abs" => Math.Abs,
            _ => v => v * v,
        };
        AssertEx.Close(x.ToArray().Select(v => (float)f(v)).ToArray(), Apply(op, x).ToArray(), atol: 1e-6, rtol: 1e-6);
        Assert.Equal(shape, Apply(op, x).Shape);
    }

    [Fact]
    public void Exact_gradients_at_chosen_points()
    {
        Tensor x = Tensor.FromArray([-3f, 0f, 2f, 4f], 4);
        Assert.Equal([-1f, 0f, 1f, 1f], Grad(Ops.Abs, x));                  // d|x|/dx = sign(x), 0 at 0
        Assert.Equal([-6f, 0f, 4f, 8f], Grad(Ops.Square, x));               // dx²/dx = 2x
        Tensor p = Tensor.FromArray([0.5f, 1f, 2f, 4f], 4);
        Assert.Equal([2f, 1f, 0.5f, 0.25f], Grad(Ops.Log, p));              // d ln x/dx = 1/x
        Assert.Equal([0.25f, 0.125f], Grad(Ops.Sqrt, Tensor.FromArray([4f, 16f], 2)));  // d√x/dx = 1/(2√x)
        Tensor zero = Tensor.FromArray([0f], 1);
        Assert.Equal([1f], Grad(Ops.Sin, zero));                            // cos 0
        Assert.Equal([0f], Grad(Ops.Cos, zero));                            // −sin 0
        Assert.Equal([1f], Grad(Ops.Exp, zero));                            // e⁰
    }

    [Fact]
    public void Chained_instance_methods_compose()
    {
        Tensor u = TestData.Uniform([2, 3], -1f, 0.5f, seed: 1);   // exp(sin u) stays inside (0, 2): no clipping kink
        Tensor s = u.Sin().Exp().Clip(0f, 2f);
        AssertEx.Close(u.ToArray().Select(v => (float)Math.Min(2, Math.Exp(Math.Sin(v)))).ToArray(), s.ToArray(), atol: 1e-6, rtol: 1e-6);
        GradCheck.Assert(t => t[0].Sin().Exp().Clip(0f, 2f).Sqrt(), [u]);
    }

    [Fact]
    public void IEEE_special_values_pass_through()
    {
        Tensor x = Tensor.FromArray([0f, -1f], 2);
        Assert.Equal([float.NegativeInfinity, float.NaN], x.Log().ToArray());
        Assert.Equal([0f, float.NaN], x.Sqrt().ToArray());
    }

    private static Tensor Apply(string op, Tensor x) => op switch
    {
        "Sin" => x.Sin(),
        "Cos" => x.Cos(),
        "Exp" => x.Exp(),
        "Log" => x.Log(),
        "Sqrt" => x.Sqrt(),
        "Abs" => x.Abs(),
        _ => x.Square(),
    };

    private static float[] Grad(Func<Tensor, Tensor> f, Tensor x)
    {
        using var tape = new GradientTape();
        tape.Watch(x);
        return tape.Gradient(f(x), [x])[0].ToArray();
    }
}
