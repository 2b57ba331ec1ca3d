using Nabla.Callbacks;
using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Losses;
using Nabla.Optimizers;
using Nabla.Regularizers;
using Nabla.Tests.Support;

namespace Nabla.Tests;

/// <summary>
/// Keras users write <c>Dropout(0.2)</c>, <c>Adam(learningRate: 0.001)</c> and <c>x / 255.0</c>: every scalar
/// hyperparameter and tensor-scalar operator takes a double literal, rounded once to the float that the float
/// literal would give, and float literals still compile.
/// </summary>
public class DoubleLiteralsTests
{
    [Fact]
    public void Tensor_scalar_operators_take_doubles_on_either_side_and_match_the_float_forms()
    {
        Tensor x = Tensor.FromArray(new float[] { 0, 51, 127, 255, -3.5f }, 5);
        Assert.Equal((x / 255f).ToArray(), (x / 255.0).ToArray());
        Assert.Equal((x * 0.1f).ToArray(), (x * 0.1).ToArray());
        Assert.Equal((0.1f * x).ToArray(), (0.1 * x).ToArray());
        Assert.Equal((x + 0.3f).ToArray(), (x + 0.3).ToArray());
        Assert.Equal((0.3f + x).ToArray(), (0.3 + x).ToArray());
        Assert.Equal((x - 0.7f).ToArray(), (x - 0.7).ToArray());
        Assert.Equal((0.7f - x).ToArray(), (0.7 - x).ToArray());
        Assert.Equal((1f / x).ToArray(), (1.0 / x).ToArray());
        Assert.Equal(new float[] { 0, 0.2f, 127 / 255f, 1, -3.5f / 255f }, (x / 255.0).ToArray());
        Assert.Equal(new float[] { 2, 53, 129, 257, -1.5f }, (x + 2).ToArray());   // int literals pick the float overloads
    }

    [Fact]
    public void Double_operators_are_differentiable_like_the_float_ones()
    {
        var w = new Nabla.Autodiff.Variable(Tensor.FromArray([1f, 2f], 2), "w");
        using var tape = new Nabla.Autodiff.GradientTape();
        Tensor loss = ((1.0 - (3.0 * (Tensor)w)) / 2.0).Sum();   // d/dw = -3/2
        Assert.Equal([-1.5f, -1.5f], tape.Gradient(loss, [w])[0].ToArray());
    }

