using System.Numerics.Tensors;
using Nabla.Autodiff;
using Nabla.Optimizers;
using Nabla.Tests.Support;
using Xunit.Abstractions;

namespace Nabla.Tests.Autodiff;

/// <summary>
/// The engine's memory acceptance test: a warm training step of a 784-128-10 MLP, written by hand on the
/// autodiff API (fused Dense, sparse softmax cross-entropy, Mean, the tape, plain SGD), in the trainer's own form
/// (a <see cref="StepContext.BeginTrainingStep"/> scope, whose tensors the arena recycles) allocates no garbage; the
/// same step as a user writes it on the public API allocates exactly its tensors, which the user may keep.
/// </summary>
/// <remarks>
/// Allocation is counted on all threads (<c>GC.GetTotalAllocatedBytes(precise: true)</c>), because kernels may
/// run on worker threads. The test host allocates on its own threads too, in bursts (reporting results,
/// reflection and Reflection.Emit when the process is young: up to 800 KB in one window; once in some 16 runs on a
/// loaded machine, 2.5 to 8.8 MB in each of five consecutive windows, all but 3,200 bytes of it on other threads). So 100-step windows are measured until one is within budget, up to
/// <see cref="MaxWindows"/> times, and the quietest must be within budget: an allocation made by the step itself
/// repeats in every window and cannot hide this way.
/// </remarks>
[Collection(nameof(AllocationMeasurement))]
public class TrainingStepAllocationTests(ITestOutputHelper output)
{
    private const int Batch = 32, Batches = 8, Inputs = 784, Hidden = 128, Classes = 10;
    private const int WarmupSteps = 5, MeasuredSteps = 100, MaxWindows = 40;
    private const long Budget = 64 * 1024;
    private const float LearningRate = 0.1f;

    /// <summary>
    /// The step as a user writes it, on public API only (GradientTape, Gradient over variables, SGD.Apply): every tensor
    /// it computes stays valid while referenced, so it allocates them, and nothing more. The figure is reported.
    /// </summary>
    [Fact]
    public void A_custom_loop_step_allocates_its_tensors_and_nothing_more_and_the_loss_falls()
    {
        var rng = new System.Random(1234);
        (Tensor[] xs, Tensor[] ys) = TeacherData(rng);
        Variable w1 = Glorot(Inputs, Hidden, "w1", rng), b1 = new(Tensor.Zeros(Hidden), "b1");
        Variable w2 = Glorot(Hidden, Classes, "w2", rng), b2 = new(Tensor.Zeros(Classes), "b2");
        Variable[] weights = [w1, b1, w2, b2];
        var sgd = new SGD(learningRate: LearningRate);

        // The floats of the step's tensors. Forward: h [B, H], logits [B, C], log-probabilities [B, C], per-sample
        // losses [B], the mean []. Backward: the seed [], dMean→dLoss [B], dLogits [B, C], dW2 [H, C], db2 [C],
        // dH [B, H], then dZ [B, H] (relu's derivative), dW1 [I, H], db1 [H].
        long floats = (Batch * Hidden) + (2L * Batch * Classes) + Batch + 1
            + 1 + Batch + (Batch * Classes) + (Hidden * Classes) + Classes + (2L * Batch * Hidden) + ((long)Inputs * Hidden) + Hidden;
        long tensorBytes = floats * sizeof(float);
        int gen2Before = GC.CollectionCount(2);
        long perStep = MeasureAndAssert(index =>
        {
            Tensor x = xs[index % Batches], y = ys[index % Batches], loss;
            GradientTape tape;
            using (tape = new GradientTape())
            {
                loss = MlpLoss(x, y, w1, b1, w2, b2);
            }

            sgd.Apply(tape.Gradient(loss, weights), weights);
            return loss.Item();
        }, budget: null) / MeasuredSteps;

        output.WriteLine($"custom-loop step: {perStep:N0} bytes allocated per step; its tensors hold {tensorBytes:N0} bytes of floats; " +
            $"{GC.CollectionCount(2) - gen2Before} gen-2 collections during the test.");

        // Exactly its tensors: the floats plus each tensor's object and shape array (about 40 of them, under 150 bytes
        // each), the gradient list and the optimizer's pooled arguments. Anything else (a copy, a leak) exceeds it.
        Assert.InRange(perStep, tensorBytes, tensorBytes + (8 * 1024));
    }

