using Nabla.Callbacks;
using Nabla.Data;
using Nabla.Datasets;
using Nabla.Layers;
using Nabla.Losses;
using Nabla.Metrics;
using Nabla.Onnx;
using Nabla.Optimizers;
using Nabla.Plotting;
using Nabla.Tests.Support;

namespace Nabla.Tests;

// API.md is a contract: its programs must compile and run. Each test below is the section's code as written, with
// only the amount of data or epochs reduced so that the suite stays fast (noted where it differs). Features of later
// issues (Conv2D, MaxPooling2D, BatchNormalization) are left out of section 4.
[Collection(GlobalRandomSeedCollection.Name)]
public class ApiContractTests
{
    // Each section starts from the same global seed, so its outcome does not depend on which tests ran before it.
    public ApiContractTests() => Nabla.Random.SetSeed(42);

    [Fact]
    public void Section_1_regression()
    {
        using var dir = new TempFolder();
        var x = Tensor.Arange(0f, 20f, 0.1f).Reshape(-1, 1);   // 200 x 1
        var y = x.Sin();

        var model = new Sequential();
        model.Add(new Dense(256, activation: "relu", inputShape: [1]));
        for (int i = 0; i < 6; i++) model.Add(new Dense(256, activation: "relu"));
        model.Add(new Dense(1));
        model.Compile(loss: "mse", optimizer: "adam");

        History hist = model.Fit(x, y, stepsPerEpoch: 10, epochs: 10, verbose: 0);  // verbose: 0 added for the test log

        var testX = x + 0.05f;
        Tensor predY = model.Predict(testX, verbose: 0);
        Plot.Lines(dir.File("sine.png"), testX, ("sin(x)", testX.Sin()), ("model", predY));

        Assert.Equal(10, hist["loss"].Count);
        Assert.True(hist["loss"][^1] < hist["loss"][0]);
        Assert.True(new FileInfo(dir.File("sine.png")).Length > 0);
    }

    [Fact]
    public void Section_2_classification()
    {
        using var dir = new TempFolder();
        var ((xTrain, yTrain), (xTest, yTest)) = FashionMnist.LoadData();  // [60000,28,28] 0..255, [60000]
        (xTrain, yTrain, xTest, yTest) = (xTrain[..3000], yTrain[..3000], xTest[..500], yTest[..500]);  // smaller for the test
        xTrain = xTrain / 255f;
        xTest = xTest / 255f;

        var model = new Sequential([
            new Flatten(inputShape: [28, 28, 1]),   // also accepts [28, 28]
            new Dense(128, activation: "relu"),
            new Dense(10, activation: "softmax"),
        ]);
        model.Compile(optimizer: "adam",
                      loss: "sparse_categorical_crossentropy",
                      metrics: ["accuracy"]);
        var summary = new List<string>();
        model.Summary(printFn: summary.Add);

        History history = model.Fit(xTrain, yTrain, epochs: 5, batchSize: 32, validationSplit: 0.1f, verbose: 0);
        var result = model.Evaluate(xTest, yTest, verbose: 0);          // IReadOnlyDictionary<string,double>

        Tensor probs = model.Predict(xTest, verbose: 0);                 // rows sum to 1
        int first = probs[0].ArgMax();

        Plot.History(dir.File("history.png"), history);                // loss/accuracy per epoch
        Plot.ImageGrid(dir.File("predictions.png"), xTest[..15], yTest[..15], probs[..15], FashionMnist.ClassNames);

        Assert.Contains(" Total params: 101,770 (397.54 KB)", summary);
        Assert.True(result["accuracy"] > 0.7, $"accuracy {result["accuracy"]}");
        Assert.Equal([500, 10], probs.Shape);
        Assert.InRange(first, 0, 9);
    }

    [Fact]
    public void Section_3_the_tf_data_way()
    {
        var model = new Sequential([new Flatten(inputShape: [28, 28, 1]), new Dense(10, activation: "softmax")]);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);

        var (splits, info) = DatasetCatalog.Load("fashion_mnist");   // also "mnist"
        int numTrain = info.Splits["train"].NumExamples;            // 60000
        string[] classNames = info.ClassNames;

        Dataset train = splits["train"]
            .Map((image, label) => (image / 255f, label))
            .Cache()
            .Repeat()
            .Shuffle(numTrain, seed: 42)
            .Batch(32);
        Dataset test = splits["test"].Map((image, label) => (image / 255f, label)).Batch(32);

