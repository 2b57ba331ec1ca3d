using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Normalization;

public class BatchNormalizationTests
{
    [Fact]
    public void Harness()
    {
        LayerTest.Run(() => new BatchNormalization(), inputShape: [4, 3, 3, 2], expectedOutputShape: [4, 3, 3, 2], trainableWeights: 2,
            nonTrainableWeights: 2, weightNames: ["gamma", "beta", "moving_mean", "moving_variance"], trainingDiffers: true);
    }

    [Theory]
    [InlineData(false, true, "beta")]
    [InlineData(true, false, "gamma")]
    public void Harness_without_scale_or_center(bool scale, bool center, string trainable)
    {
        LayerTest.Run(() => new BatchNormalization(scale: scale, center: center), inputShape: [5, 3], expectedOutputShape: [5, 3], trainableWeights: 1,
            nonTrainableWeights: 2, weightNames: [trainable, "moving_mean", "moving_variance"], trainingDiffers: true);
    }

    [Fact]
    public void Training_uses_batch_statistics_and_updates_the_moving_ones_as_keras_does()
    {
        // One channel, x = [1, 2, 3, 6]: batch mean 3 and biased variance (4 + 1 + 0 + 9)/4 = 3.5 (Keras's
        // ops.moments; the unbiased 14/3 would differ). With momentum 0.9 from (0, 1):
        //   step 1: moving_mean = 0·0.9 + 3·0.1 = 0.3,   moving_variance = 1·0.9 + 3.5·0.1 = 1.25
        //   step 2: moving_mean = 0.3·0.9 + 0.3 = 0.57,  moving_variance = 1.25·0.9 + 0.35 = 1.475
        // Training output: (x − 3)/√(3.5 + 0.5) = [−1, −0.5, 0, 1.5] (γ = 1, β = 0, ε = 0.5).
        // Inference output after step 2: (x − 0.57)/√(1.475 + 0.5).
        var layer = new BatchNormalization(momentum: 0.9, epsilon: 0.5);
        Tensor x = Tensor.FromArray([1f, 2f, 3f, 6f], 4, 1);
        AssertEx.Close([-1f, -0.5f, 0f, 1.5f], [4, 1], layer.Apply(x, training: true));
        AssertEx.Close([0.3f], [1], layer.MovingMean!.Value, atol: 1e-7);
        AssertEx.Close([1.25f], [1], layer.MovingVariance!.Value, atol: 1e-7);
        layer.Apply(x, training: true);
        AssertEx.Close([0.57f], [1], layer.MovingMean.Value, atol: 1e-6);
        AssertEx.Close([1.475f], [1], layer.MovingVariance.Value, atol: 1e-6);

        float s = 1f / MathF.Sqrt(1.475f + 0.5f);
        AssertEx.Close([(1 - 0.57f) * s, (2 - 0.57f) * s, (3 - 0.57f) * s, (6 - 0.57f) * s], [4, 1], layer.Apply(x), atol: 1e-6);
        AssertEx.Close([0.57f], [1], layer.MovingMean.Value, atol: 1e-6);   // inference leaves the statistics alone
    }

    [Fact]
    public void Statistics_are_per_channel_over_every_other_axis()
    {
        // [2, 1, 2, 2]: channel 0 holds 1, 3, 5, 7 (mean 4, variance 5), channel 1 holds 10 everywhere (variance 0).
        var layer = new BatchNormalization(momentum: 0);
        layer.Apply(Tensor.FromArray([1f, 10f, 3f, 10f, 5f, 10f, 7f, 10f], 2, 1, 2, 2), training: true);
        AssertEx.Close([4f, 10f], [2], layer.MovingMean!.Value);
        AssertEx.Close([5f, 0f], [2], layer.MovingVariance!.Value);
    }

    [Fact]
    public void A_frozen_layer_runs_in_inference_mode_even_in_training()
    {
        var layer = new BatchNormalization(movingMeanInitializer: new Constant(1), movingVarianceInitializer: new Constant(3));
        Tensor x = TestData.Uniform([6, 2], seed: 1);
        layer.Apply(x);
        layer.Trainable = false;
        Tensor inference = layer.Apply(x);
        AssertEx.Close(inference, layer.Apply(x, training: true), atol: 0, rtol: 0);
        AssertEx.Close([1f, 1f], [2], layer.MovingMean!.Value);
        Assert.Empty(layer.TrainableWeights);
        Assert.Equal(4, layer.NonTrainableWeights.Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Gradients_match_finite_differences(bool training)
    {
        var layer = new BatchNormalization(gammaInitializer: new RandomUniform(0.5, 1.5, seed: 1), betaInitializer: new RandomUniform(seed: 2),
            movingVarianceInitializer: new Constant(0.7));
        Tensor x = TestData.Uniform([3, 2, 2, 4], seed: 3);
        layer.Apply(x);
        GradCheck.Assert(i => layer.Apply(i[0], training), [x], layer.TrainableWeights);
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new BatchNormalization(momentum: 1.5), "BatchNormalization: momentum must be in [0, 1], but received momentum=1.5.");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new BatchNormalization(epsilon: -1), "epsilon must be a finite number >= 0, but received epsilon=-1.");
        AssertEx.Throws<ShapeMismatchException>(() => new BatchNormalization(axis: 1, name: "bn").Apply(Tensor.Zeros(2, 3, 3, 4)),
            "Layer 'bn' (BatchNormalization, axis=1, momentum=0.99) normalizes the last axis (channels-last data), but received axis=1 for input shape [None, 3, 3, 4].");
        var layer = new BatchNormalization(axis: 3);
        Assert.Equal([2, 3, 3, 4], layer.Apply(Tensor.Zeros(2, 3, 3, 4)).Shape);
        AssertEx.Throws<ShapeMismatchException>(() => layer.Apply(Tensor.Zeros(2, 3, 3, 5)), "expects input with last axis 4");
    }

    [Fact]
    public void Config_has_keras_keys_and_round_trips()
    {
        var layer = new BatchNormalization(momentum: 0.9, epsilon: 1e-5, center: false);
        Dictionary<string, object?> config = layer.GetConfig();
        Assert.Equal(
            ["axis", "beta_initializer", "beta_regularizer", "center", "dtype", "epsilon", "gamma_initializer", "gamma_regularizer", "momentum",
             "moving_mean_initializer", "moving_variance_initializer", "name", "scale", "trainable"],
            config.Keys.Order(StringComparer.Ordinal));
        var clone = (BatchNormalization)LayerRegistry.FromConfig("BatchNormalization", config);
        Assert.Equal((0.9, 1e-5, false, true), (clone.Momentum, clone.Epsilon, clone.Center, clone.Scale));
        Assert.Equal((-1, 0.99, 1e-3), (new BatchNormalization().Axis, new BatchNormalization().Momentum, new BatchNormalization().Epsilon));
    }
}
