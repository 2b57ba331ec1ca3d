using Nabla.Data;
using Nabla.Devices;
using Nabla.Gpu.Devices;
using Nabla.Gpu.Tests.Support;
using Nabla.Layers;
using Nabla.Models;

namespace Nabla.Gpu.Tests.Devices;

/// <summary>
/// Fit, Evaluate and Predict with batches prefetched through page-locked staging and a copy stream against the same
/// runs with synchronous copies, on the <c>ilgpu-cpu</c> device. The two paths run the same kernels on the same numbers
/// in the same order (copies do not round), so they must agree bit for bit. The prefetching runs also simulate a slow
/// device (every asynchronous copy lands only when a fence behind it is waited for), so a missing wait or a staging
/// buffer rewritten in flight shows up as different numbers.
/// </summary>
[Collection(DeviceCollection.Name)]
public class BatchPrefetchTests
{
    private static GpuBackend Backend => (GpuBackend)DeviceCollection.Accelerator.Backend!;

    [Fact]
    public void Shuffled_fit_with_a_partial_last_batch_and_validation_matches_synchronous_copies()
    {
        (Tensor x, Tensor y) = Blobs(101, 10, 3, seed: 3);   // 101 rows at batch 16: a last batch of 5
        Tensor weights = Tensor.RandomUniform([101], 0.5f, 1.5f, seed: 6);
        Outcome Run()
        {
            Sequential model = Mlp(10, 3, seed: 21);
            History h = model.Fit(x, y, batchSize: 16, epochs: 3, verbose: 0, shuffle: true, validationSplit: 0.2, sampleWeight: weights);
            return new Outcome(h, model.Evaluate(x, y, batchSize: 7, verbose: 0), model.Predict(x, batchSize: 10, verbose: 0).ToArray());
        }

        (Outcome sync, Outcome prefetched, TransferCounters used) = Both(Run);
        sync.AssertIdentical(prefetched);
        Assert.True(sync.History["loss"][^1] < sync.History["loss"][0], "the run learns");

        // 3 epochs of ceil(80 / 16) = 5 training batches (Keras's split keeps int(101 · 0.8) = 80 rows), 3 validations of
        // ceil(21 / 16) = 2 batches, Evaluate 15, Predict 11: all prefetched but the first of each pass; Predict's 11
        // outputs came back asynchronously.
        int batches = (3 * 5) + (3 * 2) + 15 + 11;
        int passes = 3 + 3 + 1 + 1;
        Assert.Equal(batches - passes, used.PrefetchedBatches);
        Assert.Equal(batches, used.UploadWaits);
        Assert.True(used.AsyncUploads >= 2L * batches, $"x and y (and weights) of every batch go through the copy stream: {used.AsyncUploads} uploads");
        Assert.Equal(11, used.AsyncDownloads);
    }

    [Fact]
    public void A_dataset_pipeline_trains_and_predicts_as_with_synchronous_copies()
    {
        (Tensor x, Tensor y) = Blobs(70, 6, 2, seed: 4);
        Outcome Run()
        {
            Sequential model = Mlp(6, 2, seed: 22);
            Dataset train = Dataset.FromTensorSlices(x, y).Shuffle(70, seed: 5).Batch(12);
            History h = model.Fit(train, epochs: 2, verbose: 0);
            Tensor p = model.Predict(Dataset.FromTensorSlices(x).Batch(9), verbose: 0);   // unknown rows: parts joined at the end
            return new Outcome(h, model.Evaluate(Dataset.FromTensorSlices(x, y).Batch(32), verbose: 0), p.ToArray());
        }

        (Outcome sync, Outcome prefetched, TransferCounters used) = Both(Run);
        sync.AssertIdentical(prefetched);
        Assert.Equal(70 * 2, prefetched.Predictions.Length);
        Assert.Equal(8, used.AsyncDownloads);   // ceil(70 / 9)
        Assert.True(used.PrefetchedBatches > 0);
    }

