namespace Nabla.Distributed.MpiChecks;

/// <summary>Correctness of the collectives against values every rank can compute: each rank's contribution is a function of its rank.</summary>
internal static class CollectiveChecks
{
    /// <summary>Rank, size and library: the singleton-mode check runs this without a launcher.</summary>
    public static void Info(string[] args)
    {
        using Communicator world = Mpi.Initialize(Scenarios.Timeout(args));
        Log.Line(world, $"size {world.Size} root {world.IsRoot} implementation {world.Implementation}");
        float[] one = [world.Rank + 1f];
        world.AllReduce(one);
        world.Barrier();
        Log.Line(world, $"sum {one[0]}");
    }

    /// <summary>Every rank forgets to dispose its communicator: the ranks meet at exit and finalize, and the job succeeds.</summary>
    public static void ForgetDispose(string[] args)
    {
        Communicator world = Mpi.Initialize(Scenarios.Timeout(args));
        float[] one = [1f];
        world.AllReduce(one);
        Log.Line(world, $"sum {one[0]}, leaving without Dispose");
    }

    public static void Collectives(string[] args)
    {
        using Communicator world = Mpi.Initialize(Scenarios.Timeout(args));
        int p = world.Size, r = world.Rank;
        Log.Line(world, $"size {p} implementation {world.Implementation}");

        // 4 MB all-reduce: element i of rank r is (i % 1000) + r, so the sum is p·(i % 1000) + p(p−1)/2, exact in float.
        const int N = 1 << 20;
        float[] big = new float[N];
        for (int i = 0; i < N; i++)
        {
            big[i] = (i % 1000) + r;
        }

        world.AllReduce(big);
        for (int i = 0; i < N; i++)
        {
            Log.Require(big[i] == (p * (i % 1000)) + (p * (p - 1) / 2f), $"sum at {i}: {big[i]}");
        }

        Log.Pass(world, "allreduce sum float 4 MB");

        // Sums that round: every rank must still get the same bits, or weights updated from them would drift apart.
        var random = new System.Random(1234 + r);
        float[] noisy = Enumerable.Range(0, 300_001).Select(_ => (float)(random.NextDouble() * 2 - 1) * 1e3f).ToArray();
        world.AllReduce(noisy);
        float[] rootCopy = (float[])noisy.Clone();
        world.Broadcast(rootCopy);
        Log.Require(noisy.AsSpan().SequenceEqual(rootCopy), "all-reduce results are bit-identical on every rank");
        Log.Pass(world, "allreduce results bit-identical on every rank");

        double[] d = [r, -r, 0.5 * r];
        world.AllReduce(d, ReduceOp.Max);
        Log.Require(d[0] == p - 1 && d[1] == 0 && d[2] == 0.5 * (p - 1), $"max {string.Join(", ", d)}");
        float[] f = [r, -r];
        world.AllReduce(f, ReduceOp.Min);
        Log.Require(f[0] == 0 && f[1] == -(p - 1), $"min {string.Join(", ", f)}");
        Log.Pass(world, "allreduce max double, min float");

        int root = p - 1;
        float[] b = Enumerable.Range(0, 1000).Select(i => world.Rank == root ? i * 0.5f : -1f).ToArray();
        world.Broadcast(b, root);
        Log.Require(b.Select((v, i) => v == i * 0.5f).All(x => x), "broadcast from the last rank");
        double[] bd = [r == 0 ? Math.PI : 0];
        world.Broadcast(bd);
        Log.Require(bd[0] == Math.PI, "broadcast double from 0");
        Log.Pass(world, "broadcast");

        float[] mine = [r * 10f, (r * 10f) + 1];
        float[] all = new float[2 * p];
        world.AllGather(mine, all);
        for (int q = 0; q < p; q++)
        {
            Log.Require(all[2 * q] == q * 10f && all[(2 * q) + 1] == (q * 10f) + 1, $"allgather rank {q}");
        }

        Log.Pass(world, "allgather");

        // Rank q sends q + 1 values 100q + k (rank 0 of 3 would send 1); a rank with 0 rows also works.
        float[] part = Enumerable.Range(0, r == 1 ? 0 : r + 1).Select(k => (100f * r) + k).ToArray();
        int expectedTotal = Enumerable.Range(0, p).Sum(q => q == 1 ? 0 : q + 1);
        float[] gathered = new float[expectedTotal + 5];
        int[] counts = new int[p];
        int total = world.AllGatherV(part, gathered, counts);
        Log.Require(total == expectedTotal, $"allgatherv total {total}");
        int at = 0;
        for (int q = 0; q < p; q++)
        {
            Log.Require(counts[q] == (q == 1 ? 0 : q + 1), $"allgatherv count of rank {q}: {counts[q]}");
            for (int k = 0; k < counts[q]; k++)
            {
                Log.Require(gathered[at++] == (100f * q) + k, $"allgatherv value {k} of rank {q}");
            }
        }

        double[] dpart = [r + 0.25];
        double[] dall = new double[p];
        world.AllGatherV(dpart, dall, counts);
        Log.Require(dall.Select((v, q) => v == q + 0.25).All(x => x), "allgatherv double");
        Log.Pass(world, "allgatherv");

        world.Barrier();
        world.VerifySameOnAllRanks("the model", "Sequential[Dense(512), Dense(10)] batch=64");
        Log.Pass(world, "barrier and matching fingerprints");
        Log.Line(world, "ALL OK");
    }

