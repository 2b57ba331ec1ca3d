using Nabla.Layers;
using Nabla.Workloads.Measurement;
using Nabla.Workloads.Reporting;

namespace Nabla.Workloads;

/// <summary>W2: the regression tutorial, a deep MLP fitting y = sin(x) (API.md §1, samples/Sine).</summary>
/// <remarks>
/// Small batches through 256-wide layers: each step is eight small GEMMs forward and sixteen backward, so the figure
/// that matters is the time per step. Batch 20 is what the tutorial's <c>stepsPerEpoch: 10</c> gives for 200 points.
/// </remarks>
internal sealed class SineWorkload() : Workload("sine", "w2",
    $"7 × Dense(256, relu) + Dense(1) on y = sin(x), x = 0, 0.1, …, 19.9 (200 points, as the tutorial), MSE, Adam, " +
    $"batch {BatchSize}; {TimedEpochs} epochs timed, then on to {TotalEpochs} for the test MSE on x + 0.05 (--quick: not)")
{
    private const int TimedEpochs = 10;
    private const int TotalEpochs = 300;
    private const int BatchSize = 20;

    /// <inheritdoc/>
    public override IReadOnlyList<PeerFigure> PeerFigures { get; } =
    [
        new("time per step", "W2.ms_per_step", HigherIsBetter: false),
        new($"test MSE on x + 0.05 after {TotalEpochs} epochs", "W2.test_mse_300ep", HigherIsBetter: false),
    ];

    protected override WorkloadResult Execute(RunnerOptions options)
    {
        var x = Tensor.Arange(0f, 20f, 0.1f).Reshape(-1, 1);   // 200 x 1
        var y = x.Sin();
        TimedFit fit = Train(CreateModel, x, y, BatchSize, TimedEpochs, warmUpSamples: x.Shape[0]);
        List<Figure> figures = fit.Summary.ToFigures(new() { StepGoal = Goal.AtMost(1.0), StepBaseline = 3.3 });

        // The accuracy part: train on to the sample's 300 epochs (skipped by --quick) and test between the points.
        int trained = TimedEpochs;
        if (!options.Quick)
        {
            History rest = fit.Model.Fit(x, y, batchSize: BatchSize, epochs: TotalEpochs, initialEpoch: TimedEpochs, verbose: 0);
            trained = TotalEpochs;
            figures.Add(new Figure($"training loss at epoch {trained}", rest["loss"][^1], Units.None));
        }

        var testX = x + 0.05f;
        float mse = (fit.Model.Predict(testX, verbose: 0) - testX.Sin()).Square().Mean().Item();
        figures.Add(new Figure($"test MSE on x + 0.05 after {trained} epochs", mse, Units.None, options.Quick ? null : Goal.AtMost(0.01)));
        return Result(fit, figures);
    }

    private static Sequential CreateModel()
    {
        var model = new Sequential();
        model.Add(new Dense(256, activation: "relu", inputShape: [1]));
        for (int i = 0; i < 6; i++)
        {
            model.Add(new Dense(256, activation: "relu"));
        }

        model.Add(new Dense(1));
        model.Compile(loss: "mse", optimizer: "adam");
        return model;
    }
}
