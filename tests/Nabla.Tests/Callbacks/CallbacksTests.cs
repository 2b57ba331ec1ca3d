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

    /// <summary>
    /// Fits for up to <paramref name="epochs"/> epochs while a script writes <paramref name="values"/>[epoch] into the
    /// epoch logs as <paramref name="key"/>, before <paramref name="callback"/> sees them; returns the epochs run.
    /// </summary>
    private static int FitScripted(Callback callback, string key, double[] values, int? epochs = null, Sequential? model = null)
    {
        var script = new LambdaCallback(onEpochEnd: (e, logs) => logs[key] = values[e]);
        History h = (model ?? Regressor()).Fit(s_x, s_y, epochs: epochs ?? values.Length, verbose: 0, callbacks: [script, callback]);
        return h.Epoch.Count;
    }

    [Fact]
    public void EarlyStopping_auto_mode_maximises_accuracy_and_minimises_loss()
    {
        double[] rising = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
        var accuracy = new EarlyStopping(monitor: "val_accuracy", patience: 1);
        Assert.Equal(6, FitScripted(accuracy, "val_accuracy", rising));   // every epoch improves: no stop
        Assert.Equal(0, accuracy.StoppedEpoch);
        Assert.Equal(5, accuracy.BestEpoch);
        var loss = new EarlyStopping(monitor: "val_loss", patience: 1);
        Assert.Equal(2, FitScripted(loss, "val_loss", rising));           // epoch 1 is worse than epoch 0
        Assert.Equal(1, loss.StoppedEpoch);
        Assert.Equal(0, loss.BestEpoch);
    }

    [Fact]
    public void EarlyStopping_mode_errors_say_what_to_pass()
    {
        AssertEx.Throws<ArgumentException>(() => new EarlyStopping(monitor: "my_score"), "cannot tell whether 'my_score'", "mode: \"max\"");
        AssertEx.Throws<ArgumentException>(() => new EarlyStopping(mode: "down"), "unknown mode 'down'");
    }

    [Fact]
    public void EarlyStopping_counts_changes_below_min_delta_as_no_improvement()
    {
        double[] creeping = [1.0, 0.99, 0.98, 0.97, 0.96, 0.95, 0.94];   // down by 0.01 an epoch
        var coarse = new EarlyStopping(monitor: "score", mode: "min", patience: 2, minDelta: 0.05f);
        Assert.Equal(3, FitScripted(coarse, "score", creeping));   // epochs 1 and 2 fall short of 0.95: stop after 2
        Assert.Equal(2, coarse.StoppedEpoch);
        Assert.Equal(0, coarse.BestEpoch);
        var fine = new EarlyStopping(monitor: "score", mode: "min", patience: 2, minDelta: 0.005f);
        Assert.Equal(7, FitScripted(fine, "score", creeping));
        Assert.Equal(6, fine.BestEpoch);
        Assert.Equal(0.05f, new EarlyStopping(minDelta: -0.05f).MinDelta);   // the sign is ignored, as Keras's abs()
    }

    [Fact]
    public void EarlyStopping_patience_restarts_only_once_the_baseline_is_beaten()
    {
        double[] flat = [0.8, 0.8, 0.8, 0.8, 0.8, 0.8];
        // Keras: the first epoch is the best so far, but without beating the baseline it starts the patience count.
        var unmet = new EarlyStopping(monitor: "score", mode: "min", patience: 3, baseline: 0.5);
        Assert.Equal(3, FitScripted(unmet, "score", flat));
        var none = new EarlyStopping(monitor: "score", mode: "min", patience: 3);
        Assert.Equal(4, FitScripted(none, "score", flat));

        // Beating the baseline at epoch 1 restarts the count there.
        var met = new EarlyStopping(monitor: "score", mode: "min", patience: 3, baseline: 0.5);
        Assert.Equal(5, FitScripted(met, "score", [0.8, 0.4, 0.4, 0.4, 0.4, 0.4]));
        Assert.Equal(1, met.BestEpoch);
        Assert.Equal(4, met.StoppedEpoch);
    }

    [Fact]
    public void EarlyStopping_ignores_the_epochs_before_start_from_epoch()
    {
        double[] worsening = [1, 2, 3, 4, 5, 6, 7];
        var immediate = new EarlyStopping(monitor: "score", mode: "min", patience: 1);
        Assert.Equal(2, FitScripted(immediate, "score", worsening));
        var delayed = new EarlyStopping(monitor: "score", mode: "min", patience: 1, startFromEpoch: 3);
        Assert.Equal(5, FitScripted(delayed, "score", worsening));   // epoch 3 sets the best, epoch 4 is worse
        Assert.Equal(3, delayed.BestEpoch);
        Assert.Equal(4, delayed.StoppedEpoch);
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

    private static double[] RatesScripted(ReduceLROnPlateau reduce, string key, double[] values)
    {
        var script = new LambdaCallback(onEpochEnd: (e, logs) => logs[key] = values[e]);
        History h = Regressor().Fit(s_x, s_y, epochs: values.Length, verbose: 0, callbacks: [script, reduce]);
        return [.. h["learning_rate"].Select(v => Math.Round(v, 6))];
    }

    [Fact]
    public void ReduceLROnPlateau_waits_cooldown_epochs_after_a_reduction()
    {
        double[] flat = [1, 1, 1, 1, 1, 1];
        // The rate logged at an epoch is the one it trained with; a reduction shows from the next epoch.
        double[] everyEpoch = [0.01, 0.01, 0.005, 0.0025, 0.00125, 0.000625];
        Assert.Equal(everyEpoch, RatesScripted(new ReduceLROnPlateau(monitor: "flat", factor: 0.5f, patience: 1), "flat", flat));
        // As in Keras, the cooldown counts down at the start of the next epoch's check, so an epoch after a reduction
        // is skipped only from cooldown 2 on, and cooldown 1 leaves patience 1 unchanged.
        Assert.Equal(everyEpoch, RatesScripted(new ReduceLROnPlateau(monitor: "flat", factor: 0.5f, patience: 1, cooldown: 1), "flat", flat));
        Assert.Equal([0.01, 0.01, 0.005, 0.005, 0.0025, 0.0025],
            RatesScripted(new ReduceLROnPlateau(monitor: "flat", factor: 0.5f, patience: 1, cooldown: 2), "flat", flat));
        Assert.Equal([0.01, 0.01, 0.005, 0.005, 0.005, 0.0025],
            RatesScripted(new ReduceLROnPlateau(monitor: "flat", factor: 0.5f, patience: 1, cooldown: 3), "flat", flat));
    }

    [Fact]
    public void ReduceLROnPlateau_never_goes_below_min_lr()
    {
        var reduce = new ReduceLROnPlateau(monitor: "flat", factor: 0.5f, patience: 1, minLr: 0.003f);
        Assert.Equal([0.01, 0.01, 0.005, 0.003, 0.003], RatesScripted(reduce, "flat", [1, 1, 1, 1, 1]));
    }

    [Fact]
    public void ReduceLROnPlateau_counts_changes_below_min_delta_as_a_plateau()
    {
        double[] creeping = [1.0, 0.99, 0.98, 0.97];   // down by 0.01 an epoch
        Assert.Equal([0.01, 0.01, 0.005, 0.0025],
            RatesScripted(new ReduceLROnPlateau(monitor: "score", factor: 0.5f, patience: 1, minDelta: 0.05f), "score", creeping));
        Assert.Equal([0.01, 0.01, 0.01, 0.01],
            RatesScripted(new ReduceLROnPlateau(monitor: "score", factor: 0.5f, patience: 1), "score", creeping));   // default 1e-4
    }

    [Fact]
    public void ReduceLROnPlateau_auto_mode_maximises_accuracy_and_minimises_the_rest()
    {
        double[] rising = [0.1, 0.2, 0.3, 0.4];
        Assert.Equal([0.01, 0.01, 0.01, 0.01],
            RatesScripted(new ReduceLROnPlateau(monitor: "val_accuracy", factor: 0.5f, patience: 1), "val_accuracy", rising));
        Assert.Equal([0.01, 0.01, 0.005, 0.0025],
            RatesScripted(new ReduceLROnPlateau(monitor: "val_loss", factor: 0.5f, patience: 1), "val_loss", rising));
        Assert.Equal([0.01, 0.01, 0.01, 0.01],
            RatesScripted(new ReduceLROnPlateau(monitor: "val_loss", factor: 0.5f, patience: 1, mode: "max"), "val_loss", rising));
    }

    [Fact]
    public void ReduceLROnPlateau_rejects_a_factor_that_does_not_reduce_and_an_unknown_mode()
    {
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(factor: 1f), "ReduceLROnPlateau does not support a factor >= 1.0");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(factor: 0f), "(or <= 0); the learning rate must go down.");
        AssertEx.Throws<ArgumentException>(() => new ReduceLROnPlateau(mode: "up"), "ReduceLROnPlateau: unknown mode 'up'. Known: auto, max, min.");
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
