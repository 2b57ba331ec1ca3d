using Nabla.Layers;
using Nabla.Workloads.Measurement;
using Nabla.Workloads.Reporting;

namespace Nabla.Workloads;

/// <summary>W3: a 784-512-512-10 MLP on the shipped MNIST subset (samples/MnistMlp), at batch 128.</summary>
/// <remarks>
/// Mid-sized GEMMs (128×784×512, 128×512×512): the figure that matters is the time per epoch. Trained without the
/// sample's per-epoch validation, so that an epoch is training only; the 2,000 test digits give the accuracy.
/// </remarks>
internal sealed class MnistMlpWorkload() : Workload("mnist-mlp", "w3",
    $"Flatten-Dense(512, relu)-Dense(512, relu)-Dense(10, softmax) on the shipped MNIST subset (8,000 train, " +
    $"2,000 test), x/255, sparse categorical cross-entropy, Adam, batch {BatchSize}, 10 epochs (--quick: 3)")
{
    private const int BatchSize = 128;

    // FLOPs of a training image: forward 2·(784·512 + 512·512 + 512·10) = 1,337,344, backward twice that less the
    // first layer's input gradient (2·784·512 = 802,816); 8,000 images an epoch.
    private const double EpochFlops = 8_000 * ((3 * 1_337_344.0) - 802_816);

    /// <inheritdoc/>
    public override IReadOnlyList<PeerFigure> PeerFigures { get; } =
    [
        new("time per epoch", "W3.epoch_s_median_2_10", HigherIsBetter: false, Gflops: s => EpochFlops / s / 1e9),
        new("test accuracy", "W3.test_accuracy", HigherIsBetter: true),
    ];

    protected override WorkloadResult Execute(RunnerOptions options)
    {
        var (train, test) = TutorialData.MnistScaled;
        TimedFit fit = Train(CreateModel, train.X, train.Y, BatchSize, epochs: options.Quick ? 3 : 10, warmUpSamples: 2000);
        return ClassifierResult(fit, test, new() { EpochGoal = Goal.AtMost(0.14), EpochBaseline = 0.28 }, Goal.AtLeast(0.95), options);
    }

    private static Sequential CreateModel()
    {
        var model = new Sequential([
            new Flatten(inputShape: [28, 28]),
            new Dense(512, activation: "relu"),
            new Dense(512, activation: "relu"),
            new Dense(10, activation: "softmax"),
        ]);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        return model;
    }
}
