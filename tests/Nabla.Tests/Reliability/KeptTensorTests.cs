using Nabla.Autodiff;
using Nabla.Losses;
using Nabla.Optimizers;

namespace Nabla.Tests.Reliability;

/// <summary>
/// A tensor handed to user code keeps its value for as long as it is referenced: the losses and predictions of a custom
/// loop, gradients, Predict results. (Before, the step arena recycled them: five kept losses all printed the last
/// one, 1.9445, and a kept [32, 10] prediction became [112, 10].)
/// </summary>
public class KeptTensorTests
{
    [Fact]
    public void Losses_kept_from_a_custom_loop_keep_their_values()
    {
        Sequential model = ReliabilityModels.Classifier(compile: false);
        (Tensor x, Tensor y) = ReliabilityModels.Data(32);
        var lossFn = new SparseCategoricalCrossentropy();
        var optimizer = new Adam(learningRate: 0.05f);
        var losses = new List<Tensor>();
        var readAtTheTime = new List<float>();
        for (int step = 0; step < 5; step++)
        {
            using var tape = new GradientTape();
            Tensor loss = lossFn.Call(y, model.Apply(x, training: true));
            losses.Add(loss);
            readAtTheTime.Add(loss.Item());
            IReadOnlyList<Tensor> grads = tape.Gradient(loss, model.TrainableWeights);
            optimizer.ApplyGradients(grads.Zip(model.TrainableWeights));
        }

        Assert.Equal(readAtTheTime, losses.Select(l => l.Item()));
        Assert.Equal(5, readAtTheTime.Distinct().Count());     // they really differ: training moved the loss
        Assert.True(readAtTheTime[^1] < readAtTheTime[0]);
    }

    [Fact]
    public void A_kept_prediction_keeps_its_shape_and_values_when_later_steps_use_bigger_batches()
    {
        Sequential model = ReliabilityModels.Classifier(compile: false);
        (Tensor x, Tensor y) = ReliabilityModels.Data(112);
        var lossFn = new SparseCategoricalCrossentropy();
        var optimizer = new SGD(learningRate: 0.1f);
        Tensor kept = null!;
        float[] keptValues = [];
        foreach (int batch in new[] { 32, 112, 112 })
        {
            using var tape = new GradientTape();
            Tensor prediction = model.Apply(x[..batch], training: true);
            if (batch == 32)
            {
                (kept, keptValues) = (prediction, prediction.ToArray());
            }

            Tensor loss = lossFn.Call(y[..batch], prediction);
            optimizer.ApplyGradients(tape.Gradient(loss, model.TrainableWeights).Zip(model.TrainableWeights));
        }

        Assert.Equal([32, ReliabilityModels.Classes], kept.Shape);
        Assert.Equal(keptValues, kept.ToArray());
    }

    [Fact]
    public void Gradients_kept_across_steps_keep_their_values()
    {
        var w = new Variable(Tensor.FromArray([1f, 2f], 2), "w");
        var kept = new List<(Tensor Gradient, float[] Values)>();
        for (int step = 1; step <= 3; step++)
        {
            using var tape = new GradientTape();
            Tensor loss = Ops.Sum(Ops.Multiply(w, w) * step);   // d/dw = 2·step·w
            Tensor g = tape.Gradient(loss, [w])[0];
            kept.Add((g, g.ToArray()));
        }

        Assert.All(kept, k => Assert.Equal(k.Values, k.Gradient.ToArray()));
        Assert.Equal([2f, 4f], kept[0].Values);
        Assert.Equal([6f, 12f], kept[2].Values);
    }

    [Fact]
    public void Fit_and_Evaluate_on_the_same_thread_leave_the_users_tensors_alone()
    {
        Sequential model = ReliabilityModels.Classifier();
        (Tensor x, Tensor y) = ReliabilityModels.Data(64);
        Tensor prediction = model.Predict(x, verbose: 0);
        float[] before = prediction.ToArray();
        Tensor tapeResult;
        using (new GradientTape())
        {
            tapeResult = model.Apply(x[..8], training: false) * 1f;
        }

        float[] tapeBefore = tapeResult.ToArray();
        model.Fit(x, y, epochs: 2, batchSize: 16, verbose: 0);
        model.Evaluate(x, y, verbose: 0);

        Assert.Equal(before, prediction.ToArray());
        Assert.Equal(tapeBefore, tapeResult.ToArray());
        Assert.Equal([8, ReliabilityModels.Classes], tapeResult.Shape);
    }
}
