using Nabla.Datasets;
using Nabla.Layers;
using Nabla.Optimizers;
using Nabla.Tests.Support;

namespace Nabla.Tests;

/// <summary>
/// The lines of API.md §6 on Keras habits that do not need the functional API: <c>Utils.ToCategorical</c> with
/// <c>categorical_crossentropy</c> and <c>RMSprop</c>, and double literals.
/// </summary>
[Collection(GlobalRandomSeedCollection.Name)]
public class ApiSection6HabitsTests
{
    [Fact]
    public void One_hot_targets_train_with_categorical_crossentropy_and_double_literals()
    {
        Nabla.Random.SetSeed(42);
        var ((xTrain, yTrain), _) = Mnist.LoadData();
        xTrain = xTrain[..512];
        yTrain = yTrain[..512];
        var model = new Sequential([new Flatten(inputShape: [28, 28]), new Dense(32, activation: "relu"), new Dropout(0.2), new Dense(10, activation: "softmax")]);

        // ---- API.md §6, as written (one statement per line) ----
        Tensor yOneHot = Utils.ToCategorical(yTrain, numClasses: 10);           // Nabla.Utils, like keras.utils
        model.Compile(optimizer: new RMSprop(), loss: "categorical_crossentropy", metrics: ["accuracy"]);
        new Dropout(0.2);   // API.md puts these three on one line
        new Adam(learningRate: 0.001);
        xTrain = xTrain / 255.0;
        // ---- end ----

        Assert.Equal([512, 10], yOneHot.Shape);
        Assert.Equal(512f, yOneHot.Sum().Item());
        Assert.Equal(1f, xTrain.Max().Item());
        History history = model.Fit(xTrain, yOneHot, epochs: 3, batchSize: 64, verbose: 0);
        IReadOnlyList<double> loss = history["loss"];
        Assert.True(loss[^1] < loss[0], $"the loss should fall over 3 epochs: {string.Join(", ", loss)}");
        Assert.True(history["accuracy"][^1] > 0.5, $"accuracy after 3 epochs: {history["accuracy"][^1]}");
    }
}
