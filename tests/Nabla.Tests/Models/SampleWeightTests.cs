using Nabla.Tests.Reliability;
using Nabla.Tests.Support;

namespace Nabla.Tests.Models;

/// <summary>Fit and Evaluate with sample and class weights, as Keras applies them (sum over batch size of w·loss).</summary>
public class SampleWeightTests
{
    [Fact]
    public void Evaluate_weighs_each_samples_loss_and_divides_by_the_batch_size()
    {
        Sequential model = ReliabilityModels.Classifier();
        (Tensor x, Tensor y) = ReliabilityModels.Data(8);
        float[] perSample = new Nabla.Losses.SparseCategoricalCrossentropy(reduction: "none").Call(y, model.Predict(x, verbose: 0)).ToArray();
        float[] w = [0f, 1f, 2f, 0.5f, 1f, 0f, 3f, 1f];

        double weighted = model.Evaluate(x, y, batchSize: 8, verbose: 0, sampleWeight: Tensor.FromArray(w, 8))["loss"];

        double expected = perSample.Zip(w, (l, wi) => (double)l * wi).Sum() / 8;   // Keras's sum_over_batch_size
        Assert.Equal(expected, weighted, 5e-6);
    }

    [Fact]
    public void Class_weights_equal_the_sample_weights_of_each_samples_class()
    {
        (Tensor x, Tensor y) = ReliabilityModels.Data(96);
        var classWeight = new Dictionary<int, double> { [0] = 2.0, [3] = 0.5 };   // classes not listed weigh 1
        float[] w = y.ToArray().Select(c => c == 0 ? 2f : c == 3 ? 0.5f : 1f).ToArray();

        History byClass = ReliabilityModels.Classifier().Fit(x, y, epochs: 2, batchSize: 16, shuffle: false, verbose: 0, classWeight: classWeight);
        History bySample = ReliabilityModels.Classifier().Fit(x, y, epochs: 2, batchSize: 16, shuffle: false, verbose: 0, sampleWeight: Tensor.FromArray(w, 96));
        History plain = ReliabilityModels.Classifier().Fit(x, y, epochs: 2, batchSize: 16, shuffle: false, verbose: 0);

        Assert.Equal(bySample["loss"], byClass["loss"]);
        Assert.NotEqual(plain["loss"], byClass["loss"]);
    }

    [Fact]
    public void Zero_weights_remove_samples_from_training()
    {
        (Tensor x, Tensor y) = ReliabilityModels.Data(64);
        float[] w = new float[64];
        Array.Fill(w, 1f, 0, 32);   // only the first half counts
        Sequential weighted = ReliabilityModels.Classifier(), firstHalf = ReliabilityModels.Classifier();
        weighted.Compile(optimizer: new Nabla.Optimizers.SGD(learningRate: 0.2f), loss: "sparse_categorical_crossentropy");
        firstHalf.Compile(optimizer: new Nabla.Optimizers.SGD(learningRate: 0.1f), loss: "sparse_categorical_crossentropy");
        weighted.Fit(x, y, epochs: 1, batchSize: 64, shuffle: false, verbose: 0, sampleWeight: Tensor.FromArray(w, 64));
        firstHalf.Fit(x[..32], y[..32], epochs: 1, batchSize: 32, shuffle: false, verbose: 0);

        // The weighted loss is the first half's mean loss over 64 instead of 32, so its gradient is half as large: SGD at
        // twice the learning rate takes the same step.
        AssertEx.Close(firstHalf.GetWeights()[0], weighted.GetWeights()[0], atol: 1e-6, rtol: 1e-5);
    }

    [Fact]
    public void Bad_weights_are_rejected_with_what_was_expected()
    {
        Sequential model = ReliabilityModels.Classifier();
        (Tensor x, Tensor y) = ReliabilityModels.Data(8);
        AssertEx.Throws<ShapeMismatchException>(() => model.Fit(x, y, verbose: 0, sampleWeight: Tensor.Ones(8, 2)),
            "sampleWeight must hold one weight per sample, shape [8], but received shape [8, 2]");
        AssertEx.Throws<ArgumentException>(() => model.Fit(x, y, verbose: 0, sampleWeight: Tensor.Ones(7)), "sampleWeight has 7");
        AssertEx.Throws<ArgumentException>(() => model.Fit(x, y, verbose: 0, sampleWeight: Tensor.Ones(8), classWeight: new Dictionary<int, double> { [0] = 2 }),
            "classWeight and sampleWeight cannot be used together");
        AssertEx.Throws<ArgumentException>(() => model.Fit(x, y, verbose: 0, classWeight: new Dictionary<int, double> { [1] = double.NaN }),
            "classWeight[1] is NaN");
    }
}