    public static void Buckets(string[] args)
    {
        using Communicator world = Mpi.Initialize(Scenarios.Timeout(args));
        int p = world.Size, r = world.Rank;

        // Uneven lengths, an empty gradient, and gradients longer than the 64 KB bucket (reduced where they lie): 5 buckets.
        int[] lengths = [1, 7, 1000, 17, 30_000, 0, 65, 200_000, 3, 16_383, 16_384];
        var buckets = new GradientBuckets(world, lengths, bucketBytes: 64 * 1024);
        float[][] grads = lengths.Select(n => new float[n]).ToArray();
        Memory<float>[] memory = grads.Select(g => new Memory<float>(g)).ToArray();

        // Gradient i, element j on rank r is (r + 1)·((j % 7) + i): the mean over the ranks is ((p + 1) / 2)·((j % 7) + i).
        void Fill()
        {
            for (int i = 0; i < grads.Length; i++)
            {
                for (int j = 0; j < grads[i].Length; j++)
                {
                    grads[i][j] = (r + 1) * ((j % 7) + i);
                }
            }
        }

        void Expect(Func<int, int, float> value, string what)
        {
            for (int i = 0; i < grads.Length; i++)
            {
                for (int j = 0; j < grads[i].Length; j++)
                {
                    Log.Require(grads[i][j] == value(i, j), $"{what}: gradient {i} element {j} is {grads[i][j]}, expected {value(i, j)}");
                }
            }
        }

        Fill();
        buckets.AllReduceAverage(memory);
        Expect((i, j) => (p + 1) / 2f * ((j % 7) + i), "average");
        Fill();
        buckets.AllReduceSum(memory);
        Expect((i, j) => p * (p + 1) / 2f * ((j % 7) + i), "sum");
        Log.Pass(world, $"bucketed allreduce over {lengths.Length} gradients in {buckets.BucketCount} buckets");

        for (int i = 0; i < 5; i++)
        {
            buckets.AllReduceAverage(memory);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            buckets.AllReduceAverage(memory);
            world.AllReduce(grads[2]);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Log.Line(world, $"allocated {allocated} bytes in 20 warm steps");
        Log.Require(allocated == 0, $"warm steps allocate nothing, but allocated {allocated} bytes");
        Log.Pass(world, "no allocation when warm");

        // A rank whose gradients do not match the plan fails its own checks; the others learn which rank it was.
        Memory<float>[] wrong = r == p - 1 ? memory[..^1] : memory;
        try
        {
            buckets.AllReduceAverage(wrong);
            Log.Require(false, "a wrong gradient list must throw");
        }
        catch (ArgumentException e) when (r == p - 1)
        {
            Log.Line(world, $"CAUGHT {e.GetType().Name}: {e.Message}");
        }
        catch (RankFailedException e) when (r != p - 1)
        {
            Log.Line(world, $"CAUGHT {e.GetType().Name}: {e.Message}");
        }

        buckets.AllReduceAverage(memory);
        Log.Line(world, "ALL OK");
    }

    /// <summary>Disagreements every rank detects together: a fingerprint, a count, a root; the communicator stays usable.</summary>
    public static void Mismatch(string[] args)
    {
        using Communicator world = Mpi.Initialize(Scenarios.Timeout(args));
        int r = world.Rank, last = world.Size - 1;
        void Expect<T>(Action call, string name)
            where T : Exception
        {
            try
            {
                call();
                Log.Require(false, $"{name} must throw");
            }
            catch (T e)
            {
                Log.Line(world, $"CAUGHT {name} {e.GetType().Name}: {e.Message}");
            }
        }

        Expect<RankMismatchException>(
            () => world.VerifySameOnAllRanks("the model and batch size", $"Sequential[Dense(512), Dense(10)] batch={(r == last ? 32 : 64)}"),
            "fingerprint");
        Expect<RankMismatchException>(() => world.AllReduce(new float[r == last ? 11 : 10]), "count");
        if (r == last)
        {
            Expect<ArgumentOutOfRangeException>(() => world.Broadcast(new float[3], root: 5), "root");
        }
        else
        {
            Expect<RankFailedException>(() => world.Broadcast(new float[3], root: 0), "root");
        }

        float[] one = [1f];
        world.AllReduce(one);
        Log.Require(one[0] == world.Size, "usable after the mismatches");
        Log.Line(world, "ALL OK");
    }
}
