using Nabla.Layers;
using Nabla.Workloads.Measurement;
using Nabla.Workloads.Reporting;

namespace Nabla.Workloads;

/// <summary>W4: the Fashion-MNIST classification tutorial's model (API.md §2, samples/FashionMnist), at two batch sizes.</summary>
/// <remarks>
/// Trained on all 60,000 images without the sample's validation split, so that an epoch is training only; the
/// 10,000 test images give the accuracy. Small GEMMs (batch×784×128): per-step overhead and the zero-garbage
/// training step show here, hence the goal of no gen-0 collection in an epoch.
/// </remarks>
internal sealed class FashionMlpWorkload : Workload
{
    private const int Epochs = 5;

    // FLOPs of a training image: forward 2·(784·128 + 128·10) = 203,264, backward twice that less the first layer's
    // input gradient (2·784·128 = 200,704); 60,000 images an epoch.
    private const double EpochFlops = 60_000 * ((3 * 203_264.0) - 200_704);

    private readonly int _batchSize;
    private readonly Goal _epochGoal;
    private readonly double _epochBaseline;
    private readonly Goal? _accuracyGoal;

    private FashionMlpWorkload(int batchSize, Goal epochGoal, double epochBaseline, Goal? accuracyGoal)
        : base($"fashion-mlp-b{batchSize}", "w4",
            $"Flatten-Dense(128, relu)-Dense(10, softmax) on Fashion-MNIST (60,000 train, 10,000 test), x/255, " +
            $"sparse categorical cross-entropy, Adam, accuracy, batch {batchSize}, {Epochs} epochs (--quick: 2)")
    {
        (_batchSize, _epochGoal, _epochBaseline, _accuracyGoal) = (batchSize, epochGoal, epochBaseline, accuracyGoal);
        PeerFigures =
        [
            new("time per epoch", $"W4.batch{batchSize}.epoch_s_median", HigherIsBetter: false, Gflops: s => EpochFlops / s / 1e9),
            new("test accuracy", $"W4.batch{batchSize}.test_accuracy", HigherIsBetter: true),
        ];
    }

    /// <inheritdoc/>
    public override IReadOnlyList<PeerFigure> PeerFigures { get; }

    /// <summary>The tutorial's batch size.</summary>
    public static FashionMlpWorkload Batch32() => new(32, Goal.AtMost(0.40), 1.21, Goal.AtLeast(0.87));

    /// <summary>A larger batch, where GEMM throughput counts for more than per-step overhead.</summary>
    public static FashionMlpWorkload Batch256() => new(256, Goal.AtMost(0.15), 0.37, null);

    /// <summary>The tutorial's model, compiled as the tutorial compiles it (W7 trains it too).</summary>
    public static Sequential CreateModel()
    {
        var model = new Sequential([
            new Flatten(inputShape: [28, 28, 1]),   // as the tutorial writes it; the [28, 28] images get their channel added
            new Dense(128, activation: "relu"),
            new Dense(10, activation: "softmax"),
        ]);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        return model;
    }

    protected override WorkloadResult Execute(RunnerOptions options)
    {
        var (train, test) = TutorialData.FashionMnistScaled;
        TimedFit fit = Train(CreateModel, train.X, train.Y, _batchSize, epochs: options.Quick ? 2 : Epochs, warmUpSamples: 6000);
        var targets = new TrainingTargets { EpochGoal = _epochGoal, EpochBaseline = _epochBaseline, NoGen0Collections = true };
        return ClassifierResult(fit, test, targets, _accuracyGoal, options);
    }
}
