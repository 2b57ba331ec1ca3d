using Nabla.Autodiff;

namespace Nabla.Tests.Support;

/// <summary>
/// Finite-difference gradient checking (STYLE.md R12): the output is projected on a fixed random tensor R
/// (loss = Σ f(x)·R, accumulated in double), analytic gradients come from the tape seeded with R, numeric ones
/// from central differences. Every input and parameter is checked, with a seeded subset of coordinates that
/// covers every item of the first (batch) axis when a tensor is large.
/// </summary>
internal static class GradCheck
{
    public static void Assert(
        Func<Tensor[], Tensor> f,
        Tensor[] inputs,
        IReadOnlyList<Variable>? parameters = null,
        double epsilon = 1e-3,
        double absTol = 1e-3,
        double relTol = 1e-2,
        int maxCoordinates = 96,
        int seed = 7)
    {
        parameters ??= [];
        Tensor probe = f(inputs);
        Tensor r = Tensor.RandomUniform(probe.Shape, -1f, 1f, seed);
        float[] rv = r.ToArray();

        // Analytic: one reverse pass seeded with R.
        var sources = new Tensor[inputs.Length + parameters.Count];
        var analytic = new float[sources.Length][];
        using (var tape = new GradientTape())
        {
            foreach (Tensor x in inputs)
            {
                tape.Watch(x);
            }

            Tensor y = f(inputs);
            for (int i = 0; i < inputs.Length; i++)
            {
                sources[i] = inputs[i];
            }

            for (int i = 0; i < parameters.Count; i++)
            {
                sources[inputs.Length + i] = parameters[i].Value;
            }

            var results = new Tensor[sources.Length];
            tape.Gradient(y, sources, results, seed: r);
            for (int i = 0; i < results.Length; i++)
            {
                Xunit.Assert.Equal(sources[i].Shape, results[i].Shape);
                analytic[i] = results[i].ToArray();
            }
        }

        var rng = new System.Random(seed);
        for (int s = 0; s < sources.Length; s++)
        {
            Tensor x = sources[s];
            Span<float> xs = x.Span;
            string what = s < inputs.Length ? $"input {s}" : $"parameter '{parameters[s - inputs.Length].Path}'";
            foreach (int i in Coordinates(x, maxCoordinates, rng))
            {
                float orig = xs[i];
                double h = epsilon * Math.Max(1.0, Math.Abs(orig));
                xs[i] = (float)(orig + h);
                double hp = xs[i] - orig;
                double lp = Project(f(inputs), rv);
                xs[i] = (float)(orig - h);
                double hm = orig - xs[i];
                double lm = Project(f(inputs), rv);
                xs[i] = orig;
                double numeric = (lp - lm) / (hp + hm);
                double a = analytic[s][i];
                if (!(Math.Abs(a - numeric) <= absTol + (relTol * Math.Abs(numeric))))
                {
                    Xunit.Assert.Fail($"Gradient of {what} (shape [{string.Join(", ", x.Shape)}]) at flat index {i}: analytic {a:G6}, numeric {numeric:G6}.");
                }
            }
        }
    }

    private static double Project(Tensor y, float[] r)
    {
        float[] v = y.ToArray();
        double sum = 0;
        for (int i = 0; i < v.Length; i++)
        {
            sum += (double)v[i] * r[i];
        }

        return sum;
    }

    private static IEnumerable<int> Coordinates(Tensor x, int max, System.Random rng)
    {
        int n = x.Size;
        if (n <= max)
        {
            for (int i = 0; i < n; i++)
            {
                yield return i;
            }

            yield break;
        }

        // Every row of the first axis gets at least one coordinate, so every batch item is checked.
        int rows = x.Rank > 0 ? x.Shape[0] : 1;
        int rowSize = n / rows;
        int perRow = Math.Max(1, max / rows);
        for (int row = 0; row < rows; row++)
        {
            for (int j = 0; j < perRow; j++)
            {
                yield return (row * rowSize) + rng.Next(rowSize);
            }
        }
    }
}
