using System.Diagnostics;
using System.Text.Json.Nodes;
using Nabla;
using Nabla.Devices;
using Nabla.Gpu;
using Nabla.Gpu.Devices;
using Nabla.Models;

/// <summary>
/// W4 at batch 32 taken apart on the device: the step through Fit with prefetched batches and with synchronous copies,
/// the step on a batch already on the device (no copy), the copy of one batch alone (pinned and pageable), the cost of
/// a queued launch and of a synchronisation, and the launches and syncs a step makes, so the report can say whether the
/// step is bound by launches, copies or synchronisation.
/// </summary>
internal static class StepBreakdown
{
    private const int Batch = 32;

    /// <summary>Measures over <paramref name="steps"/> steps of each kind (after a warm-up epoch of at most 4 steps).</summary>
    public static JsonObject Measure(Device device, (Tensor X, Tensor Y) train, int steps)
    {
        var backend = (GpuBackend)device.Backend!;
        GpuDevice gpu = backend.Gpu;
        bool quick = steps < 100;
        Tensor x = train.X[..(steps * Batch)], y = train.Y[..(steps * Batch)];
        Nabla.Random.SetSeed(3);
        Sequential model;
        using (Device.Use(device))
        {
            model = DeviceWorkloads.Mlp128();
        }

        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        model.Fit(x[..(Math.Min(steps, 4) * Batch)], y[..(Math.Min(steps, 4) * Batch)], batchSize: Batch, epochs: 1, verbose: 0);

        (double prefetchedUs, long launches, TransferCounters moved) = FitStep(model, backend, x, y, prefetch: true);
        (double syncUs, _, TransferCounters syncMoved) = FitStep(model, backend, x, y, prefetch: false);

        // The step without any batch copy: the same batch, already on the device, through TrainOnBatch.
        Tensor xd = x[..Batch].To(device), yd = y[..Batch].To(device);
        model.TrainOnBatch(xd, yd);
        long launchesBefore = gpu.Launches, syncsBefore = backend.Transfers.SynchronousCopies;
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++)
        {
            model.TrainOnBatch(xd, yd);
        }

        double computeUs = sw.Elapsed.TotalMilliseconds * 1000 / steps;
        double launchesPerStep = (double)(gpu.Launches - launchesBefore) / steps;
        double syncsPerStep = (double)(backend.Transfers.SynchronousCopies - syncsBefore) / steps;

