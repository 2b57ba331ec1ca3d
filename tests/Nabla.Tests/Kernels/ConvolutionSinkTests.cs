using Nabla.Autodiff;
using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary>A convolution handing its output to a max pooling block by block (<see cref="Convolution.ForwardInto"/>), against the two passes apart.</summary>
[Collection(KernelSettingsCollection.Name)]
public sealed unsafe class ConvolutionSinkTests : IDisposable
{
    // (convolution, pool height, pool width): W5's two layers (single-channel and window kernels) at batches 1 and 3, a
    // valid convolution whose odd output width leaves a column out of the pooling, a 3 × 3 pool, a 2 × 4 pool, a strided
    // convolution, and a convolution whose output height is not a multiple of the pool's (not streamed). The window
    // kernel hands small outputs (fewer than eight blocks of whole pool rows: W5's second layer at batch 1, the small
    // cases) to the pooling whole, and larger ones (the same layer at batch 3) block by block.
    private static readonly (Conv2DGeometry Conv, int PoolHeight, int PoolWidth)[] Cases =
    [
        (Conv2DGeometry.Create(3, 28, 28, 1, 32, 3, 3, PaddingMode.Same), 2, 2),
        (Conv2DGeometry.Create(1, 28, 28, 1, 32, 3, 3, PaddingMode.Same), 2, 2),
        (Conv2DGeometry.Create(3, 14, 14, 32, 64, 3, 3, PaddingMode.Same), 2, 2),
        (Conv2DGeometry.Create(1, 14, 14, 32, 64, 3, 3, PaddingMode.Same), 2, 2),
        (Conv2DGeometry.Create(2, 12, 9, 5, 20, 3, 3, PaddingMode.Valid), 2, 2),
        (Conv2DGeometry.Create(2, 9, 9, 8, 16, 3, 3, PaddingMode.Same), 3, 3),
        (Conv2DGeometry.Create(3, 6, 8, 1, 8, 2, 2, PaddingMode.Same), 2, 4),
        (Conv2DGeometry.Create(2, 16, 16, 6, 16, 3, 3, PaddingMode.Same, 2, 2), 2, 2),
        (Conv2DGeometry.Create(2, 7, 7, 8, 8, 3, 3, PaddingMode.Same), 2, 2),
    ];

    public ConvolutionSinkTests() => KernelPaths.Reset();

    public void Dispose() => KernelPaths.Reset();

    public static TheoryData<string, int, string> PathsThreadsAlgorithms()
    {
        var data = new TheoryData<string, int, string>();
        foreach (string path in KernelPaths.Supported)
        {
            foreach (int threads in KernelPaths.Threads)
            {
                foreach (string algorithm in new[] { "Auto", "SingleChannel", "WindowRows", "Im2Col" })
                    data.Add(path, threads, algorithm);
            }
        }

        return data;
    }

