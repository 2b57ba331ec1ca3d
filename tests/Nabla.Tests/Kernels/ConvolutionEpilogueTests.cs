using Nabla.Autodiff;
using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary>The activation a convolution fuses into its forward pass (<see cref="IRowEpilogue"/>), on every path, thread count and algorithm.</summary>
[Collection(KernelSettingsCollection.Name)]
public sealed class ConvolutionEpilogueTests : IDisposable
{
    public ConvolutionEpilogueTests() => KernelPaths.Reset();

    public void Dispose() => KernelPaths.Reset();

    // Fused, the epilogue gives the same bits as applied to the finished output, and it only ever sees whole rows of
    // the output's channels (softmax, row-wise, would be wrong on a cut row), each row exactly once.
    [Theory]
    [MemberData(nameof(ConvolutionTests.PathsThreadsAlgorithms), MemberType = typeof(ConvolutionTests))]
    public void A_fused_epilogue_equals_applying_it_afterwards(string path, int threads, string algorithm)
    {
        KernelPaths.Use(path, threads);
        Convolution.ForcedAlgorithm = Enum.Parse<ConvolutionAlgorithm>(algorithm);
        int index = 0;
        foreach (ConvCase c in ConvolutionTests.Cases())
        {
            Conv2DGeometry g = ConvolutionTests.Geometry(c);
            float[] x = ConvReference.Random(c.InputLength, 1), w = ConvReference.Random(c.KernelLength, 2);
            float[] b = index % 2 == 0 ? ConvReference.Random(c.Filters, 3) : [];
            ActivationDescriptor activation = index++ % 3 == 0 ? ActivationTable.Softmax : ActivationTable.Relu;
            string what = $"{c} ({path}, {threads} threads, {algorithm}, {activation.Name})";

            float[] expected = new float[c.OutputLength];
            Convolution.Forward(g, x, w, b, expected);
            ((IRowEpilogue)activation).Apply(expected, c.Filters);

            float[] fused = new float[c.OutputLength];
            var recorder = new RowRecorder(activation, fused, c.Filters);
            Convolution.Forward(g, x, w, b, fused, recorder);
            if (activation == ActivationTable.Softmax && path != KernelPaths.Supported[0] && threads > 1)
            {
                // A narrower SIMD path is forced on the calling thread only (Simd.Forced), so softmax's exponentials on
                // the worker threads take the widest path: equal to rounding, not to the bit.
                for (int i = 0; i < expected.Length; i++)
                    Assert.True(Math.Abs(expected[i] - fused[i]) <= 1e-6f * Math.Abs(expected[i]), $"fused epilogue, value {i}: {expected[i]} vs {fused[i]}, {what}");
            }
            else
            {
                Assert.True(expected.AsSpan().SequenceEqual(fused), $"fused epilogue differs: {what}");
            }

            Assert.True(recorder.EveryRowOnce(out string problem), $"{problem}: {what}");
        }
    }

    // ReLU itself (IsRelu) may be applied by a kernel as it stores its sums (the single-channel and window kernels do):
    // the same bits as the epilogue's pass over the finished rows, NaN and infinities in the input included.
    [Theory]
    [MemberData(nameof(ConvolutionTests.PathsThreadsAlgorithms), MemberType = typeof(ConvolutionTests))]
    public void Relu_applied_as_the_sums_are_stored_equals_its_pass_afterwards(string path, int threads, string algorithm)
    {
        KernelPaths.Use(path, threads);
        Convolution.ForcedAlgorithm = Enum.Parse<ConvolutionAlgorithm>(algorithm);
        Assert.True(((IRowEpilogue)ActivationTable.Relu).IsRelu);
        Assert.False(((IRowEpilogue)ActivationTable.Softmax).IsRelu);
        int index = 0;
        foreach (ConvCase c in ConvolutionTests.Cases())
        {
            Conv2DGeometry g = ConvolutionTests.Geometry(c);
            float[] x = ConvReference.Random(c.InputLength, 1), w = ConvReference.Random(c.KernelLength, 2);
            float[] b = index++ % 2 == 0 ? ConvReference.Random(c.Filters, 3) : [];
            x[0] = float.NaN;
            x[x.Length / 2] = float.PositiveInfinity;
            x[^1] = float.NegativeInfinity;

            float[] expected = new float[c.OutputLength];
            Convolution.Forward(g, x, w, b, expected);
            ((IRowEpilogue)ActivationTable.Relu).Apply(expected, c.Filters);
            float[] fused = new float[c.OutputLength];
            Convolution.Forward(g, x, w, b, fused, ActivationTable.Relu);
            int first = Enumerable.Range(0, expected.Length).FirstOrDefault(i => BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(fused[i]), -1);
            Assert.True(first < 0, $"{c} ({path}, {threads} threads, {algorithm}): value {first} is {(first < 0 ? 0 : fused[first])}, the pass after gives {(first < 0 ? 0 : expected[first])}");
        }
    }

    // Applies an activation and counts, per output row (pixel), how many calls covered it; calls come from several
    // threads at once.
    private sealed unsafe class RowRecorder(ActivationDescriptor activation, float[] output, int cols) : IRowEpilogue
    {
        private readonly int[] _seen = new int[output.Length / cols];
        private int _cutRows;

        public void Apply(Span<float> rows, int calledCols)
        {
            fixed (float* start = output, p = rows)
            {
                long offset = p - start;
                if (calledCols != cols || rows.Length % cols != 0 || offset % cols != 0 || offset < 0 || offset + rows.Length > output.Length)
                {
                    Interlocked.Increment(ref _cutRows);
                }
                else
                {
                    for (long r = offset / cols; r < (offset + rows.Length) / cols; r++)
                        Interlocked.Increment(ref _seen[r]);
                }
            }

            ((IRowEpilogue)activation).Apply(rows, calledCols);
        }

        public bool EveryRowOnce(out string problem)
        {
            int cut = Volatile.Read(ref _cutRows), wrong = Array.FindIndex(_seen, n => n != 1);
            problem = cut > 0 ? $"{cut} calls were not whole rows of the output" : wrong >= 0 ? $"row {wrong} seen {_seen[wrong]} times" : "";
            return cut == 0 && wrong < 0;
        }
    }
}