    /// <summary>The trainer's form of the same step: its own step scope, gradients into a span, an in-place update.</summary>
    [Fact]
    public void One_hundred_warm_steps_of_the_trainers_kind_allocate_less_than_64_KB_and_the_loss_falls()
    {
        var rng = new System.Random(1234);
        (Tensor[] xs, Tensor[] ys) = TeacherData(rng);
        Variable w1 = Glorot(Inputs, Hidden, "w1", rng), b1 = new(Tensor.Zeros(Hidden), "b1");
        Variable w2 = Glorot(Hidden, Classes, "w2", rng), b2 = new(Tensor.Zeros(Classes), "b2");
        Tensor[] parameters = [w1.Value, b1.Value, w2.Value, b2.Value];
        var grads = new Tensor[parameters.Length];
        MeasureAndAssert(index =>
        {
            Tensor x = xs[index % Batches], y = ys[index % Batches], loss;
            using (StepContext.TrainingStep step = StepContext.Current.BeginTrainingStep())
            {
                loss = MlpLoss(x, y, w1, b1, w2, b2);
                step.Tape.ComputeGradients(loss, null, parameters, grads);   // results go into `grads`, from the arena
            }

            for (int i = 0; i < parameters.Length; i++)
            {
                Span<float> w = parameters[i].Span;
                TensorPrimitives.MultiplyAdd(grads[i].Span, -LearningRate, w, w);   // w −= lr·g
            }

            return loss.Item();
        });
    }

    // The 784-128-10 MLP's forward pass and mean sparse cross-entropy, as both step forms record it.
    private static Tensor MlpLoss(Tensor x, Tensor y, Variable w1, Variable b1, Variable w2, Variable b2)
    {
        Tensor h = Ops.Dense(x, w1, b1, "relu");
        Tensor logits = Ops.Dense(h, w2, b2);
        return Ops.Mean(Ops.SparseSoftmaxCrossEntropy(logits, y));
    }

    /// <summary>
    /// Runs <see cref="WarmupSteps"/> steps, then windows of <see cref="MeasuredSteps"/> until one is within
    /// <paramref name="budget"/> (or <see cref="MaxWindows"/> are spent; 5 windows without a budget), asserts the
    /// quietest window's bytes and that the loss fell, and returns the quietest window's bytes.
    /// </summary>
    private long MeasureAndAssert(Func<int, float> step, long? budget = Budget)
    {
        var losses = new List<float>(WarmupSteps + (MaxWindows * MeasuredSteps));
        int index = 0;
        while (index < WarmupSteps)
        {
            losses.Add(step(index++));
        }

        long best = long.MaxValue, bestOnTestThread = 0;
        var windows = new List<long>();
        for (int w = 0; w < (budget is null ? 5 : MaxWindows) && best >= (budget ?? 0); w++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true), beforeHere = GC.GetAllocatedBytesForCurrentThread();
            for (int s = 0; s < MeasuredSteps; s++)
            {
                losses.Add(step(index++));
            }

            long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            long here = GC.GetAllocatedBytesForCurrentThread() - beforeHere;
            windows.Add(allocated);
            if (allocated < best)
            {
                (best, bestOnTestThread) = (allocated, here);
            }
        }

        output.WriteLine($"{MeasuredSteps} warm steps allocated {best} bytes on all threads ({bestOnTestThread} on the test thread); " +
            $"windows: {string.Join(", ", windows)}.");
        output.WriteLine($"loss: first {losses[0]:F4}, after warm-up {losses[WarmupSteps]:F4}, last {losses[^1]:F4}");
        if (budget is long limit)
        {
            Assert.True(best < limit,
                $"{MeasuredSteps} warm training steps allocated {best} bytes ({bestOnTestThread} on the test thread); the budget is {limit}. " +
                $"All windows: {string.Join(", ", windows)}.");
        }

        // It learns: the mean loss over the last 10 steps is well below that over the first 10 (ln 10 ≈ 2.30 at start).
        float first = losses[..10].Average(), last = losses[^10..].Average();
        Assert.True(last < 0.6f * first, $"The loss did not fall enough: first 10 steps {first:F4}, last 10 steps {last:F4}.");
        return best;
    }

    /// <summary>Fixed random inputs in [0, 1) labelled by a fixed random linear teacher, so there is something to learn.</summary>
    private static (Tensor[] Xs, Tensor[] Ys) TeacherData(System.Random rng)
    {
        var teacher = new float[Inputs * Classes];
        for (int i = 0; i < teacher.Length; i++)
        {
            teacher[i] = (float)(rng.NextDouble() - 0.5);
        }

        var xs = new Tensor[Batches];
        var ys = new Tensor[Batches];
        for (int b = 0; b < Batches; b++)
        {
            var x = new float[Batch * Inputs];
            var y = new float[Batch];
            for (int n = 0; n < Batch; n++)
            {
                var scores = new double[Classes];
                for (int i = 0; i < Inputs; i++)
                {
                    float v = x[(n * Inputs) + i] = (float)rng.NextDouble();
                    for (int c = 0; c < Classes; c++)
                    {
                        scores[c] += v * teacher[(i * Classes) + c];
                    }
                }

                y[n] = Array.IndexOf(scores, scores.Max());
            }

            xs[b] = Tensor.FromArray(x, Batch, Inputs);
            ys[b] = Tensor.FromArray(y, Batch);
        }

        return (xs, ys);
    }

    private static Variable Glorot(int fanIn, int fanOut, string name, System.Random rng)
    {
        float limit = MathF.Sqrt(6f / (fanIn + fanOut));
        var w = new float[fanIn * fanOut];
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = limit * (float)((2 * rng.NextDouble()) - 1);
        }

        return new Variable(Tensor.FromArray(w, fanIn, fanOut), name);
    }
}