    [Fact]
    public void Layers_and_losses_take_doubles()
    {
        Assert.Equal(0.2f, new Dropout(0.2).Rate);
        Assert.Equal(0.1f, new CategoricalCrossentropy(labelSmoothing: 0.1).LabelSmoothing);
        Assert.Equal(0.1f, new BinaryCrossentropy(labelSmoothing: 0.1).LabelSmoothing);
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new Dropout(1.0), "Dropout: rate must be in [0, 1), but received 1.");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new Dropout(0.9999999999), "Dropout: rate must be in [0, 1)");   // rounds to 1f
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new CategoricalCrossentropy(labelSmoothing: double.NaN), "labelSmoothing must be in [0, 1]");
    }

    [Fact]
    public void Optimizers_take_doubles_and_store_the_float_the_float_literal_gives()
    {
        var adam = new Adam(learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.004, clipnorm: 1.0);
        Assert.Equal(0.001f, adam.LearningRate);
        Assert.Equal((0.9f, 0.999f, 1e-7f, 0.004f, 1f), (adam.Beta1, adam.Beta2, adam.Epsilon, adam.WeightDecay!.Value, adam.Clipnorm!.Value));
        var floats = new Adam(learningRate: 1e-3f, beta1: 0.9f);
        Assert.Equal((floats.LearningRate, floats.Beta1), (adam.LearningRate, adam.Beta1));
        Assert.Equal((0.01f, 0.9f), (new SGD(learningRate: 0.01, momentum: 0.9).LearningRate, new SGD(momentum: 0.9).Momentum));
        var rms = new RMSprop(learningRate: 0.001, rho: 0.95, momentum: 0.1, epsilon: 1e-6);
        Assert.Equal((0.001f, 0.95f, 0.1f, 1e-6f), (rms.LearningRate, rms.Rho, rms.Momentum, rms.Epsilon));
        Assert.Equal((0.1f, 0.004f), (new Adagrad(initialAccumulatorValue: 0.1).InitialAccumulatorValue, new AdamW(weightDecay: 0.004).WeightDecay!.Value));
        Assert.Equal(0.5f, new SGD(clipvalue: 0.5).Clipvalue);
        Assert.Equal(2f, new SGD(globalClipnorm: 2.0).GlobalClipnorm);
    }

    [Fact]
    public void Optimizer_checks_apply_to_the_stored_float()
    {
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new Adam(beta1: 0.99999999999), "beta1 must be in [0, 1)");   // rounds to 1f
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new Adam(learningRate: 1e300), "learningRate must be a non-negative finite number");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new SGD(clipnorm: -1.0), "clipnorm must be a positive finite number");
        AssertEx.Throws<ArgumentException>(() => new SGD(clipnorm: 1.0, clipvalue: 0.5), "Received: clipnorm=1, clipvalue=0.5, globalClipnorm=null");
    }

    [Fact]
    public void Schedules_take_doubles()
    {
        var exp = new ExponentialDecay(0.1, decaySteps: 10, decayRate: 0.5);
        Assert.Equal((0.1f, 0.5f), (exp.InitialLearningRate, exp.DecayRate));
        Assert.Equal(0.05f, exp.GetLearningRate(10));
        var cos = new CosineDecay(0.1, decaySteps: 100, alpha: 0.1, warmupTarget: 0.2, warmupSteps: 10);
        Assert.Equal((0.1f, 0.1f, 0.2f), (cos.InitialLearningRate, cos.Alpha, cos.WarmupTarget!.Value));
        var piecewise = new PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1]);
        Assert.Equal([1f, 0.5f, 0.1f], piecewise.Values);
        Assert.Equal(0.1f, piecewise.GetLearningRate(21));
        LearningRateSchedule warm = LearningRateSchedule.FromFunction(step => step < 100 ? 1e-4 : 1e-3);
        Assert.Equal((1e-4f, 1e-3f), (warm.GetLearningRate(0), warm.GetLearningRate(100)));
        LearningRateSchedule floats = LearningRateSchedule.FromFunction(step => 0.5f);   // a float lambda still fits
        Assert.Equal(0.5f, floats.GetLearningRate(0));
    }

    [Fact]
    public void Callbacks_take_doubles()
    {
        Assert.Equal(0.01f, new EarlyStopping(minDelta: 0.01).MinDelta);
        var plateau = new ReduceLROnPlateau(factor: 0.5, minDelta: 1e-3, minLr: 1e-6);
        Assert.Equal((0.5f, 1e-3f, 1e-6f), (plateau.Factor, plateau.MinDelta, plateau.MinLr));
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(factor: double.NaN), "does not support a factor >= 1.0 (or <= 0)");
    }

    [Fact]
    public void LearningRateScheduler_takes_a_double_function_as_Keras_writes_it()
    {
        var model = new Sequential([new Dense(1, inputShape: [1])]);
        model.Compile(optimizer: new SGD(learningRate: 0.1), loss: "mse");
        var scheduler = new LearningRateScheduler((epoch, lr) => lr * 0.5);
        History history = model.Fit(Tensor.Ones(4, 1), Tensor.Ones(4, 1), epochs: 2, verbose: 0, callbacks: [scheduler]);
        Assert.Equal([0.05f, 0.025f], history["learning_rate"].Select(v => (float)v));
        AssertEx.Throws<ArgumentException>(
            () => model.Fit(Tensor.Ones(4, 1), Tensor.Ones(4, 1), epochs: 1, verbose: 0, callbacks: [new LearningRateScheduler((_, _) => 1e300)]),
            "the schedule returned 1E+300 for epoch 0");
    }

    [Fact]
    public void Initializers_and_regularizers_take_doubles()
    {
        var normal = new RandomNormal(mean: 0.5, stddev: 0.05);
        Assert.Equal((0.5f, 0.05f), (normal.Mean, normal.Stddev));
        var truncated = new TruncatedNormal(mean: 0.1, stddev: 0.2);
        Assert.Equal((0.1f, 0.2f), (truncated.Mean, truncated.Stddev));
        var uniform = new RandomUniform(minval: -0.05, maxval: 0.05);
        Assert.Equal((-0.05f, 0.05f), (uniform.Minval, uniform.Maxval));
        Assert.Equal(0.3f, new Constant(0.3).Value);
        Assert.Equal(2f, new VarianceScaling(scale: 2.0).Scale);
        Assert.Equal(0.01f, new L1(0.01).Strength);
        Assert.Equal(0.01f, new L2(0.01).Strength);
        var both = new L1L2(l1: 0.01, l2: 0.02);
        Assert.Equal((0.01f, 0.02f), (both.L1Strength, both.L2Strength));
        AssertEx.Throws<ArgumentException>(() => new RandomUniform(minval: 0, maxval: 1e300), "RandomUniform expects finite bounds");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new VarianceScaling(scale: 1e300), "scale must be a positive number");
    }
}
