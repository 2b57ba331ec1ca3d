using System.Diagnostics;
using System.Runtime.Intrinsics.X86;
using Nabla.Benchmarks;
using Nabla.Kernels;
using Nabla.Layers;
using Nabla.Workloads.Measurement;
using Nabla.Workloads.Reporting;

namespace Nabla.Workloads;

/// <summary>
/// W5: the Fashion-MNIST CNN (samples/FashionMnistCnn) trained for one epoch at batch 32, then inference over the
/// 10,000 test images at batch 256: the peers' W5 (../shared/peers, <c>fashion_cnn</c> and <c>w5_fashion_cnn</c>).
/// </summary>
/// <remarks>
/// <para>
/// The same workload as the peers: Conv2D(32, 3, relu, same) → MaxPooling2D(2) → Conv2D(64, 3, relu, same) →
/// MaxPooling2D(2) → Flatten → Dense(128, relu) → Dense(10, softmax), Keras's default initialisation (Glorot-uniform
/// kernels, zero biases: the peers re-initialise their layers so), Adam (Keras's defaults: learning rate 0.001,
/// ε 1e-7), sparse categorical cross-entropy (the peers' cross-entropy on logits is the same loss), batch 32, one
/// shuffled epoch over the 60,000 training images (1,875 steps) after a warm-up on a throwaway model, then the
/// accuracy on the 10,000 test images, and the inference rate: <c>Predict</c> over the test images at batch 256 once
/// to warm up, then the median of three timed passes, images per second. Keras's channels-last layout differs from
/// the peers' NCHW only in the order Flatten reads the features.
/// </para>
/// <para>
/// Floating-point operations, counting a multiply-add as 2 (per image; the first layer's input needs no gradient):
/// </para>
/// <code>
///                        forward                        backward (dW + dX)          training
/// conv1  28·28·32·(3·3·1)·2  =   451,584      dW 451,584, dX none            903,168
/// pool1  14·14·32 windows · 3 comparisons = 18,816    routing only (no arithmetic)    18,816
/// conv2  14·14·64·(3·3·32)·2 = 7,225,344      dW 7,225,344 + dX 7,225,344    21,676,032
/// pool2  7·7·64 · 3          =     9,408      routing only                       9,408
/// dense1 3136·128·2          =   802,816      dW + dX 1,605,632              2,408,448
/// dense2 128·10·2            =     2,560      dW + dX 5,120                      7,680
/// total                          8,510,528 (inference)                      25,023,552 (training)
/// </code>
/// <para>
/// so an epoch is 60,000 × 25,023,552 ≈ 1.501 TFLOP and inference 8.51 MFLOP an image (bias additions, ReLU,
/// softmax and Adam, about 0.1 MFLOP an image in all, are not counted). The convolutions' share is 22,579,200 FLOP a
/// training image, 90% of the total. That is the count of the dense passes the peers run. Nabla takes conv2's weight
/// and input gradients and conv1's weight gradient from the pooled gradient instead
/// (<c>Convolution.PooledInputGradientApplies</c>, <c>PooledWeightGradientApplies</c>): a convolution's output gradient
/// is zero except at each 2 × 2 window's argmax, so each takes a quarter of the products (1,806,336 FLOP for conv2's,
/// 112,896 for conv1's), and Nabla executes 13,846,848 FLOP a training image (0.831 TFLOP an epoch). The runner reports
/// both rates; shares of the peak are of the executed rate, and the <c>--peers</c> table shows Nabla's executed share
/// beside the peers' dense one. The issue's reference: on a 2-core Zen 2 (AVX2, FMA peak 185 GFLOP/s) PyTorch
/// 1.13 + OpenBLAS took 31.9 s per epoch and inferred 4,068 images/s, TorchSharp 0.107 35.4 s and 4,866 images/s; the
/// goals are ratios to the faster peer measured in the same run (epoch ≤ 0.40×, inference ≥ 2.5×, which the runner's
/// <c>--peers</c> table assesses) and a test accuracy of at least 0.89 after the epoch.
/// </para>
/// <para>
/// Beside the end-to-end figures, the workload times the five convolution passes a training step runs (the first
/// layer's forward pass and weight gradient, the second's forward pass and its weight and input gradients, the
/// gradients from the pooled gradient where the step takes them so) alone at batch 32, on warm buffers, and reports the rate they sustain (executed FLOPs) as a share
/// of the FMA peak it measures on every core, and the part of the epoch they account for.
/// </para>
/// </remarks>
internal sealed class FashionCnnWorkload() : Workload("fashion-cnn", "w5",
    $"Conv2D(32, 3, relu, same)-MaxPooling2D(2)-Conv2D(64, 3, relu, same)-MaxPooling2D(2)-Flatten-Dense(128, relu)-" +
    $"Dense(10, softmax) on Fashion-MNIST [28, 28, 1], x/255, Adam, sparse categorical cross-entropy, batch {BatchSize}, " +
    $"one epoch over the 60,000 training images (--quick: the first {QuickSamples:N0}), then inference over the 10,000 " +
    $"test images at batch {InferenceBatchSize}")
{
    /// <summary>Training FLOPs per image (see the remarks).</summary>
    public const double TrainingFlopsPerImage = 25_023_552;

    /// <summary>Training FLOPs per image that Nabla executes (see the remarks): the gradients it takes from a pooled gradient a quarter of their dense count.</summary>
    public static double ExecutedTrainingFlopsPerImage { get; } = ExecutedFlops();

    /// <summary>Inference FLOPs per image (see the remarks).</summary>
    public const double InferenceFlopsPerImage = 8_510_528;

    private const int BatchSize = 32;
    private const int InferenceBatchSize = 256;
    private const int QuickSamples = 12_000;

    private static readonly Lazy<((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test)> Images = new(() =>
    {
        var (train, test) = TutorialData.FashionMnistScaled;
        return ((train.X.Reshape(-1, 28, 28, 1), train.Y), (test.X.Reshape(-1, 28, 28, 1), test.Y));
    });

    /// <inheritdoc/>
    public override IReadOnlyList<PeerFigure> PeerFigures { get; } =
    [
        new("time per epoch", "W5.epoch_s", HigherIsBetter: false, Goal.AtMost(0.40), Gflops: s => TrainingFlopsPerImage * 60_000 / s / 1e9,
            OwnGflops: s => ExecutedTrainingFlopsPerImage * 60_000 / s / 1e9),
        new("inference throughput", "W5.inference_images_per_s", HigherIsBetter: true, Goal.AtLeast(2.5), Gflops: r => InferenceFlopsPerImage * r / 1e9),
        new("test accuracy", "W5.test_accuracy", HigherIsBetter: true),
    ];

    /// <summary>The CNN, compiled as the sample compiles it.</summary>
    public static Sequential CreateModel()
    {
        var model = new Sequential([
            new Conv2D(32, 3, activation: "relu", padding: "same", inputShape: [28, 28, 1]),
            new MaxPooling2D(2),
            new Conv2D(64, 3, activation: "relu", padding: "same"),
            new MaxPooling2D(2),
            new Flatten(),
            new Dense(128, activation: "relu"),
            new Dense(10, activation: "softmax"),
        ]);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        return model;
    }

    protected override WorkloadResult Execute(RunnerOptions options)
    {
        var (train, test) = Images.Value;
        int samples = options.Quick ? QuickSamples : train.X.Shape[0];
        TimedFit fit = Train(CreateModel, train.X[..samples], train.Y[..samples], BatchSize, epochs: 1, warmUpSamples: 100 * BatchSize);
        double epochSeconds = fit.Summary.SecondsPerEpoch * train.X.Shape[0] / samples;

        List<Figure> figures = fit.Summary.ToFigures(new());
        if (options.Quick)
        {
            figures[0] = new Figure($"time per epoch (from {samples:N0} images)", epochSeconds, Units.Seconds);
        }

        double accuracy = fit.Model.Evaluate(test.X, test.Y, verbose: 0)["accuracy"];
        figures.Add(new Figure(options.Quick ? $"test accuracy after {samples:N0} images" : "test accuracy after one epoch",
            accuracy, Units.None, options.Quick ? null : Goal.AtLeast(0.89)));

        double inference = InferenceImagesPerSecond(fit.Model, test.X);
        figures.Add(new Figure($"inference throughput (batch {InferenceBatchSize})", inference, Units.SamplesPerSecond));

        int cores = Environment.ProcessorCount;
        double peak = Fma.IsSupported ? FmaPeak.MeasureGflops(cores, Avx512F.IsSupported, runs: options.Quick ? 3 : 7) : double.NaN;
        double trainingGflops = TrainingFlopsPerImage * train.X.Shape[0] / epochSeconds / 1e9;
        double executedGflops = ExecutedTrainingFlopsPerImage * train.X.Shape[0] / epochSeconds / 1e9;
        double inferenceGflops = InferenceFlopsPerImage * inference / 1e9;
        (double convFlops, double convSeconds) = ConvolutionsPerStep(options);
        double convGflops = convFlops / convSeconds / 1e9;
        double steps = (double)train.X.Shape[0] / BatchSize;
        figures.AddRange(
        [
            new Figure($"FMA peak ({(Avx512F.IsSupported ? "AVX-512" : "AVX2")}), {cores} threads", peak, Units.Gflops),
            new Figure("training rate (1.501 TFLOP an epoch, the dense count)", trainingGflops, Units.Gflops),
            new Figure($"training rate executed ({ExecutedTrainingFlopsPerImage * 60_000 / 1e12:F3} TFLOP an epoch)", executedGflops, Units.Gflops),
            new Figure("training rate executed, share of peak", 100 * executedGflops / peak, Units.Percent),
            new Figure("inference rate (8.51 MFLOP an image)", inferenceGflops, Units.Gflops),
            new Figure("inference rate, share of peak", 100 * inferenceGflops / peak, Units.Percent),
            new Figure("convolution passes of a step, alone", convGflops, Units.Gflops),
            new Figure("convolution passes, share of peak", 100 * convGflops / peak, Units.Percent),
            new Figure("convolution passes, share of the epoch", 100 * convSeconds * steps / epochSeconds, Units.Percent),
        ]);
        return Result(fit, figures);
    }

    // Predict over the test images at batch 256: one warm-up pass, then the median of three, as the peers time it.
    private static double InferenceImagesPerSecond(Model model, Tensor x)
    {
        model.Predict(x, batchSize: InferenceBatchSize, verbose: 0);
        var seconds = new double[3];
        for (int i = 0; i < seconds.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            model.Predict(x, batchSize: InferenceBatchSize, verbose: 0);
            seconds[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        Array.Sort(seconds);
        return x.Shape[0] / seconds[1];
    }

    private static double ExecutedFlops()
    {
        (bool first, bool second) = PooledInTraining();
        return TrainingFlopsPerImage - (first ? 451_584 * 0.75 : 0) - (second ? 2 * 7_225_344 * 0.75 : 0);
    }

    // Whether a training step takes each layer's gradients from the pooled gradient: the pair must run fused
    // (Ops.Conv2DMaxPool: the pooling takes whole blocks and the convolution streams its output, which the second layer
    // does through the AVX2 window kernel only), and every gradient the step asks for must have its pooled form (the
    // first layer's weight gradient; the second's input and weight gradients).
    private static (bool First, bool Second) PooledInTraining()
    {
        (Conv2DGeometry first, Conv2DGeometry second, Pool2DGeometry pool1, Pool2DGeometry pool2) = Layers();
        static bool Fused(Conv2DGeometry g, Pool2DGeometry pool) => Pooling.CanPoolBlocks(pool) && Convolution.CanStreamForward(g, pool.PoolHeight);
        return (Fused(first, pool1) && Convolution.PooledWeightGradientApplies(first, pool1),
            Fused(second, pool2) && Convolution.PooledInputGradientApplies(second, pool2) && Convolution.PooledWeightGradientApplies(second, pool2));
    }

    private static (Conv2DGeometry First, Conv2DGeometry Second, Pool2DGeometry Pool1, Pool2DGeometry Pool2) Layers() =>
        (Conv2DGeometry.Create(BatchSize, 28, 28, 1, 32, 3, 3, PaddingMode.Same), Conv2DGeometry.Create(BatchSize, 14, 14, 32, 64, 3, 3, PaddingMode.Same),
            Pool2DGeometry.Create(BatchSize, 28, 28, 32, 2, 2, 2, 2, PaddingMode.Valid), Pool2DGeometry.Create(BatchSize, 14, 14, 64, 2, 2, 2, 2, PaddingMode.Valid));

    // The convolution passes of one training step at batch 32, each the best of several runs on warm buffers:
    // (their executed FLOPs, their summed seconds). The gradients a training step takes from the pooled gradient (the
    // first layer's weight gradient, the second's input and weight gradients; see PooledInTraining) come from a pooled
    // gradient and the argmax of the layer's output's 2 × 2 max pooling, as in training.
    private static (double Flops, double Seconds) ConvolutionsPerStep(RunnerOptions options)
    {
        (Conv2DGeometry first, Conv2DGeometry second, Pool2DGeometry pool1, Pool2DGeometry pool2) = Layers();
        var random = new System.Random(Seed);
        float[] x1 = BenchmarkData.Uniform(random, first.InputLength), w1 = BenchmarkData.Uniform(random, first.KernelLength);
        float[] b1 = BenchmarkData.Uniform(random, 32), y1 = new float[first.OutputLength], dw1 = new float[first.KernelLength];
        float[] x2 = BenchmarkData.Uniform(random, second.InputLength), w2 = BenchmarkData.Uniform(random, second.KernelLength);
        float[] b2 = BenchmarkData.Uniform(random, 64), y2 = new float[second.OutputLength];
        float[] dw2 = new float[second.KernelLength], dx2 = new float[second.InputLength];
        (float[] gz1, int[] argmax1) = PooledGradient(first, pool1, x1, w1, b1, y1, random);
        (float[] gz2, int[] argmax2) = PooledGradient(second, pool2, x2, w2, b2, y2, random);
        (bool pooledW1, bool pooled2) = PooledInTraining();
        bool pooledW2 = pooled2, pooledX2 = pooled2;
        int runs = options.Quick ? 3 : 7;
        var minRunTime = TimeSpan.FromMilliseconds(options.Quick ? 30 : 100);
        double Best(Action pass) => Timing.BestSecondsPerCall(pass, runs, minRunTime);
        double seconds =
            Best(() => Convolution.Forward(first, x1, w1, b1, y1))
            + (pooledW1 ? Best(() => Convolution.PooledWeightGradient(first, pool1, x1, gz1, argmax1, dw1)) : Best(() => Convolution.WeightGradient(first, x1, y1, dw1)))
            + Best(() => Convolution.Forward(second, x2, w2, b2, y2))
            + (pooledW2 ? Best(() => Convolution.PooledWeightGradient(second, pool2, x2, gz2, argmax2, dw2)) : Best(() => Convolution.WeightGradient(second, x2, y2, dw2)))
            + (pooledX2 ? Best(() => Convolution.PooledInputGradient(second, pool2, gz2, argmax2, w2, dx2)) : Best(() => Convolution.InputGradient(second, y2, w2, dx2)));
        double flops = (first.Flops * (pooledW1 ? 1.25 : 2)) + (second.Flops * (1 + (pooledW2 ? 0.25 : 1) + (pooledX2 ? 0.25 : 1)));
        return (flops, seconds);
    }

    // A layer's output and the argmax of its 2 × 2 pooling (the pooled gradient's positions), and a random pooled gradient.
    private static (float[] Gz, int[] Argmax) PooledGradient(Conv2DGeometry g, Pool2DGeometry pool, float[] x, float[] w, float[] b, float[] y, System.Random random)
    {
        Convolution.Forward(g, x, w, b, y);
        int[] argmax = new int[pool.OutputLength];
        Pooling.MaxForward(pool, y, new float[pool.OutputLength], argmax);
        return (BenchmarkData.Uniform(random, pool.OutputLength), argmax);
    }
}
