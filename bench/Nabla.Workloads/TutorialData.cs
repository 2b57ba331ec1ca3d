using Nabla.Datasets;

namespace Nabla.Workloads;

/// <summary>The shipped datasets, loaded once per run and scaled to [0, 1] as the tutorials do (x / 255).</summary>
internal static class TutorialData
{
    private static readonly Lazy<((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test)> Fashion =
        new(() => Scaled(FashionMnist.LoadData()));

    private static readonly Lazy<((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test)> Digits =
        new(() => Scaled(Mnist.LoadData()));

    /// <summary>Fashion-MNIST: 60,000 training and 10,000 test images [n, 28, 28] in [0, 1], labels [n].</summary>
    public static ((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test) FashionMnistScaled => Fashion.Value;

    /// <summary>The shipped MNIST subset: 8,000 training and 2,000 test digits [n, 28, 28] in [0, 1], labels [n].</summary>
    public static ((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test) MnistScaled => Digits.Value;

    private static ((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test) Scaled(
        ((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test) data) =>
        ((data.Train.X / 255f, data.Train.Y), (data.Test.X / 255f, data.Test.Y));
}
