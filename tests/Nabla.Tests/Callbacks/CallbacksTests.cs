using Nabla.Callbacks;
using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Callbacks;

public class CallbacksTests
{
    private static readonly Tensor s_x = Tensor.RandomUniform([40, 2], seed: 3);
    private static readonly Tensor s_y = Tensor.RandomUniform([40, 1], seed: 4);

    private static Sequential Regressor(string optimizer = "sgd")
    {
        var model = new Sequential([new Dense(1, inputShape: [2])]);
        model.Compile(optimizer: optimizer, loss: "mse");
        return model;
    }

    [Fact]
    public void EarlyStopping_stops_after_patience_and_restores_the_best_weights()
    {
        var model = Regressor();
        int epoch = 0;
        // A scripted monitor: best at epoch 1, never better afterwards.
        double[] scripted = [5, 1, 2, 3, 4, 5, 6];
        IReadOnlyList<Tensor>? atBest = null;
        var script = new LambdaCallback(onEpochEnd: (e, logs) =>
        {
            logs["score"] = scripted[e];
            epoch = e;
            if (e == 1)
            {
                atBest = model.GetWeights();
            }
        });
        var stop = new EarlyStopping(monitor: "score", mode: "min", patience: 2, restoreBestWeights: true);
        model.Fit(s_x, s_y, epochs: 7, verbose: 0, callbacks: [script, stop]);
        Assert.Equal(3, epoch);             // epochs 2 and 3 did not improve: stop after epoch 3
        Assert.Equal(3, stop.StoppedEpoch);
        Assert.Equal(1, stop.BestEpoch);
        for (int i = 0; i < atBest!.Count; i++)
        {
            Assert.Equal(atBest[i].ToArray(), model.GetWeights()[i].ToArray());
        }
    }

    [Fact]
    public void EarlyStopping_auto_mode_maximises_accuracy_and_minimises_loss()
    {
        Assert.NotNull(new EarlyStopping(monitor: "val_accuracy"));
        AssertEx.Throws<ArgumentException>(() => new EarlyStopping(monitor: "my_score"), "cannot tell whether 'my_score'", "mode: \"max\"");
        AssertEx.Throws<ArgumentException>(() => new EarlyStopping(mode: "down"), "unknown mode 'down'");
    }

    [Fact]
    public void ReduceLROnPlateau_reduces_the_rate_and_logs_it()
    {
        var model = Regressor();
        var plateau = new LambdaCallback(onEpochEnd: (_, logs) => logs["flat"] = 1.0);
        var reduce = new ReduceLROnPlateau(monitor: "flat", factor: 0.5f, patience: 1);
        History h = model.Fit(s_x, s_y, epochs: 4, verbose: 0, callbacks: [plateau, reduce]);
        // Epoch 0 sets the best; epochs 1, 2, 3 do not improve: a reduction after each (patience 1).
        Assert.Equal([0.01, 0.01, 0.005, 0.0025], h["learning_rate"].Select(v => Math.Round(v, 6)).ToArray());
        Assert.Equal(0.00125f, model.Optimizer!.LearningRate, 6);
    }

    [Fact]
    public void LearningRateScheduler_sets_the_rate_each_epoch()
    {
        var model = Regressor();
        History h = model.Fit(s_x, s_y, epochs: 3, verbose: 0, callbacks: [new LearningRateScheduler((epoch, lr) => 0.1f / (epoch + 1))]);
        Assert.Equal([0.1, 0.05, 0.033333], h["learning_rate"].Select(v => Math.Round(v, 6)).ToArray());
        AssertEx.Throws<ArgumentException>(
            () => Regressor().Fit(s_x, s_y, epochs: 1, verbose: 0, callbacks: [new LearningRateScheduler((_, _) => float.NaN)]),
            "a learning rate must be finite");
    }

    [Fact]
    public void CSVLogger_writes_a_header_and_a_row_per_epoch()
    {
        string path = Path.Combine(Path.GetTempPath(), $"nabla-{Guid.NewGuid():N}.csv");
        try
        {
            var model = new Sequential([new Dense(2, activation: "softmax", inputShape: [2])]);
            model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
            Tensor labels = Tensor.FromArray(Enumerable.Range(0, 40).Select(i => (float)(i % 2)).ToArray(), 40);
            History h = model.Fit(s_x, labels, epochs: 2, verbose: 0, validationSplit: 0.25f, callbacks: [new CSVLogger(path)]);
            string[] lines = File.ReadAllLines(path);
            Assert.Equal("epoch,accuracy,loss,val_accuracy,val_loss", lines[0]);
            Assert.Equal(3, lines.Length);
            Assert.StartsWith("1,", lines[2]);
            Assert.Equal(h["loss"][1], double.Parse(lines[2].Split(',')[2], System.Globalization.CultureInfo.InvariantCulture));
            model.Fit(s_x, labels, epochs: 1, verbose: 0, callbacks: [new CSVLogger(path, append: true)]);
            Assert.Equal(4, File.ReadAllLines(path).Length);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TerminateOnNaN_stops_at_the_first_bad_loss()
    {
        var model = new Sequential([new Dense(1, inputShape: [2])]);
        model.Compile(optimizer: new Nabla.Optimizers.SGD(learningRate: 1e30f), loss: "mse");
        Tensor big = Tensor.Full([40, 2], 1e10f);
        var rec = new RecordingCallback();
        model.Fit(big, Tensor.Full([40, 1], 1e10f), batchSize: 4, epochs: 5, verbose: 0, callbacks: [new TerminateOnNaN(), rec]);
        Assert.Equal(1, rec.Events.Count(e => e.StartsWith("epoch_end", StringComparison.Ordinal)));
        Assert.True(rec.Events.Count(e => e.StartsWith("train_batch_end", StringComparison.Ordinal)) < 10);
    }

    [Fact]
    public void History_records_every_epoch_in_sorted_key_order()
    {
        var model = new Sequential([new Dense(2, activation: "softmax", inputShape: [2])]);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        Tensor labels = Tensor.FromArray(Enumerable.Range(0, 40).Select(i => (float)(i % 2)).ToArray(), 40);
        History h = model.Fit(s_x, labels, epochs: 3, verbose: 0, validationSplit: 0.2f);
        Assert.Equal(["accuracy", "loss", "val_accuracy", "val_loss"], h.Keys);
        Assert.Equal([0, 1, 2], h.Epoch);
        Assert.All(h.Keys, k => Assert.Equal(3, h[k].Count));
        AssertEx.Throws<KeyNotFoundException>(() => _ = h["mae"], "History has no 'mae'", "accuracy, loss, val_accuracy, val_loss");
    }
}
