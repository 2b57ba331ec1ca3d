using Nabla.Callbacks;
using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Reliability;

/// <summary>
/// Serving and concurrent use: many threads calling Predict and Evaluate on one trained model get the single-threaded
/// results bit for bit; a lazily built model builds once when several threads make its first call; Evaluate during
/// Fit (on another thread or from a batch callback) leaves Fit's History alone; a second training call is refused.
/// </summary>
public class ConcurrencyTests
{
    private const int Threads = 8;

    [Fact]
    public void Eight_threads_predicting_and_evaluating_get_the_single_threaded_results_bit_for_bit()
    {
        Sequential model = ReliabilityModels.Classifier();
        (Tensor x, Tensor y) = ReliabilityModels.Data(300);
        model.Fit(x, y, epochs: 3, batchSize: 32, verbose: 0, shuffle: false);
        float[] expectedPrediction = model.Predict(x, batchSize: 64, verbose: 0).ToArray();
        EvaluationResult expectedEvaluation = model.Evaluate(x, y, batchSize: 64, verbose: 0);

        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        RunTogether(Threads, thread =>
        {
            for (int round = 0; round < 5; round++)
            {
                float[] p = model.Predict(x, batchSize: 64, verbose: 0).ToArray();
                EvaluationResult e = model.Evaluate(x, y, batchSize: 64, verbose: 0);
                if (!p.AsSpan().SequenceEqual(expectedPrediction))
                {
                    failures.Add($"thread {thread} round {round}: predictions differ");
                }

                if (e["loss"] != expectedEvaluation["loss"] || e["accuracy"] != expectedEvaluation["accuracy"])
                {
                    failures.Add($"thread {thread} round {round}: loss {e["loss"]} accuracy {e["accuracy"]}, " +
                        $"expected {expectedEvaluation["loss"]} and {expectedEvaluation["accuracy"]}");
                }
            }
        });

        Assert.Empty(failures);
    }

    // A CNN's Predict runs each convolution with its pooling fused, through a per-thread pooling sink and per-thread
    // scratch: eight threads at once still get the single-threaded results.
    [Fact]
    public void Eight_threads_predicting_a_cnn_get_the_single_threaded_results_bit_for_bit()
    {
        var model = new Sequential([
            new Conv2D(8, kernelSize: 3, activation: "relu", padding: "same", inputShape: [12, 12, 1]),
            new MaxPooling2D(poolSize: 2),
            new Conv2D(16, kernelSize: 3, activation: "relu", padding: "same"),
            new MaxPooling2D(poolSize: 2),
            new Flatten(),
            new Dense(4, activation: "softmax"),
        ]);
        var random = new System.Random(3);
        Tensor x = Tensor.FromArray(Enumerable.Range(0, 50 * 144).Select(_ => (float)random.NextDouble()).ToArray(), 50, 12, 12, 1);
        float[] expected = model.Predict(x, batchSize: 16, verbose: 0).ToArray();

        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        RunTogether(Threads, thread =>
        {
            for (int round = 0; round < 5; round++)
            {
                if (!model.Predict(x, batchSize: 16, verbose: 0).ToArray().AsSpan().SequenceEqual(expected))
                {
                    failures.Add($"thread {thread} round {round}: predictions differ");
                }
            }
        });

        Assert.Empty(failures);
    }

    [Fact]
    public void A_lazily_built_model_builds_once_when_eight_threads_make_its_first_call()
    {
        (Tensor x, _) = ReliabilityModels.Data(40);
        int expectedParams = (ReliabilityModels.Features * 32) + 32 + (32 * ReliabilityModels.Classes) + ReliabilityModels.Classes;
        for (int attempt = 0; attempt < 10; attempt++)
        {
            Sequential model = ReliabilityModels.Classifier(lazy: true, compile: false);
            var outputs = new float[Threads][];
            RunTogether(Threads, thread => outputs[thread] = model.Predict(x, verbose: 0).ToArray());

            Assert.Equal(expectedParams, model.CountParams());
            Assert.Equal(4, model.GetWeights().Count);
            Assert.All(outputs, o => Assert.Equal(outputs[0], o));
        }
    }

