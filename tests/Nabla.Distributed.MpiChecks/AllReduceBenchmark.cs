using System.Diagnostics;

namespace Nabla.Distributed.MpiChecks;

/// <summary>
/// The cost of the gradient all-reduce of W3 (the 784-512-512-10 MLP: 669,706 parameters in 6 weights) between the
/// ranks: best and median time per call over many calls, and the bandwidth that implies. Prints figures; asserts
/// nothing (timing belongs to reports, not to tests).
/// </summary>
internal static class AllReduceBenchmark
{
    public static void Run(string[] args)
    {
        using Communicator world = Mpi.Initialize();
        int[] lengths = [784 * 512, 512, 512 * 512, 512, 512 * 10, 10];
        int total = lengths.Sum();
        int calls = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 500;
        float[] flat = new float[total];
        var buckets = new GradientBuckets(world, lengths);
        Memory<float>[] grads = lengths.Select(n => new Memory<float>(new float[n])).ToArray();

        Report(world, "AllReduce in place, 669,706 floats", total, calls, () => world.AllReduce(flat));
        Report(world, "MPI_Allreduce alone (no descriptor exchange)", total, calls, () => RawAllReduce(world, flat));
        var fused = new GradientBuckets(world, lengths, inPlaceBytes: int.MaxValue);
        Report(world, "GradientBuckets.AllReduceSum (2 kernels in place, 4 small weights in 1 bucket)", total, calls, () => buckets.AllReduceSum(grads));
        Report(world, "GradientBuckets.AllReduceAverage (the same, then / size)", total, calls, () => buckets.AllReduceAverage(grads));
        Report(world, "GradientBuckets.AllReduceSum (all 6 packed in 1 bucket)", total, calls, () => fused.AllReduceSum(grads));
        Report(world, "Barrier (the descriptor exchange alone)", 0, calls, world.Barrier);
    }

    private static unsafe void RawAllReduce(Communicator world, float[] data)
    {
        fixed (float* p = data)
        {
            world.AllReduceRaw(p, data.Length, ElementType.Float, ReduceOp.Sum);
        }
    }

    private static void Report(Communicator world, string what, int floats, int calls, Action call)
    {
        for (int i = 0; i < 20; i++)
        {
            call();
        }

        double[] times = new double[calls];
        for (int i = 0; i < calls; i++)
        {
            world.Barrier();
            long start = Stopwatch.GetTimestamp();
            call();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        // Every rank must agree on the figures: take the slowest rank's time of each call.
        world.AllReduce(times, ReduceOp.Max);
        Array.Sort(times);
        double best = times[0], median = times[calls / 2];
        double bytes = floats * 4.0, p = world.Size;
        // Bus bandwidth, as NCCL reports it: what each rank sends and receives in a ring all-reduce per second.
        double busGBs = bytes * 2 * (p - 1) / p / (best * 1e-3) / 1e9;
        if (world.IsRoot)
        {
            Console.WriteLine(
                $"{what}: best {best:F3} ms, median {median:F3} ms over {calls} calls on {world.Size} ranks" +
                (floats > 0 ? $"; {bytes / 1e6:F2} MB, algorithm bandwidth {bytes / (best * 1e-3) / 1e9:F2} GB/s, bus bandwidth {busGBs:F2} GB/s" : ""));
        }
    }
}
