using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

// A small convolution's packed kernel is kept per thread between calls (PackedKernelCache) and must never outlive the
// bits it was packed from: a weight or bias written in place, the same array read as another shape, more kernels than
// the cache keeps, and threads that each write their own weights between calls.
[Collection(KernelSettingsCollection.Name)]
public sealed class PackedKernelCacheTests : IDisposable
{
    // W5's second layer at batch 1 (the case the cache is for) and a small one whose array doubles as a narrower kernel.
    private static readonly ConvCase Second = new(1, 14, 14, 32, 64, 3, 3, true, 1, 1, 1);
    private static readonly ConvCase Small = new(1, 6, 5, 8, 16, 3, 3, true, 1, 1, 1);

    public PackedKernelCacheTests() => KernelPaths.Reset();

    public static TheoryData<string, string> PathsAlgorithms()
    {
        var data = new TheoryData<string, string>();
        foreach (string path in KernelPaths.Supported)
        {
            foreach (string algorithm in new[] { nameof(ConvolutionAlgorithm.Direct), nameof(ConvolutionAlgorithm.WindowRows), nameof(ConvolutionAlgorithm.Auto) })
            {
                if (algorithm != nameof(ConvolutionAlgorithm.WindowRows) || path is nameof(GemmPath.Avx2) or nameof(GemmPath.Avx512))
                    data.Add(path, algorithm);
            }
        }

        return data;
    }

    public void Dispose() => KernelPaths.Reset();

    [Theory]
    [MemberData(nameof(PathsAlgorithms))]
    public void A_kept_kernel_serves_only_the_bits_it_was_packed_from(string path, string algorithm)
    {
        KernelPaths.Use(path, Environment.ProcessorCount);
        Convolution.ForcedAlgorithm = Enum.Parse<ConvolutionAlgorithm>(algorithm);
        Conv2DGeometry g = Geometry(Second);
        float[] x = ConvReference.Random(Second.InputLength, 1), w = ConvReference.Random(Second.KernelLength, 2), b = ConvReference.Random(64, 3);
        float[] first = Forward(g, x, w, b);
        CheckAgainstReference(Second, x, w, b, first, "first call");
        Assert.Equal(Bits(first), Bits(Forward(g, x, w, b)));

        // One weight in the middle of the last panel, then one bias, each written in place between calls.
        w[Second.KernelLength - 40] += 0.5f;
        CheckAgainstReference(Second, x, w, b, Forward(g, x, w, b), "after a weight changed in place");
        b[63] -= 0.25f;
        CheckAgainstReference(Second, x, w, b, Forward(g, x, w, b), "after the bias changed in place");

        // Back to the first bits, and the same kernel without its bias.
        w[Second.KernelLength - 40] -= 0.5f;
        b[63] += 0.25f;
        Assert.Equal(Bits(first), Bits(Forward(g, x, w, b)));
        CheckAgainstReference(Second, x, w, null, Forward(g, x, w, null), "without the bias");
    }

    // The same array as a kernel of 16 filters, then (its first half) as one of 8: the shape is part of what was kept.
    [Fact]
    public void An_array_read_as_another_shape_is_packed_again()
    {
        KernelPaths.Use(nameof(GemmPath.Auto), Environment.ProcessorCount);
        ConvCase narrow = Small with { Filters = 8 };
        float[] x = ConvReference.Random(Small.InputLength, 4), w = ConvReference.Random(Small.KernelLength, 5);
        CheckAgainstReference(Small, x, w, null, Forward(Geometry(Small), x, w, null), "16 filters");
        CheckAgainstReference(narrow, x, w.AsSpan(0, narrow.KernelLength).ToArray(), null, Forward(Geometry(narrow), x, w, null), "8 filters");
        CheckAgainstReference(Small, x, w, null, Forward(Geometry(Small), x, w, null), "16 filters again");
    }

