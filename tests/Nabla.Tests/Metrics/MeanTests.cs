using Nabla.Metrics;
using Nabla.Tests.Support;

namespace Nabla.Tests.Metrics;

public class MeanTests
{
    private static Tensor T(float[] values, params int[] shape) => Tensor.FromArray(values, shape);

    [Fact]
    public void Keras_docstring_example()
    {
        // keras.metrics.Mean: [1, 3, 5, 7] -> 4; after reset, sample_weight [1, 1, 0, 0] -> 2.
        var m = new Mean();
        m.UpdateState(T([1, 3, 5, 7]));
        Assert.Equal(4, m.Result());
        m.ResetState();
        Assert.Equal(0, m.Result());
        m.UpdateState(T([1, 3, 5, 7]), T([1, 1, 0, 0]));
        Assert.Equal(2, m.Result());
    }

    [Fact]
    public void Two_batches_of_different_sizes_give_the_sample_weighted_mean()
    {
        // 4 samples with mean 4, then 2 samples with mean 10: (16 + 20) / 6 = 6, not (4 + 10) / 2.
        var m = new Mean();
        m.UpdateState(T([1, 3, 5, 7]));
        m.UpdateState(T([9, 11]));
        Assert.Equal(6, m.Result(), 12);
        // Weighted: + 5·1 + 1·3 over weights 1 + 3 -> (36 + 8) / 10.
        m.UpdateState(T([5, 1]), T([1, 3]));
        Assert.Equal(4.4, m.Result(), 12);
    }

    [Fact]
    public void Multi_axis_values_average_within_each_sample()
    {
        var m = new Mean();
        m.UpdateState(T([1, 2, 3, 4], 2, 2));   // samples 1.5 and 3.5
        Assert.Equal(2.5, m.Result(), 12);
    }

    [Fact]
    public void Sample_weights_of_every_keras_shape()
    {
        // [batch, t] weights: each sample contributes mean(w·v) and mean(w): (0.5 + 3.5) / (0.5 + 1).
        var m = new Mean();
        m.UpdateState(T([1, 2, 3, 4], 2, 2), T([1, 0, 1, 1], 2, 2));
        Assert.Equal(4 / 1.5, m.Result(), 12);

        // [batch, 1] weights broadcast over the second axis: (2·1.5 + 0) / 2.
        m.ResetState();
        m.UpdateState(T([1, 2, 3, 4], 2, 2), T([2, 0], 2, 1));
        Assert.Equal(1.5, m.Result(), 12);

        // [batch] weights with [batch, 1] values: the weights gain the trailing axis (Keras squeeze_or_expand).
        m.ResetState();
        m.UpdateState(T([1, 5], 2, 1), T([3, 1]));
        Assert.Equal(2, m.Result(), 12);

        // A scalar weight weighs the mean of the whole batch once, as Keras.
        m.ResetState();
        m.UpdateState(T([1, 3, 5, 7]), Tensor.Scalar(2f));
        m.UpdateState(T([10]), Tensor.Scalar(2f));
        Assert.Equal(7, m.Result(), 12);
    }

    [Fact]
    public void The_trainers_loss_path_weighs_by_batch_size()
    {
        var m = new Mean("loss");
        m.Update(0.5, 32);
        m.Update(2.0, 8);
        Assert.Equal(((0.5 * 32) + (2.0 * 8)) / 40, m.Result(), 12);
        AllocationAssert.DoesNotAllocateOnThisThread(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                m.Update(1.0, 32);
            }
        });
    }

    [Fact]
    public void Mismatched_weights_are_rejected()
    {
        var m = new Mean();
        AssertEx.Throws<ShapeMismatchException>(() => m.UpdateState(T([1, 2, 3, 4]), T([1, 1, 1])),
            "Metric 'mean' (Mean) cannot apply sample_weight of shape [3] to its per-sample values of shape [4]");
        AssertEx.Throws<ShapeMismatchException>(() => m.UpdateState(T([1, 2]), T([1, 1, 1, 1], 2, 2)), "sample_weight of shape [2, 2]");
    }

    [Fact]
    public void Labels_and_predictions_are_refused() =>
        AssertEx.Throws<InvalidOperationException>(() => ((Metric)new Mean()).UpdateState(T([1]), T([1])),
            "Metric 'mean' (Mean) averages values: call UpdateState(values, sampleWeight).");
}