        model.Fit(train, epochs: 1, stepsPerEpoch: 20, verbose: 0);   // as written: epochs 5, steps ceil(numTrain / 32)
        var metrics = model.Evaluate(test.Take(10), verbose: 0);      // as written: the whole test split
        foreach (var (images, labels) in test.Take(1)) { Tensor p = model.Predict(images, verbose: 0); Assert.Equal([32, 10], p.Shape); }

        Assert.Equal(60000, numTrain);
        Assert.Equal(10, classNames.Length);
        Assert.InRange(metrics["accuracy"], 0, 1);
    }

    [Fact]
    public void Section_4_everything_else()
    {
        using var dir = new TempFolder();
        Tensor xTrain = TestData.Uniform([64, 784], 0f, 1f), xTest = TestData.Uniform([16, 784], 0f, 1f, seed: 2);
        Tensor yTrain = Tensor.FromArray(Enumerable.Range(0, 64).Select(i => (float)(i % 10)).ToArray(), 64);
        Tensor yTest = Tensor.FromArray(Enumerable.Range(0, 16).Select(i => (float)(i % 10)).ToArray(), 16);

        // layers
        new Conv2D(32, kernelSize: 3, activation: "relu", padding: "same", inputShape: [28, 28, 1]);
        new MaxPooling2D(poolSize: 2); new Dropout(0.5f); new BatchNormalization();
        new Activation("tanh"); new Reshape([7, 7, 16]); new Input(shape: [784]);

        // functional models
        var input = new Input(shape: [784]);
        var h = new Dense(64, activation: "relu").Apply(input);
        var output = new Dense(10, activation: "softmax").Apply(h);
        var functional = new Model(input, output);
        var model = functional;

        // optimizers, losses, metrics, callbacks
        model.Compile(optimizer: new Adam(learningRate: 1e-3f), loss: new SparseCategoricalCrossentropy(),
                      metrics: [new SparseCategoricalAccuracy()]);
        model.Fit(xTrain, yTrain, epochs: 50, validationData: (xTest, yTest), verbose: 0,
                  callbacks: [new EarlyStopping(monitor: "val_loss", patience: 3, restoreBestWeights: true),
                              new ModelCheckpoint(dir.File("best.keras"), saveBestOnly: true),
                              new CSVLogger(dir.File("training.csv"))]);

        // weights and persistence (file names inside the test's folder)
        IReadOnlyList<Tensor> w = model.GetWeights(); model.SetWeights(w);
        model.Save(dir.File("model.keras")); Model again = Model.Load(dir.File("model.keras"));
        Tensor p = again.Predict(xTest, batchSize: 256, verbose: 0);
        model.SaveWeights(dir.File("model.weights.h5")); model.LoadWeights(dir.File("model.weights.h5"));

        // reproducibility
        Nabla.Random.SetSeed(42);

        Assert.Equal([16, 10], p.Shape);
        AssertEx.Close(model.Predict(xTest, verbose: 0), p, atol: 0, rtol: 0);
        Assert.True(File.ReadAllLines(dir.File("training.csv")).Length >= 2);
        Assert.Equal([16, 10], Model.Load(dir.File("best.keras")).Predict(xTest, verbose: 0).Shape);
    }

    [Fact]
    public void Section_6_persistence_beyond_section_4()
    {
        using var dir = new TempFolder();
        Tensor xTrain = TestData.Uniform([64, 784], 0f, 1f);
        Tensor yTrain = Tensor.FromArray(Enumerable.Range(0, 64).Select(i => (float)(i % 10)).ToArray(), 64);
        var model = new Sequential([new Dense(32, activation: "relu", inputShape: [784]), new Dense(10, activation: "softmax")]);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy");
        string backup = dir.File("backup");   // API.md writes "backup"; here inside the test's folder

        model.ExportOnnx(dir.File("model.onnx"));
        History history = model.Fit(xTrain, yTrain, epochs: 10, verbose: 0, callbacks: [new BackupAndRestore(backup)]);

        Assert.True(new FileInfo(dir.File("model.onnx")).Length > 0);
        Assert.Equal(10, history.Epoch.Count);
        Assert.False(Directory.Exists(backup));   // a finished run deletes its backup
    }
}
