using Nabla.Data;
using Nabla.Datasets;
using Nabla.Tests.Support;

namespace Nabla.Tests.Datasets;

public class DatasetCatalogTests
{
    [Fact]
    public void Mnist_loads_as_train_and_test_splits_with_info()
    {
        var (splits, info) = DatasetCatalog.Load("mnist", ShippedData.Folder("mnist-10k"));
        Assert.Equal(["test", "train"], splits.Keys.Order());
        Assert.Equal(8000, info.Splits["train"].NumExamples);
        Assert.Equal(2000, info.Splits["test"].NumExamples);
        Assert.Equal(8000, splits["train"].Cardinality);
        Assert.Equal("mnist", info.Name);
        Assert.Equal("MNIST", info.FullName);
        Assert.Equal(10, info.NumClasses);
        Assert.Equal(Mnist.ClassNames, info.ClassNames);
        Assert.Equal([28, 28, 1], info.ImageShape);
        Assert.Contains("LeCun", info.Citation, StringComparison.Ordinal);
        Assert.EndsWith("mnist-10k", info.DataDirectory, StringComparison.Ordinal);

        var (image, label) = splits["train"].First();
        Assert.Equal([28, 28, 1], image.Shape);
        Assert.Equal([], label.Shape);
        Assert.Equal(8f, label.Item());
        Assert.Equal(24984.0, image.ToArray().Sum(v => (double)v));
    }

    [Fact]
    public void The_tf_data_example_of_the_API_contract_runs_on_fashion_mnist()
    {
        // API.md section 3, with x * (1f / 255f) for image / 255f.
        var (splits, info) = DatasetCatalog.Load("fashion_mnist");
        int numTrain = info.Splits["train"].NumExamples;
        string[] classNames = info.ClassNames;
        Assert.Equal(60000, numTrain);
        Assert.Equal("Ankle boot", classNames[9]);

        Dataset train = splits["train"]
            .Map((image, label) => (image * (1f / 255f), label))
            .Cache()
            .Repeat()
            .Shuffle(numTrain, seed: 42)
            .Batch(32);
        Assert.Equal(Dataset.InfiniteCardinality, train.Cardinality);
        Dataset test = splits["test"].Map((image, label) => (image * (1f / 255f), label)).Batch(32);
        Assert.Equal(313, test.Cardinality);

        foreach (var (images, labels) in test.Take(1))
        {
            Assert.Equal([32, 28, 28, 1], images.Shape);
            Assert.Equal([32], labels.Shape);
            Assert.Equal([9f, 2f, 1f], labels[..3].ToArray());
            Assert.InRange(images.ToArray().Max(), 0.99f, 1f);
        }

        var (batch, batchLabels) = train.Take(1).Single();
        Assert.Equal([32, 28, 28, 1], batch.Shape);
        Assert.All(batchLabels.ToArray(), v => Assert.InRange(v, 0f, 9f));
    }

    [Fact]
    public void An_unknown_name_lists_the_known_ones_and_suggests_the_closest()
    {
        AssertEx.Throws<ArgumentException>(() => DatasetCatalog.Load("fashion-mnist"),
            "Unknown dataset 'fashion-mnist'. Known: fashion_mnist, mnist.", "Did you mean 'fashion_mnist'?");
        AssertEx.Throws<ArgumentException>(() => DatasetCatalog.Load("mnsit"), "Did you mean 'mnist'?");
        var ex = AssertEx.Throws<ArgumentException>(() => DatasetCatalog.Load("cifar10"), "Unknown dataset 'cifar10'. Known: fashion_mnist, mnist.");
        Assert.DoesNotContain("Did you mean", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["fashion_mnist", "mnist"], DatasetCatalog.Names);
    }

    [Fact]
    public void A_data_directory_can_be_given()
    {
        using var temp = new TempFolder();
        IdxFiles.WriteDataset(temp.Path, trainCount: 4, testCount: 3);
        var (splits, info) = DatasetCatalog.Load("fashion_mnist", temp.Path);
        Assert.Equal(4, info.Splits["train"].NumExamples);
        Assert.Equal(3, splits["test"].Count());
        Assert.Equal(Path.GetFullPath(temp.Path), info.DataDirectory);
    }
}
