using Nabla.Autodiff;

namespace Nabla.Tests.Support;

/// <summary>Runs a function under a tape and returns its value and seeded gradients, cloned out of the step arena.</summary>
internal static class Gradients
{
    /// <summary>f() and d(Σ f()·seed)/d(source) for each source (which are watched).</summary>
    public static (Tensor Value, Tensor[] Gradients) Of(Func<Tensor> f, Tensor seed, params Tensor[] sources)
    {
        using var tape = new GradientTape();
        foreach (Tensor s in sources)
        {
            tape.Watch(s);
        }

        Tensor y = f();
        var g = new Tensor[sources.Length];
        tape.Gradient(y, sources, g, seed);
        return (y.Clone(), [.. g.Select(t => t.Clone())]);
    }
}
