using Nabla.Layers;
using Nabla.Optimizers;
using Nabla.Workloads.Measurement;
using Nabla.Workloads.Reporting;

namespace Nabla.Workloads;

/// <summary>W1: the first TensorFlow tutorial, one neuron learning °F = 1.8·°C + 32 (samples/Celsius).</summary>
/// <remarks>A step here is almost all fixed cost (a 7×1 product): it measures the framework's per-step overhead.</remarks>
internal sealed class CelsiusWorkload() : Workload("celsius", "w1",
    $"Dense(1) learns °F from °C on the tutorial's 7 points: MSE, Adam(0.1), full batch (7), {Epochs} epochs")
{
    private const int Epochs = 500;

    /// <inheritdoc/>
    public override IReadOnlyList<PeerFigure> PeerFigures { get; } = [new("total fit time", "W1.train_s", HigherIsBetter: false)];

    protected override WorkloadResult Execute(RunnerOptions options)
    {
        var celsius = Tensor.FromArray([-40f, -10f, 0f, 8f, 15f, 22f, 38f], 7, 1);
        var fahrenheit = Tensor.FromArray([-40f, 14f, 32f, 46f, 59f, 72f, 100f], 7, 1);
        TimedFit fit = Train(CreateModel, celsius, fahrenheit, batchSize: 7, Epochs, warmUpSamples: 7);

        IReadOnlyList<Tensor> weights = fit.Model.GetWeights();   // [kernel [1, 1], bias [1]]
        float prediction = fit.Model.Predict(Tensor.FromArray([100f], 1, 1), verbose: 0).Item();
        return Result(fit,
        [
            new Figure($"total fit time ({Epochs} epochs)", fit.Seconds, Units.Seconds),
            .. fit.Summary.ToFigures(new()),
            new Figure("learned weight (exact 1.8)", weights[0].Item(), Units.None),
            new Figure("learned bias (exact 32)", weights[1].Item(), Units.None),
            new Figure("prediction at 100 °C (exact 212)", prediction, Units.Fahrenheit),
        ]);
    }

    private static Sequential CreateModel()
    {
        var model = new Sequential([new Dense(units: 1, inputShape: [1])]);
        model.Compile(loss: "mean_squared_error", optimizer: new Adam(0.1f));
        return model;
    }
}
