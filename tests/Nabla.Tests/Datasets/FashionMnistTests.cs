using System.Numerics.Tensors;
using Nabla.Datasets;
using Nabla.Tests.Support;

namespace Nabla.Tests.Datasets;

/// <summary>The shipped Fashion-MNIST, loaded once for all tests that read it.</summary>
internal static class ShippedFashionMnist
{
    private static readonly Lazy<((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test)> s_data = new(() => FashionMnist.LoadData());

    public static ((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test) Data => s_data.Value;
}

public class FashionMnistTests
{
    [Fact]
    public void LoadData_returns_Keras_shapes_and_value_ranges()
    {
        var ((xTrain, yTrain), (xTest, yTest)) = ShippedFashionMnist.Data;
        Assert.Equal([60000, 28, 28], xTrain.Shape);
        Assert.Equal([60000], yTrain.Shape);
        Assert.Equal([10000, 28, 28], xTest.Shape);
        Assert.Equal([10000], yTest.Shape);
        Assert.Equal(0f, TensorPrimitives.Min<float>(xTrain.Span));
        Assert.Equal(255f, TensorPrimitives.Max<float>(xTrain.Span));
        Assert.Equal(255f, TensorPrimitives.Max<float>(xTest.Span));
    }

    [Fact]
    public void Labels_are_balanced_classes_0_to_9()
    {
        var ((_, yTrain), (_, yTest)) = ShippedFashionMnist.Data;
        int[] train = Histogram(yTrain), test = Histogram(yTest);
        Assert.All(train, c => Assert.Equal(6000, c));
        Assert.All(test, c => Assert.Equal(1000, c));
    }

    [Fact]
    public void Known_pixels_and_labels_match_the_files()
    {
        // Values read from the .gz files with Python's gzip module, independently of Nabla's reader.
        var ((xTrain, yTrain), (xTest, yTest)) = ShippedFashionMnist.Data;
        Assert.Equal([9f, 0f, 0f, 3f, 0f, 2f, 7f, 2f, 5f, 5f], yTrain[..10].ToArray());
        Assert.Equal("Ankle boot", FashionMnist.ClassNames[(int)yTrain[0].Item()]);
        Assert.Equal([9f, 2f, 1f, 1f, 6f, 1f, 4f, 6f, 5f, 7f], yTest[..10].ToArray());
        Assert.Equal(217f, xTrain[0][14][14].Item());
        Assert.Equal(76247.0, xTrain[0].ToArray().Sum(v => (double)v));
        float[] row10 = xTrain[0][10].ToArray();
        Assert.Equal([0f, 193f, 228f, 218f], row10[12..16]);
        Assert.Equal(126f, xTest[0][20][10].Item());
    }

    [Fact]
    public void ClassNames_are_the_ten_Fashion_MNIST_classes_and_a_fresh_array()
    {
        Assert.Equal(
            ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
            FashionMnist.ClassNames);
        FashionMnist.ClassNames[0] = "changed";
        Assert.Equal("T-shirt/top", FashionMnist.ClassNames[0]);
    }

    [Fact]
    public void An_explicit_folder_is_loaded_and_checked()
    {
        using var temp = new TempFolder();
        IdxFiles.WriteDataset(temp.Path, trainCount: 3, testCount: 2);
        var ((xTrain, yTrain), (xTest, _)) = FashionMnist.LoadData(temp.Path);
        Assert.Equal([3, 28, 28], xTrain.Shape);
        Assert.Equal([2, 28, 28], xTest.Shape);
        Assert.Equal([0f, 1f, 2f], yTrain.ToArray());
        Assert.Equal(255f, xTrain[0].ToArray()[255]);
    }

    [Fact]
    public void Files_that_do_not_fit_together_are_rejected()
    {
        using var temp = new TempFolder();
        IdxFiles.WriteDataset(temp.Path, rows: 32, columns: 32);
        AssertEx.Throws<InvalidDataException>(() => FashionMnist.LoadData(temp.Path),
            "Fashion-MNIST: the images in", "have shape [3, 32, 32], but Fashion-MNIST images are 28x28");

        IdxFiles.WriteDataset(temp.Path, firstLabel: 12);
        AssertEx.Throws<InvalidDataException>(() => FashionMnist.LoadData(temp.Path), "has label 12 at index 0, but labels must be in [0, 10)");

        IdxFiles.WriteDataset(temp.Path);
        File.Copy(Path.Combine(temp.Path, "t10k-labels-idx1-ubyte.gz"), Path.Combine(temp.Path, "train-labels-idx1-ubyte.gz"), overwrite: true);
        AssertEx.Throws<InvalidDataException>(() => FashionMnist.LoadData(temp.Path), "holds 3 images but", "holds 2 labels");
    }

    private static int[] Histogram(Tensor labels)
    {
        var counts = new int[10];
        foreach (float v in labels.Span)
        {
            Assert.Equal(MathF.Round(v), v);
            counts[(int)v]++;
        }

        return counts;
    }
}
