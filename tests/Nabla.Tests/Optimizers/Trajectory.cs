using Nabla.Autodiff;
using Nabla.Optimizers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Optimizers;

/// <summary>
/// Runs an optimizer for a few updates on two variables (shapes [2, 3] and [5]) with seeded gradients and checks
/// the weights after every update against a scalar reference written in double in the test.
/// </summary>
internal static class Trajectory
{
    /// <summary>
    /// The reference update: <c>step(t, w, g)</c> updates the weights <c>w[var][element]</c> in place for update
    /// number <c>t</c> (1 for the first) from the gradients <c>g[var][element]</c>; it keeps its own slots.
    /// </summary>
    public delegate void ReferenceStep(int t, double[][] w, double[][] g);

    public static readonly int[][] Shapes = [[2, 3], [5]];

    public static void AssertMatches(Optimizer optimizer, ReferenceStep reference, int steps = 3, double rtol = 2e-5, double atol = 1e-6, float gradScale = 1f)
    {
        var variables = new Variable[Shapes.Length];
        var expected = new double[Shapes.Length][];
        for (int v = 0; v < Shapes.Length; v++)
        {
            Tensor init = TestData.Uniform(Shapes[v], -1f, 1f, seed: 10 + v);
            variables[v] = new Variable(init, v == 0 ? "kernel" : "bias");
            variables[v].Path = $"dense/{variables[v].Name}";
            expected[v] = Array.ConvertAll(init.ToArray(), x => (double)x);
        }

        for (int t = 1; t <= steps; t++)
        {
            var grads = new Tensor[Shapes.Length];
            var g = new double[Shapes.Length][];
            for (int v = 0; v < Shapes.Length; v++)
            {
                grads[v] = TestData.Uniform(Shapes[v], -gradScale, gradScale, seed: (100 * t) + v);
                g[v] = Array.ConvertAll(grads[v].ToArray(), x => (double)x);
            }

            optimizer.Apply(grads, variables);
            reference(t, expected, g);
            for (int v = 0; v < Shapes.Length; v++)
            {
                AssertEx.Close(Array.ConvertAll(expected[v], x => (float)x), variables[v].Value.ToArray(), atol, rtol);
            }

            Assert.Equal(t, optimizer.Iterations);
        }
    }

    /// <summary>Zero-filled state shaped like the trajectory's variables, for a reference's slots.</summary>
    public static double[][] Slots(double fill = 0) =>
        Array.ConvertAll(Shapes, s => Enumerable.Repeat(fill, s.Aggregate(1, (a, b) => a * b)).ToArray());

    /// <summary>Runs the same seeded gradients through Keras's decoupled weight decay, w -= w·wd·lr, in double.</summary>
    public static void Decay(double[][] w, double weightDecay, double lr)
    {
        foreach (double[] wv in w)
        {
            for (int i = 0; i < wv.Length; i++)
            {
                wv[i] -= wv[i] * weightDecay * lr;
            }
        }
    }
}