    // Where the algorithm can stream, the pooled output is the same bits as convolving, activating and pooling apart (and
    // with indices, the same indices), and every output and nothing past it is written; where it cannot, nothing is
    // computed.
    [Theory]
    [MemberData(nameof(PathsThreadsAlgorithms))]
    public void Streaming_into_a_max_pooling_equals_the_passes_apart(string path, int threads, string algorithm)
    {
        KernelPaths.Use(path, threads);
        Convolution.ForcedAlgorithm = Enum.Parse<ConvolutionAlgorithm>(algorithm);
        int index = 0, streamed = 0;
        foreach ((Conv2DGeometry g, int ph, int pw) in Cases)
        {
            var pool = Pool2DGeometry.Create(g.Batch, g.OutputHeight, g.OutputWidth, g.OutputChannels, ph, pw, ph, pw, PaddingMode.Valid);
            float[] x = ConvReference.Random(g.InputLength, 1), w = ConvReference.Random(g.KernelLength, 2);
            float[] b = index++ % 2 == 0 ? ConvReference.Random(g.OutputChannels, 3) : [];
            string what = $"{g}, pool {ph}×{pw} ({path}, {threads} threads, {algorithm})";

            float[] y = new float[g.OutputLength], expected = new float[pool.OutputLength];
            Convolution.Forward(g, x, w, b, y, ActivationTable.Relu);
            Pooling.MaxForward(pool, y, expected, default);

            float[] fused = Enumerable.Repeat(float.NaN, pool.OutputLength + 3).ToArray();
            bool can = Convolution.CanStreamForward(g, ph) && Pooling.CanPoolBlocks(pool);
            bool done;
            fixed (float* py = fused)
                done = Convolution.ForwardInto(g, x, w, b, ActivationTable.Relu, Pooling.MaxPoolSink.Start(pool, py));
            Assert.Equal(can, done);
            if (!done)
            {
                Assert.All(fused, v => Assert.True(float.IsNaN(v), $"nothing is written when not streamed: {what}"));
                continue;
            }

            streamed++;
            Assert.True(expected.AsSpan().SequenceEqual(fused.AsSpan(0, pool.OutputLength)), $"pooled output differs: {what}");
            Assert.All(fused[pool.OutputLength..], v => Assert.True(float.IsNaN(v), $"written past the output: {what}"));

            // With indices (training): the values and the flat indices into the whole output that MaxForward gives.
            int[] expectedIndices = new int[pool.OutputLength];
            Pooling.MaxForward(pool, y, expected, expectedIndices);
            int[] indices = Enumerable.Repeat(-1, pool.OutputLength + 3).ToArray();
            fused.AsSpan().Fill(float.NaN);
            fixed (float* py = fused)
            fixed (int* pa = indices)
                Assert.True(Convolution.ForwardInto(g, x, w, b, ActivationTable.Relu, Pooling.MaxPoolSink.Start(pool, py, pa)));
            Assert.True(expected.AsSpan().SequenceEqual(fused.AsSpan(0, pool.OutputLength)), $"pooled output with indices differs: {what}");
            Assert.Equal(expectedIndices, indices[..pool.OutputLength]);
            Assert.All(indices[pool.OutputLength..], i => Assert.Equal(-1, i));
            Assert.All(fused[pool.OutputLength..], v => Assert.True(float.IsNaN(v), $"written past the output: {what}"));
        }

        // The single-channel cases stream unless Im2Col or WindowRows is forced (WindowRows takes them where it runs); the
        // others where WindowRows runs, on the AVX2 and AVX-512 paths.
        bool windows = Gemm.ActivePath is GemmPath.Avx2 or GemmPath.Avx512 && algorithm != "SingleChannel";
        int expectedStreamed = algorithm switch
        {
            "Im2Col" => 0,
            "WindowRows" => windows ? 8 : 0,
            "SingleChannel" => 3,
            _ => windows ? 8 : 3,
        };
        Assert.Equal(expectedStreamed, streamed);
    }

    [Fact]
    public void Only_pools_that_tile_whole_rows_take_blocks()
    {
        Assert.True(Pooling.CanPoolBlocks(Pool2DGeometry.Create(2, 28, 28, 32, 2, 2, 2, 2, PaddingMode.Valid)));
        Assert.True(Pooling.CanPoolBlocks(Pool2DGeometry.Create(2, 28, 27, 32, 2, 2, 2, 2, PaddingMode.Valid)));
        Assert.True(Pooling.CanPoolBlocks(Pool2DGeometry.Create(2, 28, 28, 32, 2, 2, 2, 2, PaddingMode.Same)));
        Assert.False(Pooling.CanPoolBlocks(Pool2DGeometry.Create(2, 27, 28, 32, 2, 2, 2, 2, PaddingMode.Valid)));
        Assert.False(Pooling.CanPoolBlocks(Pool2DGeometry.Create(2, 28, 28, 32, 3, 3, 2, 2, PaddingMode.Valid)));
        Assert.False(Pooling.CanPoolBlocks(Pool2DGeometry.Create(2, 28, 28, 32, 2, 2, 1, 1, PaddingMode.Valid)));
        Assert.False(Pooling.CanPoolBlocks(Pool2DGeometry.Create(2, 27, 27, 32, 2, 2, 2, 2, PaddingMode.Same)));
        Assert.False(Pooling.CanPoolBlocks(Pool2DGeometry.Create(2, 28, 27, 32, 2, 2, 2, 2, PaddingMode.Same)));
    }
}
