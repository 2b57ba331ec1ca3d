using Nabla.Data;
using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Models;

public class DatasetTrainingTests
{
    private static readonly Tensor s_x = TestData.Uniform([40, 4]);
    private static readonly Tensor s_y = Tensor.FromArray(Enumerable.Range(0, 40).Select(i => (float)(i % 3)).ToArray(), 40);

    private static Sequential Classifier()
    {
        var model = new Sequential([new Dense(8, activation: "relu", inputShape: [4]), new Dense(3, activation: "softmax")]);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        return model;
    }

    [Fact]
    public void Fit_on_an_endless_dataset_takes_steps_per_epoch_batches()
    {
        Dataset train = Dataset.FromTensorSlices(s_x, s_y).Repeat().Shuffle(40, seed: 1).Batch(8);
        var counter = new RecordingBatches();
        History h = Classifier().Fit(train, epochs: 3, stepsPerEpoch: 4, verbose: 0, callbacks: [counter]);
        Assert.Equal(12, counter.Batches);
        Assert.Equal(3, h["loss"].Count);
    }

    [Fact]
    public void An_endless_dataset_without_steps_is_an_error_that_says_what_to_pass()
    {
        Dataset train = Dataset.FromTensorSlices(s_x, s_y).Repeat().Batch(8);
        AssertEx.Throws<ArgumentException>(() => Classifier().Fit(train, verbose: 0), "repeats forever", "Pass stepsPerEpoch");
        AssertEx.Throws<ArgumentException>(() => Classifier().Evaluate(train, verbose: 0), "repeats forever", "Pass steps");
        AssertEx.Throws<ArgumentException>(() => Classifier().Fit(Dataset.FromTensorSlices(s_x).Batch(8), verbose: 0), "the dataset has no labels");
    }

    [Fact]
    public void Dataset_and_array_forms_agree()
    {
        Sequential model = Classifier();
        Dataset data = Dataset.FromTensorSlices(s_x, s_y).Batch(16);
        IReadOnlyDictionary<string, double> fromDataset = model.Evaluate(data, verbose: 0);
        IReadOnlyDictionary<string, double> fromArrays = model.Evaluate(s_x, s_y, batchSize: 16, verbose: 0);
        Assert.Equal(fromArrays["loss"], fromDataset["loss"], 6);
        Assert.Equal(fromArrays["accuracy"], fromDataset["accuracy"], 6);
        AssertEx.Close(model.Predict(s_x, verbose: 0), model.Predict(data, verbose: 0), atol: 1e-6);
    }

    [Fact]
    public void Validation_data_can_be_a_dataset()
    {
        Dataset train = Dataset.FromTensorSlices(s_x, s_y).Batch(8);
        History h = Classifier().Fit(train, epochs: 2, verbose: 0, validationData: Dataset.FromTensorSlices(s_x, s_y).Batch(20));
        Assert.Equal(["accuracy", "loss", "val_accuracy", "val_loss"], h.Keys);
    }

    private sealed class RecordingBatches : Nabla.Callbacks.Callback
    {
        public int Batches { get; private set; }

        public override void OnTrainBatchEnd(int batch, Dictionary<string, double> logs) => Batches++;
    }
}
