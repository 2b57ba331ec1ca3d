using Nabla.Callbacks;

namespace Nabla.Tests.Callbacks;

/// <summary>Records every event it receives, as "name" or "name index".</summary>
internal sealed class RecordingCallback : Callback
{
    public List<string> Events { get; } = [];

    public override void OnTrainBegin(Dictionary<string, double> logs) => Events.Add("train_begin");

    public override void OnTrainEnd(Dictionary<string, double> logs) => Events.Add("train_end");

    public override void OnEpochBegin(int epoch, Dictionary<string, double> logs) => Events.Add($"epoch_begin {epoch}");

    public override void OnEpochEnd(int epoch, Dictionary<string, double> logs) => Events.Add($"epoch_end {epoch} [{string.Join(",", logs.Keys)}]");

    public override void OnTrainBatchBegin(int batch, Dictionary<string, double> logs) => Events.Add($"train_batch_begin {batch}");

    public override void OnTrainBatchEnd(int batch, Dictionary<string, double> logs) => Events.Add($"train_batch_end {batch}");

    public override void OnTestBegin(Dictionary<string, double> logs) => Events.Add("test_begin");

    public override void OnTestEnd(Dictionary<string, double> logs) => Events.Add("test_end");

    public override void OnTestBatchBegin(int batch, Dictionary<string, double> logs) => Events.Add($"test_batch_begin {batch}");

    public override void OnTestBatchEnd(int batch, Dictionary<string, double> logs) => Events.Add($"test_batch_end {batch}");

    public override void OnPredictBegin(Dictionary<string, double> logs) => Events.Add("predict_begin");

    public override void OnPredictEnd(Dictionary<string, double> logs) => Events.Add("predict_end");

    public override void OnPredictBatchBegin(int batch, Dictionary<string, double> logs) => Events.Add($"predict_batch_begin {batch}");

    public override void OnPredictBatchEnd(int batch, Dictionary<string, double> logs) => Events.Add($"predict_batch_end {batch}");
}