    [Fact]
    public void Evaluate_on_another_thread_during_Fit_leaves_Fits_history_unchanged()
    {
        (Tensor x, Tensor y) = ReliabilityModels.Data(256);
        History alone = ReliabilityModels.Classifier().Fit(x, y, epochs: 4, batchSize: 16, verbose: 0, shuffle: false, validationSplit: 0.25);

        Sequential model = ReliabilityModels.Classifier();
        using var fitting = new ManualResetEventSlim(false);
        using var done = new ManualResetEventSlim(false);
        int evaluations = 0;
        var evaluator = new Thread(() =>
        {
            fitting.Wait();
            while (!done.IsSet)
            {
                EvaluationResult r = model.Evaluate(x, y, verbose: 0);
                Assert.True(double.IsFinite(r["loss"]) && r["accuracy"] is >= 0 and <= 1);
                Interlocked.Increment(ref evaluations);
            }
        });
        evaluator.Start();
        // Each epoch's first batch waits until the other thread has finished one more evaluation, so the two overlap
        // for certain, however fast either runs.
        int epochs = 0;
        var signal = new LambdaCallback(onTrainBatchBegin: (batch, _) =>
        {
            fitting.Set();
            if (batch == 0)
            {
                int wanted = ++epochs;
                Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref evaluations) >= wanted, TimeSpan.FromSeconds(20)));
            }
        });
        History concurrent = model.Fit(x, y, epochs: 4, batchSize: 16, verbose: 0, shuffle: false, validationSplit: 0.25, callbacks: [signal]);
        done.Set();
        evaluator.Join();

        Assert.True(evaluations >= 4, "the other thread did not evaluate during every epoch of Fit");
        AssertSameHistory(alone, concurrent);
    }

    [Fact]
    public void Evaluate_from_a_batch_callback_leaves_Fits_history_unchanged()
    {
        (Tensor x, Tensor y) = ReliabilityModels.Data(128);
        History alone = ReliabilityModels.Classifier().Fit(x, y, epochs: 3, batchSize: 16, verbose: 0, shuffle: false, validationSplit: 0.25);

        Sequential model = ReliabilityModels.Classifier();
        var inner = new List<double>();
        var callback = new LambdaCallback(onTrainBatchEnd: (_, _) => inner.Add(model.Evaluate(x[..32], y[..32], verbose: 0)["accuracy"]));
        History nested = model.Fit(x, y, epochs: 3, batchSize: 16, verbose: 0, shuffle: false, validationSplit: 0.25, callbacks: [callback]);

        Assert.Equal(3 * 6, inner.Count);
        AssertSameHistory(alone, nested);
    }

    [Fact]
    public void Fit_while_Fit_runs_on_another_thread_is_refused_with_a_clear_error()
    {
        Sequential model = ReliabilityModels.Classifier();
        (Tensor x, Tensor y) = ReliabilityModels.Data(64);
        using var inside = new ManualResetEventSlim(false);
        using var release = new ManualResetEventSlim(false);
        var hold = new LambdaCallback(onTrainBatchBegin: (batch, _) =>
        {
            if (batch == 0)
            {
                inside.Set();
                release.Wait();
            }
        });
        History? firstHistory = null;
        var first = new Thread(() => firstHistory = model.Fit(x, y, epochs: 1, batchSize: 16, verbose: 0, callbacks: [hold]));
        first.Start();
        inside.Wait();
        try
        {
            AssertEx.Throws<InvalidOperationException>(() => model.Fit(x, y, epochs: 1, verbose: 0),
                "Fit: model", "is already training on another thread");
            AssertEx.Throws<InvalidOperationException>(() => model.TrainOnBatch(x, y), "is already training");
        }
        finally
        {
            release.Set();
        }

        first.Join();
        Assert.Single(firstHistory!["loss"]);
        model.Fit(x, y, epochs: 1, verbose: 0);   // free again once the first Fit ended
    }

    [Fact]
    public void Training_the_model_from_its_own_callback_is_refused()
    {
        Sequential model = ReliabilityModels.Classifier();
        (Tensor x, Tensor y) = ReliabilityModels.Data(32);
        var nested = new LambdaCallback(onTrainBatchEnd: (_, _) => model.TrainOnBatch(x, y));
        AssertEx.Throws<InvalidOperationException>(() => model.Fit(x, y, epochs: 1, verbose: 0, callbacks: [nested]),
            "TrainOnBatch: model", "is already training on this thread");
    }

    private static void AssertSameHistory(History expected, History actual)
    {
        Assert.Equal(expected.Epoch, actual.Epoch);
        foreach (string key in new[] { "loss", "accuracy", "val_loss", "val_accuracy" })
        {
            Assert.Equal(expected[key], actual[key]);
        }
    }

    private static void RunTogether(int threads, Action<int> body)
    {
        using var start = new Barrier(threads);
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                body(t);
            }
            catch (Exception e)
            {
                errors.Enqueue(e);
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        if (!errors.IsEmpty)
        {
            throw new AggregateException(errors);
        }
    }
}