    [Fact]
    public void A_user_train_step_gets_fresh_device_tensors_that_later_batches_leave_alone()
    {
        (Tensor x, Tensor y) = Blobs(40, 5, 2, seed: 7);
        (Outcome Result, List<(Tensor X, Tensor Y)> Kept) Run()
        {
            Nabla.Random.SetSeed(23);
            KeepingModel model;
            using (Device.Use(DeviceCollection.Accelerator))
            {
                model = new KeepingModel([new Dense(8, activation: "relu", inputShape: [5]), new Dense(2, activation: "softmax")]);
            }

            model.Compile(optimizer: "sgd", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
            History h = model.Fit(x, y, batchSize: 8, epochs: 2, verbose: 0, shuffle: false);
            return (new Outcome(h, model.Evaluate(x, y, verbose: 0), model.Predict(x, verbose: 0).ToArray()), model.Kept);
        }

        (Outcome sync, _) = RunWith(false, Run);
        ((Outcome prefetched, List<(Tensor X, Tensor Y)> kept), TransferCounters used) = RunWithCounters(Run);
        sync.AssertIdentical(prefetched);
        Assert.Equal(10, kept.Count);
        for (int b = 0; b < kept.Count; b++)
        {
            int from = (b % 5) * 8;
            Assert.Same(DeviceCollection.Accelerator, kept[b].X.Device);
            Assert.Equal(x[from..(from + 8)].ToArray(), kept[b].X.ToArray());   // each batch its own tensors, still intact
            Assert.Equal(y[from..(from + 8)].ToArray(), kept[b].Y.ToArray());
        }

        Assert.True(used.PrefetchedBatches >= 8);
    }

    [Fact]
    public void A_nan_in_a_prefetched_batch_is_reported_after_the_steps_before_it()
    {
        (Tensor x, Tensor y) = Blobs(32, 4, 2, seed: 8);
        float[] data = x.ToArray();
        data[(20 * 4) + 1] = float.NaN;   // row 20: the third batch of 8
        Tensor bad = Tensor.FromArray(data, 32, 4);
        Sequential model = Mlp(4, 2, seed: 24);
        var seen = new List<int>();
        var callback = new Nabla.Callbacks.LambdaCallback(onTrainBatchEnd: (batch, _) => seen.Add(batch));
        var e = Assert.Throws<ArgumentException>(() => model.Fit(bad, y, batchSize: 8, epochs: 1, verbose: 0, shuffle: false, callbacks: [callback]));
        Assert.Contains("NaN", e.Message, StringComparison.Ordinal);
        Assert.Equal([0, 1], seen);
    }

    [Fact]
    public void A_data_source_that_throws_while_a_batch_is_prefetched_fails_after_the_steps_before_it()
    {
        (Tensor x, Tensor y) = Blobs(32, 4, 2, seed: 10);
        int produced = 0;
        Dataset data = Dataset.FromTensorSlices(x, y).Batch(8).Map((bx, by) =>
            ++produced == 3 ? throw new InvalidOperationException("the source failed at its third batch") : (bx, by));
        Sequential model = Mlp(4, 2, seed: 26);
        var seen = new List<int>();
        var callback = new Nabla.Callbacks.LambdaCallback(onTrainBatchEnd: (batch, _) => seen.Add(batch));
        var e = Assert.Throws<InvalidOperationException>(() => model.Fit(data, epochs: 1, verbose: 0, callbacks: [callback]));
        Assert.Contains("third batch", e.Message, StringComparison.Ordinal);
        Assert.Equal([0, 1], seen);   // the batches before the failing one trained, as without prefetching
    }

    [Fact]
    public void A_warm_fit_reuses_its_staging_and_device_buffers()
    {
        (Tensor x, Tensor y) = Blobs(64, 6, 2, seed: 9);
        Sequential model = Mlp(6, 2, seed: 25);
        model.Fit(x, y, batchSize: 16, epochs: 1, verbose: 0);
        TransferCounters before = Backend.Transfers.Snapshot();
        model.Fit(x, y, batchSize: 16, epochs: 3, verbose: 0);
        Assert.Equal(before.StagingAllocations, Backend.Transfers.StagingAllocations);
        Assert.Equal(before.PrefetchedBatches + (3 * 3), Backend.Transfers.PrefetchedBatches);
    }

    private static (Outcome Sync, Outcome Prefetched, TransferCounters Used) Both(Func<Outcome> run)
    {
        Outcome sync = RunWith(false, run);
        (Outcome prefetched, TransferCounters used) = RunWithCounters(run);
        return (sync, prefetched, used);
    }

    private static T RunWith<T>(bool prefetch, Func<T> run)
    {
        GpuBackend backend = Backend;
        long uploads = backend.Transfers.AsyncUploads;
        backend.PrefetchBatches = prefetch;
        try
        {
            T result = run();
            if (!prefetch)
            {
                Assert.Equal(uploads, backend.Transfers.AsyncUploads);   // the synchronous path really is synchronous
            }

            return result;
        }
        finally
        {
            backend.PrefetchBatches = true;
        }
    }

    private static (T Result, TransferCounters Used) RunWithCounters<T>(Func<T> run)
    {
        GpuBackend backend = Backend;
        TransferCounters before = backend.Transfers.Snapshot();
        backend.SimulateLatency = true;
        try
        {
            T result = RunWith(true, run);
            TransferCounters after = backend.Transfers;
            return (result, new TransferCounters
            {
                AsyncUploads = after.AsyncUploads - before.AsyncUploads,
                AsyncDownloads = after.AsyncDownloads - before.AsyncDownloads,
                PrefetchedBatches = after.PrefetchedBatches - before.PrefetchedBatches,
                UploadWaits = after.UploadWaits - before.UploadWaits,
            });
        }
        finally
        {
            backend.SimulateLatency = false;
        }
    }

    private static Sequential Mlp(int features, int classes, int seed)
    {
        Nabla.Random.SetSeed(seed);
        Sequential model;
        using (Device.Use(DeviceCollection.Accelerator))
        {
            model = new Sequential([new Dense(12, activation: "relu", inputShape: [features]), new Dense(classes, activation: "softmax")]);
        }

        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        return model;
    }

    private static (Tensor X, Tensor Y) Blobs(int rows, int features, int classes, int seed)
    {
        var rng = new System.Random(seed);
        float[] x = new float[rows * features], y = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            int c = r % classes;
            y[r] = c;
            for (int f = 0; f < features; f++)
            {
                x[(r * features) + f] = (float)((rng.NextDouble() * 2) - 1 + (f % classes == c ? 1.5 : 0));
            }
        }

        return (Tensor.FromArray(x, rows, features), Tensor.FromArray(y, rows));
    }

    private sealed record Outcome(History History, IReadOnlyDictionary<string, double> Evaluation, float[] Predictions)
    {
        public void AssertIdentical(Outcome other)
        {
            Assert.Equal(History.Keys, other.History.Keys);
            foreach (string key in History.Keys)
            {
                Assert.Equal(History[key], other.History[key]);
            }

            Assert.Equal(Evaluation, other.Evaluation);
            Assert.Equal(Predictions, other.Predictions);
        }
    }

    /// <summary>A model whose TrainStep keeps every batch it is given (a user's override may).</summary>
    private sealed class KeepingModel(IEnumerable<Layer> layers) : Sequential(layers)
    {
        public List<(Tensor X, Tensor Y)> Kept { get; } = [];

        protected override IReadOnlyDictionary<string, double> TrainStep(Tensor x, Tensor y)
        {
            Kept.Add((x, y));
            return base.TrainStep(x, y);
        }
    }
}
