using Nabla.Autodiff;
using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

/// <summary>
/// A warm step of the trainer's own kind through the ops the merge and activation layers added (concatenation, the
/// transposed products, L2 normalisation, softmax over a middle axis, relu with options), forward and backward, and
/// through the layers' own calls, allocates nothing.
/// </summary>
public class MergeOpsAllocationTests
{
    [Fact]
    public void A_warm_step_through_the_merge_ops_allocates_nothing()
    {
        Tensor a = TestData.Uniform([4, 3, 5], seed: 1), b = TestData.Uniform([4, 2, 5], seed: 2);
        var w = new Variable(TestData.Uniform([4, 5, 6], seed: 3), "w");
        var v = new Variable(TestData.Uniform([4, 6], seed: 4), "v");
        Tensor[] sources = [w.Value, v.Value];
        var grads = new Tensor[2];
        var pair = new Tensor[2];
        ActivationDescriptor relu = ActivationTable.ReluWith(0.1f, 0.5f, 0.05f);   // as the ReLU layer holds it
        long allocated = long.MaxValue;
        for (int step = 0; step < 22 && (step < 3 || allocated != 0); step++)
        {
            using StepContext.TrainingStep training = StepContext.Current.BeginTrainingStep();
            long before = GC.GetAllocatedBytesForCurrentThread();

            pair[0] = a;
            pair[1] = b;
            Tensor joined = Ops.Concatenate(pair, axis: 1);                                 // [4, 5, 5]
            Tensor p = Ops.MatMul(joined, w.Value, transposeA: true, transposeB: false);    // [4, 5, 5]ᵀ·[4, 5, 6] → [4, 5, 6]
            Tensor q = Ops.MatMul(p, w.Value, transposeA: false, transposeB: true);         // [4, 5, 6]·[4, 5, 6]ᵀ → [4, 5, 5]
            Tensor n = Ops.L2Normalize(q, axis: 1);
            Tensor s = Ops.Softmax(n, axis: 1);
            Tensor r = relu.Apply(s);
            pair[0] = Ops.L2Normalize(v.Value);
            pair[1] = v.Value;
            Tensor flat = Ops.Concatenate(pair, axis: -1);                                  // [4, 12]
            Tensor loss = r.Sum() + flat.Sum();
            training.Tape.ComputeGradients(loss, null, sources, grads);

            if (step >= 2)
            {
                allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
            }
        }

        Assert.Equal(0, allocated);
        Assert.Equal([4, 5, 6], grads[0].Shape);
        Assert.Equal([4, 6], grads[1].Shape);
    }

    [Fact]
    public void A_warm_step_through_the_activation_layers_and_the_merge_call_allocates_nothing()
    {
        // Merge.Call (count, batch and broadcast checks, then the merge) is run directly: Layer.Apply's list form
        // is measured with the functional model's steps.
        Tensor a = TestData.Uniform([4, 6], seed: 1), b = TestData.Uniform([4, 1, 6], seed: 2), c = TestData.Uniform([4, 3, 6], seed: 3);
        var merge = new SumProbe();
        var prelu = new PReLU(alphaInitializer: new Nabla.Initializers.Constant(0.2));
        Layer[] single = [new ReLU(maxValue: 1, negativeSlope: 0.1), new LeakyReLU(), new ELU(0.5), new Softmax(axis: 1), prelu];
        var three = new Tensor[3];
        var sources = new Tensor[1];
        var grads = new Tensor[1];
        long allocated = long.MaxValue;
        for (int step = 0; step < 22 && (step < 3 || allocated != 0); step++)
        {
            using StepContext.TrainingStep training = StepContext.Current.BeginTrainingStep();
            long before = GC.GetAllocatedBytesForCurrentThread();

            three[0] = c;
            three[1] = b;
            three[2] = c;
            Tensor total = Ops.Sum(merge.Run(three));
            foreach (Layer layer in single)
            {
                total = Ops.Add(total, Ops.Sum(layer.Apply(c, training: true)));
            }

            sources[0] = prelu.Alpha!.Value;
            training.Tape.ComputeGradients(total, null, sources, grads);

            if (step >= 2)
            {
                allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
            }
        }

        Assert.Equal(0, allocated);
        Assert.Equal([3, 6], grads[0].Shape);
        Assert.Equal([4, 3, 6], merge.Run([a, b, c]).Shape);   // a merge of mixed ranks works too (it allocates its reshaped list)
    }

    /// <summary>A merge layer whose Call the test runs directly; merges like Add.</summary>
    private sealed class SumProbe : Merge
    {
        public Tensor Run(IReadOnlyList<Tensor> inputs)
        {
            if (!IsBuilt)
            {
                BuildOnce([.. inputs.Select(t => t.Shape)]);
            }

            return Call(inputs, training: true);
        }

        protected override Tensor MergeFunction(IReadOnlyList<Tensor> inputs)
        {
            Tensor result = inputs[0];
            for (int i = 1; i < inputs.Count; i++)
            {
                result = Ops.Add(result, inputs[i]);
            }

            return result;
        }
    }
}
