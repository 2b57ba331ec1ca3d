using Nabla.Data;
using Nabla.Tests.Support;

namespace Nabla.Tests.Reliability;

/// <summary>
/// Zero samples is a clear error everywhere (Fit and Evaluate used to report loss 0 and accuracy 0 while Predict
/// refused the same input), and NaN or infinity in targets or sample weights is caught like NaN in inputs.
/// </summary>
public class EmptyAndNonFiniteDataTests
{
    [Fact]
    public void Fit_Evaluate_and_Predict_refuse_zero_samples_alike()
    {
        Sequential model = ReliabilityModels.Classifier();
        Tensor x = Tensor.Zeros(0, ReliabilityModels.Features), y = Tensor.Zeros(0);
        AssertEx.Throws<ArgumentException>(() => model.Fit(x, y, verbose: 0), "Fit: x has no samples (shape [0, 12])", "nothing to train on");
        AssertEx.Throws<ArgumentException>(() => model.Evaluate(x, y, verbose: 0), "Evaluate: x has no samples", "nothing to evaluate");
        AssertEx.Throws<ArgumentException>(() => model.Predict(x, verbose: 0), "Predict: x has no samples", "nothing to predict");
        AssertEx.Throws<ArgumentException>(() => model.TrainOnBatch(x, y), "TrainOnBatch: x has no samples");
    }

    [Fact]
    public void An_empty_dataset_is_an_error_not_a_zero_loss()
    {
        Sequential model = ReliabilityModels.Classifier();
        (Tensor x, Tensor y) = ReliabilityModels.Data(8);
        Dataset empty = Dataset.FromTensorSlices(x, y).Take(0).Batch(4);
        AssertEx.Throws<ArgumentException>(() => model.Fit(empty, verbose: 0), "Fit: the training data yielded no batches");
        AssertEx.Throws<ArgumentException>(() => model.Evaluate(empty, verbose: 0), "Evaluate: the data yielded no batches");
        AssertEx.Throws<ArgumentException>(() => model.Predict(empty, verbose: 0), "Predict: the data yielded no batches");
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "infinity")]
    public void Non_finite_targets_are_reported_with_where_they_are(float bad, string name)
    {
        Sequential model = ReliabilityModels.Classifier();
        model.Compile(optimizer: "adam", loss: "mse");
        (Tensor x, _) = ReliabilityModels.Data(20);
        float[] targets = new float[20 * ReliabilityModels.Classes];
        targets[(13 * ReliabilityModels.Classes) + 2] = bad;
        Tensor y = Tensor.FromArray(targets, 20, ReliabilityModels.Classes);
        AssertEx.Throws<ArgumentException>(() => model.Fit(x, y, batchSize: 10, shuffle: false, verbose: 0),
            $"Fit: the target (y) batch 1 of shape [10, 5] contains {name} (sample 3 of the batch, element 2)");
        AssertEx.Throws<ArgumentException>(() => model.Evaluate(x, y, batchSize: 10, verbose: 0), $"contains {name}");
    }

    [Fact]
    public void Non_finite_sample_weights_are_reported()
    {
        Sequential model = ReliabilityModels.Classifier();
        (Tensor x, Tensor y) = ReliabilityModels.Data(8);
        Tensor w = Tensor.FromArray([1f, 1f, 1f, float.NaN, 1f, 1f, 1f, 1f], 8);
        AssertEx.Throws<ArgumentException>(() => model.Fit(x, y, sampleWeight: w, shuffle: false, verbose: 0), "sample weights batch 0", "contains NaN");
    }
}
