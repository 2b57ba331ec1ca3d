using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Models;

public class SequentialTests
{
    private static Tensor Labels(int n, int classes) =>
        Tensor.FromArray(Enumerable.Range(0, n).Select(i => (float)(i % classes)).ToArray(), n);

    [Fact]
    public void Pop_makes_the_new_last_layer_the_output_that_labels_are_checked_against()
    {
        var model = new Sequential([new Dense(8, activation: "relu", inputShape: [4]), new Dense(3, activation: "softmax")]);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy");
        model.Add(new Dense(5, activation: "softmax"));
        Assert.Equal([-1, 5], model.OutputShape!);
        model.Pop();
        Assert.Equal([-1, 3], model.OutputShape!);
        Tensor x = TestData.Uniform([20, 4]);
        float[] labels = new float[20];
        labels[17] = 4f;   // valid for the popped 5-way layer, not for the 3-way one now last
        AssertEx.Throws<ArgumentOutOfRangeException>(() => model.Fit(x, Tensor.FromArray(labels, 20), verbose: 0),
            "Fit: SparseCategoricalCrossentropy expects integer labels in [0, 3), but received 4 at index 17. The model has 3 outputs");

        model.Pop();   // the 8-unit layer is the output now: labels up to 7 are fine
        Assert.Equal([-1, 8], model.OutputShape!);
        History h = model.Fit(x, Labels(20, 8), verbose: 0);
        Assert.True(double.IsFinite(h["loss"][0]));
    }

    [Fact]
    public void TrainOnBatch_after_Pop_or_Add_trains_exactly_the_layers_the_model_has_now()
    {
        var model = new Sequential([new Dense(8, activation: "relu", inputShape: [4]), new Dense(6), new Dense(3)]);
        model.Compile(optimizer: "adam", loss: "mse");   // Adam's momentum would move a stale layer even on a zero gradient
        Tensor x = TestData.Uniform([16, 4]);
        model.TrainOnBatch(x, TestData.Uniform([16, 3], seed: 2));   // caches the three layers' weights for the step

        var popped = (Dense)model.Pop();
        float[] poppedKernel = popped.Kernel!.Value.ToArray();
        float[] firstKernel = model.Layers[0].Weights[0].Value.ToArray();
        model.TrainOnBatch(x, TestData.Uniform([16, 6], seed: 3));
        Assert.Equal(poppedKernel, popped.Kernel!.Value.ToArray());   // a removed layer is not trained any more
        Assert.NotEqual(firstKernel, model.Layers[0].Weights[0].Value.ToArray());

        var added = new Dense(2);
        model.Add(added);
        model.Compile(optimizer: "sgd", loss: "mse");   // a new optimizer for the new set of weights, as in Keras
        model.TrainOnBatch(x, TestData.Uniform([16, 2], seed: 4));
        float[] addedKernel = added.Kernel!.Value.ToArray();
        model.TrainOnBatch(x, TestData.Uniform([16, 2], seed: 5));
        Assert.NotEqual(addedKernel, added.Kernel!.Value.ToArray());   // the added layer is trained
    }

    [Fact]
    public void Pop_on_a_model_built_from_its_first_batch_updates_the_output_too()
    {
        var model = new Sequential([new Dense(6), new Dense(2)]);
        model.Compile(optimizer: "sgd", loss: "sparse_categorical_crossentropy");
        model.Fit(TestData.Uniform([4, 3]), Labels(4, 2), verbose: 0);
        Assert.Equal([-1, 2], model.OutputShape!);
        model.Pop();
        Assert.Equal([-1, 6], model.OutputShape!);
        model.Fit(TestData.Uniform([6, 3]), Labels(6, 6), verbose: 0);   // label 5 is valid for 6 outputs
    }

    [Fact]
    public void Pop_on_a_model_without_layers_is_an_error()
    {
        AssertEx.Throws<InvalidOperationException>(() => new Sequential(name: "empty").Pop(), "Sequential 'empty' has no layers to pop.");
        // The input layer is not one of the model's layers, as in Keras.
        AssertEx.Throws<InvalidOperationException>(() => new Sequential([new Input(shape: [3])], name: "only_input").Pop(),
            "Sequential 'only_input' has no layers to pop.");
    }

    [Fact]
    public void Layer_names_must_be_unique()
    {
        var model = new Sequential([new Dense(2, inputShape: [3], name: "d")], name: "s");
        AssertEx.Throws<ArgumentException>(() => model.Add(new Dense(4, name: "d")),
            "Sequential 's': all layers must have unique names, and 'd' is already used.");
        Assert.Single(model.Layers);
    }
}