        (double pinnedUs, double pageableUs) = CopyOneBatch(backend, x, y, quick ? 20 : 500);
        (double queuedLaunchUs, double syncRoundTripUs) = LaunchAndSync(gpu, quick ? 20 : 2000);
        double launchShare = launchesPerStep * queuedLaunchUs / computeUs;
        double syncShare = syncsPerStep * syncRoundTripUs / computeUs;
        double copyShare = (syncUs - prefetchedUs) / syncUs;
        string bound = launchShare >= 0.5 ? "launches" : syncShare >= 0.5 ? "synchronisation" : pinnedUs / prefetchedUs >= 0.5 ? "copies" : "kernels (compute)";
        return new JsonObject
        {
            ["steps"] = steps,
            ["fit_step_us_prefetched"] = Math.Round(prefetchedUs, 1),
            ["fit_step_us_synchronous_copies"] = Math.Round(syncUs, 1),
            ["step_us_batch_on_device"] = Math.Round(computeUs, 1),
            ["copy_one_batch_us_pinned_async"] = Math.Round(pinnedUs, 1),
            ["copy_one_batch_us_pageable_sync"] = Math.Round(pageableUs, 1),
            ["queued_launch_us"] = Math.Round(queuedLaunchUs, 2),
            ["sync_round_trip_us"] = Math.Round(syncRoundTripUs, 2),
            ["launches_per_step"] = Math.Round(launchesPerStep, 1),
            ["launches_per_fit_step"] = Math.Round((double)launches / steps, 1),
            ["synchronous_copies_per_step"] = Math.Round(syncsPerStep, 2),
            ["async_uploads_per_fit_step"] = Math.Round((double)moved.AsyncUploads / steps, 2),
            ["prefetched_batches"] = moved.PrefetchedBatches,
            ["synchronous_copies_per_fit_step_without_prefetch"] = Math.Round((double)syncMoved.SynchronousCopies / steps, 2),
            ["launch_share_of_step"] = Math.Round(launchShare, 3),
            ["sync_share_of_step"] = Math.Round(syncShare, 3),
            ["copy_share_saved_by_prefetch"] = Math.Round(copyShare, 3),
            ["bound_by"] = bound,
        };
    }

    /// <summary>One epoch of Fit over <paramref name="x"/>: µs per step, launches, and what the transfer path did.</summary>
    private static (double StepUs, long Launches, TransferCounters Moved) FitStep(Sequential model, GpuBackend backend, Tensor x, Tensor y, bool prefetch)
    {
        backend.PrefetchBatches = prefetch;
        try
        {
            TransferCounters before = backend.Transfers.Snapshot();
            long launches = backend.Gpu.Launches;
            var sw = Stopwatch.StartNew();
            model.Fit(x, y, batchSize: Batch, epochs: 1, verbose: 0, shuffle: true);
            double us = sw.Elapsed.TotalMilliseconds * 1000 / (x.Dim(0) / Batch);
            TransferCounters after = backend.Transfers;
            return (us, backend.Gpu.Launches - launches, new TransferCounters
            {
                AsyncUploads = after.AsyncUploads - before.AsyncUploads,
                PrefetchedBatches = after.PrefetchedBatches - before.PrefetchedBatches,
                SynchronousCopies = after.SynchronousCopies - before.SynchronousCopies,
            });
        }
        finally
        {
            backend.PrefetchBatches = true;
        }
    }

    /// <summary>One batch (x and y) to the device: from page-locked staging on the copy stream, and synchronously from managed memory.</summary>
    private static (double PinnedUs, double PageableUs) CopyOneBatch(GpuBackend backend, Tensor x, Tensor y, int reps)
    {
        int nx = Batch * 784, n = nx + Batch;
        using DeviceStaging staging = backend.AllocateStaging(n);
        using DeviceMemory target = backend.Allocate(n);
        x[..Batch].CopyTo(staging.Span[..nx]);
        y[..Batch].CopyTo(staging.Span[nx..]);
        float[] host = staging.Span.ToArray();
        double Time(Action copy)
        {
            copy();
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < reps; i++)
            {
                copy();
            }

            return sw.Elapsed.TotalMilliseconds * 1000 / reps;
        }

        double pinned = Time(() =>
        {
            backend.UploadAsync(staging, 0, target, 0, nx);
            backend.UploadAsync(staging, nx, target, nx, Batch);
            backend.UploadFence().Wait();
        });
        double pageable = Time(() =>
        {
            target.CopyFrom(host.AsSpan(0, nx), 0);
            target.CopyFrom(host.AsSpan(nx), nx);
        });
        return (pinned, pageable);
    }

    /// <summary>A tiny kernel's queued launch cost, and an idle synchronisation's round trip.</summary>
    private static (double QueuedLaunchUs, double SyncUs) LaunchAndSync(GpuDevice gpu, int reps)
    {
        using var buffer = gpu.Allocate(32);
        gpu.Kernels.Elementwise.Fill(buffer.View, 32, 0f);
        gpu.Synchronize();
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < reps; i++)
        {
            gpu.Kernels.Elementwise.Fill(buffer.View, 32, i);
        }

        gpu.Synchronize();
        double launch = sw.Elapsed.TotalMilliseconds * 1000 / reps;
        sw.Restart();
        for (int i = 0; i < reps; i++)
        {
            gpu.Synchronize();
        }

        return (launch, sw.Elapsed.TotalMilliseconds * 1000 / reps);
    }
}
