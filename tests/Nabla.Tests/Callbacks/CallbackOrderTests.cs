using Nabla.Layers;

namespace Nabla.Tests.Callbacks;

public class CallbackOrderTests
{
    private static (Sequential Model, Tensor X, Tensor Y) Setup()
    {
        var model = new Sequential([new Dense(2, activation: "softmax", inputShape: [3])]);
        model.Compile(optimizer: "sgd", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        return (model, Tensor.RandomUniform([6, 3], seed: 1), Tensor.FromArray([0f, 1f, 0f, 1f, 0f, 1f], 6));
    }

    private static string[] Epoch(int e, bool validation)
    {
        var events = new List<string> { $"epoch_begin {e}" };
        for (int b = 0; b < 3; b++)
        {
            events.Add($"train_batch_begin {b}");
            events.Add($"train_batch_end {b}");
        }

        if (validation)
        {
            events.Add("test_begin");
            for (int b = 0; b < 3; b++)
            {
                events.Add($"test_batch_begin {b}");
                events.Add($"test_batch_end {b}");
            }

            events.Add("test_end");
            events.Add($"epoch_end {e} [accuracy,loss,val_accuracy,val_loss]");
        }
        else
        {
            events.Add($"epoch_end {e} [accuracy,loss]");
        }

        return [.. events];
    }

    [Fact]
    public void Fit_sends_keras_events_in_order_for_two_epochs_of_three_batches()
    {
        (Sequential model, Tensor x, Tensor y) = Setup();
        var rec = new RecordingCallback();
        model.Fit(x, y, batchSize: 2, epochs: 2, verbose: 0, callbacks: [rec], shuffle: false);
        Assert.Equal(["train_begin", .. Epoch(0, false), .. Epoch(1, false), "train_end"], rec.Events);
    }

    [Fact]
    public void Validation_runs_the_test_events_before_epoch_end()
    {
        (Sequential model, Tensor x, Tensor y) = Setup();
        var rec = new RecordingCallback();
        model.Fit(x, y, batchSize: 2, epochs: 2, verbose: 0, callbacks: [rec], validationData: (x, y));
        Assert.Equal(["train_begin", .. Epoch(0, true), .. Epoch(1, true), "train_end"], rec.Events);
    }

    [Fact]
    public void Evaluate_and_predict_send_their_own_events()
    {
        (Sequential model, Tensor x, Tensor y) = Setup();
        var rec = new RecordingCallback();
        model.Evaluate(x, y, batchSize: 3, verbose: 0, callbacks: [rec]);
        model.Predict(x, batchSize: 4, verbose: 0, callbacks: [rec]);
        Assert.Equal(
            ["test_begin", "test_batch_begin 0", "test_batch_end 0", "test_batch_begin 1", "test_batch_end 1", "test_end",
             "predict_begin", "predict_batch_begin 0", "predict_batch_end 0", "predict_batch_begin 1", "predict_batch_end 1", "predict_end"],
            rec.Events);
    }

    [Fact]
    public void StopTraining_ends_fit_after_the_current_batch()
    {
        (Sequential model, Tensor x, Tensor y) = Setup();
        var rec = new RecordingCallback();
        var stop = new Nabla.Callbacks.LambdaCallback(onTrainBatchEnd: (b, _) => { if (b == 1) { model.StopTraining = true; } });
        model.Fit(x, y, batchSize: 2, epochs: 3, verbose: 0, callbacks: [stop, rec]);
        Assert.Equal(
            ["train_begin", "epoch_begin 0", "train_batch_begin 0", "train_batch_end 0", "train_batch_begin 1", "train_batch_end 1",
             "epoch_end 0 [accuracy,loss]", "train_end"],
            rec.Events);
    }
}
