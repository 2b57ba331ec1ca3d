using Nabla.Layers;

namespace Nabla.Tests.Models;

/// <summary>
/// A Sequential model whose steps record what they are given (copies: batches reuse their buffers) and whose
/// TrainStep and TestStep add a running count, <c>steps</c> and <c>test_steps</c>, to the logs they return.
/// </summary>
internal sealed class RecordingModel(params Layer[] layers) : Sequential(layers)
{
    private readonly Dictionary<string, double> _logs = new(StringComparer.Ordinal);

    /// <summary>The (x, y) of every training batch, in order.</summary>
    public List<(float[] X, float[] Y)> TrainBatches { get; } = [];

    /// <summary>The sample count of every evaluation batch.</summary>
    public List<int> TestBatchSizes { get; } = [];

    /// <summary>The sample count of every prediction batch.</summary>
    public List<int> PredictBatchSizes { get; } = [];

    /// <summary>Each training epoch's inputs in the order the batches brought them, for one-feature samples and epochs of <paramref name="samples"/>.</summary>
    public float[][] EpochOrders(int samples) =>
        [.. TrainBatches.SelectMany(b => b.X).Chunk(samples)];

    protected override IReadOnlyDictionary<string, double> TrainStep(Tensor x, Tensor y)
    {
        TrainBatches.Add((x.ToArray(), y.ToArray()));
        return WithCount(base.TrainStep(x, y), "steps", TrainBatches.Count);
    }

    protected override IReadOnlyDictionary<string, double> TestStep(Tensor x, Tensor y)
    {
        TestBatchSizes.Add(x.Dim(0));
        return WithCount(base.TestStep(x, y), "test_steps", TestBatchSizes.Count);
    }

    protected override Tensor PredictStep(Tensor x)
    {
        PredictBatchSizes.Add(x.Dim(0));
        return base.PredictStep(x);
    }

    private Dictionary<string, double> WithCount(IReadOnlyDictionary<string, double> logs, string key, int count)
    {
        _logs.Clear();
        foreach ((string name, double value) in logs)
        {
            _logs[name] = value;
        }

        _logs[key] = count;
        return _logs;
    }
}
