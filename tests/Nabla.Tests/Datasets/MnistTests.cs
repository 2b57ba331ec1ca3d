using Nabla.Datasets;
using Nabla.Tests.Support;

namespace Nabla.Tests.Datasets;

public class MnistTests
{
    [Fact]
    public void The_shipped_subset_has_8000_training_and_2000_test_digits()
    {
        // The shipped folder explicitly: with NABLA_DATA pointing at a full MNIST the default would load that one.
        var ((xTrain, yTrain), (xTest, yTest)) = Mnist.LoadData(ShippedData.Folder("mnist-10k"));
        Assert.Equal([8000, 28, 28], xTrain.Shape);
        Assert.Equal([8000], yTrain.Shape);
        Assert.Equal([2000, 28, 28], xTest.Shape);
        Assert.Equal([2000], yTest.Shape);

        // Values read from the .gz files with Python's gzip module.
        Assert.Equal([8f, 0f, 2f, 0f, 0f, 0f, 9f, 6f, 4f, 1f], yTrain[..10].ToArray());
        Assert.Equal([9f, 8f, 7f, 4f, 2f, 6f, 9f, 9f, 4f, 5f], yTest[..10].ToArray());
        Assert.Equal(24984.0, xTrain[0].ToArray().Sum(v => (double)v));
        Assert.Equal(255f, xTrain.ToArray().Max());
        Assert.Equal(0f, xTrain.ToArray().Min());
        Assert.Equal(913, yTrain.ToArray().Count(v => v == 1f));
        Assert.All(yTest.ToArray(), v => Assert.InRange(v, 0f, 9f));
    }

    [Fact]
    public void LoadData_without_a_path_finds_a_copy()
    {
        var ((xTrain, yTrain), _) = Mnist.LoadData();
        Assert.Equal([28, 28], xTrain.Shape[1..]);
        Assert.Equal(xTrain.Shape[0], yTrain.Shape[0]);
    }

    [Fact]
    public void ClassNames_are_the_digits()
    {
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], Mnist.ClassNames);
    }
}