    // One array as two kernels with the same number of floats and the same packed size but another layout: 2 input
    // channels and 32 filters (depth 18), then 4 input channels and 16 filters (depth 36). The packed panels differ, so
    // the second must not be served the first's.
    [Theory]
    [MemberData(nameof(PathsAlgorithms))]
    public void Kernels_of_one_size_but_another_layout_are_packed_again(string path, string algorithm)
    {
        KernelPaths.Use(path, Environment.ProcessorCount);
        Convolution.ForcedAlgorithm = Enum.Parse<ConvolutionAlgorithm>(algorithm);
        ConvCase wide = new(1, 6, 5, 2, 32, 3, 3, true, 1, 1, 1), deep = new(1, 6, 5, 4, 16, 3, 3, true, 1, 1, 1);
        Assert.Equal(wide.KernelLength, deep.KernelLength);
        float[] w = ConvReference.Random(wide.KernelLength, 12);
        float[] xWide = ConvReference.Random(wide.InputLength, 13), xDeep = ConvReference.Random(deep.InputLength, 14);
        CheckAgainstReference(wide, xWide, w, null, Forward(Geometry(wide), xWide, w, null), "2 channels, 32 filters");
        CheckAgainstReference(deep, xDeep, w, null, Forward(Geometry(deep), xDeep, w, null), "4 channels, 16 filters");
    }

    // Twice as many kernels as the cache keeps, in turn, twice: every call gives the first round's bits.
    [Fact]
    public void More_kernels_than_the_cache_keeps_are_each_packed_again()
    {
        KernelPaths.Use(nameof(GemmPath.Auto), Environment.ProcessorCount);
        Conv2DGeometry g = Geometry(Small);
        float[] x = ConvReference.Random(Small.InputLength, 6);
        float[][] kernels = [.. Enumerable.Range(0, 2 * PackedKernelCache.Entries).Select(i => ConvReference.Random(Small.KernelLength, 100 + i))];
        float[][] expected = [.. kernels.Select(w => Forward(g, x, w, null))];
        for (int i = 0; i < kernels.Length; i++)
            CheckAgainstReference(Small, x, kernels[i], null, expected[i], $"kernel {i}");
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < kernels.Length; i++)
                Assert.Equal(Bits(expected[i]), Bits(Forward(g, x, kernels[i], null)));
        }
    }

    // Threads calling at once, each writing one of two kernels into its own array between calls (so the array is the
    // same and the bits are not), and all reading one shared array: every result equals the serial one.
    [Fact]
    public void Threads_each_keep_their_own_kernels()
    {
        KernelPaths.Use(nameof(GemmPath.Auto), 1);
        Conv2DGeometry g = Geometry(Small);
        float[] x = ConvReference.Random(Small.InputLength, 7), shared = ConvReference.Random(Small.KernelLength, 8);
        float[][] pair = [ConvReference.Random(Small.KernelLength, 9), ConvReference.Random(Small.KernelLength, 10)];
        float[][] expected = [Forward(g, x, pair[0], null), Forward(g, x, pair[1], null)];
        float[] expectedShared = Forward(g, x, shared, null);
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        System.Threading.Tasks.Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
        {
            float[] own = new float[Small.KernelLength];
            for (int i = 0; i < 200; i++)
            {
                int which = (i + t) % 2;
                pair[which].CopyTo(own, 0);
                if (!Bits(Forward(g, x, own, null)).SequenceEqual(Bits(expected[which])))
                    failures.Add($"thread {t}, call {i}: kernel {which}");
                if (!Bits(Forward(g, x, shared, null)).SequenceEqual(Bits(expectedShared)))
                    failures.Add($"thread {t}, call {i}: shared kernel");
            }
        });
        Assert.Empty(failures);
    }

    // A warm batch-1 call with its kernel kept allocates nothing, as before the cache.
    [Fact]
    public void Warm_calls_with_a_kept_kernel_do_not_allocate()
    {
        KernelPaths.Use(nameof(GemmPath.Auto), Environment.ProcessorCount);
        Conv2DGeometry g = Geometry(Second);
        float[] x = new float[Second.InputLength], w = new float[Second.KernelLength], b = new float[64], y = new float[Second.OutputLength];
        AllocationAssert.DoesNotAllocate(() =>
        {
            Convolution.Forward(g, x, w, b, y);
            w[0] += 1f;   // repacked into the same entry
            Convolution.Forward(g, x, w, b, y);
        });
    }

    private static Conv2DGeometry Geometry(ConvCase c) => ConvolutionTests.Geometry(c);

    private static float[] Forward(in Conv2DGeometry g, float[] x, float[] w, float[]? b)
    {
        float[] y = new float[g.OutputLength];
        Convolution.Forward(g, x, w.AsSpan(0, g.KernelLength), b, y);
        return y;
    }

    private static void CheckAgainstReference(ConvCase c, float[] x, float[] w, float[]? b, float[] y, string what) =>
        ConvReference.AssertClose(ConvReference.Forward(c, x, w, b), y, (1e-5 * c.KH * c.KW * c.C) + 1e-6, 1e-4, what);

    private static int[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];
}
