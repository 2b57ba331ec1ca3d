using Nabla.Autodiff;

namespace Nabla.Tests.Autodiff;

/// <summary>
/// The tape's report of final gradients during the backward pass (what data-parallel training overlaps its
/// all-reduce with): each source once, in the reverse order of first use, with the value the pass ends with.
/// </summary>
public class GradientReadyTests
{
    [Fact]
    public void Each_gradient_is_reported_once_as_soon_as_it_is_final_in_reverse_order_of_first_use()
    {
        var rng = new System.Random(3);
        Variable w1 = Random(rng, "w1", 5, 7), b1 = Random(rng, "b1", 7);
        Variable w2 = Random(rng, "w2", 7, 3), b2 = Random(rng, "b2", 3);
        Variable unused = Random(rng, "unused", 2);
        Tensor x = Tensor.FromArray([.. Enumerable.Range(0, 20).Select(i => (float)Math.Sin(i))], 4, 5);
        Tensor[] sources = [w1.Value, b1.Value, w2.Value, b2.Value, unused.Value];

        float[][] expected = Gradients(x, w1, b1, w2, b2, sources, null);
        var order = new List<int>();
        var atReport = new float[sources.Length][];
        var results = new Tensor[sources.Length];
        float[][] reported = Gradients(x, w1, b1, w2, b2, sources, (j, g) =>
        {
            order.Add(j);
            atReport[j] = g.ToArray();   // the value when reported must be the final one
        }, results);

        // The second layer's weights are used last in the forward pass, so they are final first (its bias before its
        // kernel: the kernel's leaf was recorded first); the unused variable comes after the sweep.
        Assert.Equal([3, 2, 1, 0, 4], order);
        for (int j = 0; j < sources.Length; j++)
        {
            Assert.Equal(expected[j], reported[j]);
            Assert.Equal(expected[j], atReport[j]);
        }

        Assert.All(expected[4], v => Assert.Equal(0f, v));
        Assert.Contains(expected[0], v => v != 0f);
    }

    [Fact]
    public void A_weight_used_twice_is_reported_after_its_last_use_with_both_contributions()
    {
        Variable w = new(Tensor.FromArray([0.5f, -1.5f], 2), "w");
        Variable v = new(Tensor.FromArray([2f, 3f], 2), "v");
        Tensor[] sources = [w.Value, v.Value];
        var results = new Tensor[2];
        var order = new List<int>();
        float[]? wAtReport = null;
        using (StepContext.TrainingStep step = StepContext.Current.BeginTrainingStep())
        {
            // loss = sum(w * v + w * w): dL/dw = v + 2w, dL/dv = w; w's second use comes after v's only one.
            Tensor loss = Ops.Sum((w.Value * v.Value) + (w.Value * w.Value));
            step.Tape.ComputeGradients(loss, null, sources, results, (j, g) =>
            {
                order.Add(j);
                if (j == 0)
                {
                    wAtReport = g.ToArray();
                }
            });
            Assert.Equal([1, 0], order);
            Assert.Equal([3f, 0f], wAtReport!);
            Assert.Equal([0.5f, -1.5f], results[1].ToArray());
        }
    }

    private static float[][] Gradients(Tensor x, Variable w1, Variable b1, Variable w2, Variable b2, Tensor[] sources, Action<int, Tensor>? ready, Tensor[]? results = null)
    {
        results ??= new Tensor[sources.Length];
        using StepContext.TrainingStep step = StepContext.Current.BeginTrainingStep();
        Tensor h = Ops.Dense(x, w1.Value, b1.Value, "tanh");
        Tensor loss = Ops.Mean(Ops.Dense(h, w2.Value, b2.Value, "sigmoid"));
        step.Tape.ComputeGradients(loss, null, sources, results, ready);
        return [.. results.Select(r => r.ToArray())];
    }

    private static Variable Random(System.Random rng, string name, params int[] shape)
    {
        float[] values = new float[shape.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(rng.NextDouble() - 0.5);
        }

        return new Variable(Tensor.FromArray(values, shape), name);
    }
}
