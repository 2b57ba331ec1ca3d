using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Nabla.Onnx;
using Nabla.Workloads.Reporting;

namespace Nabla.Workloads;

/// <summary>
/// W8: serving latency. One Fashion-MNIST image at a time through <c>Predict(x, verbose: 0)</c>, for W4's MLP and
/// W5's CNN, against ONNX Runtime running the file <c>ExportOnnx</c> wrote for the same model, in the same process.
/// </summary>
/// <remarks>
/// <para>
/// Both models are freshly initialised (seeded Glorot-uniform kernels, zero biases), not trained: neither framework's
/// arithmetic depends on the weight values (no sparse or early-exit paths), so training would only lengthen the run.
/// Before timing, ONNX Runtime's answer is checked against <c>Predict</c>'s (to 1e-4), so that both run the same model.
/// </para>
/// <para>
/// ONNX Runtime gets its fast path: graph optimisations at <c>ORT_ENABLE_ALL</c>, sequential execution, one inter-op
/// thread, the input and output <see cref="OrtValue"/>s created once over pinned arrays and bound once
/// (<see cref="OrtIoBinding"/>), so that a call is <c>RunWithBinding</c> alone; it runs twice, with 1 and with 2
/// intra-op threads, and the goal compares with the faster of the two. Nabla runs as a user calls it, with its own
/// thread pool (every core).
/// </para>
/// <para>
/// After a warm-up of every contender, the calls are timed one by one in interleaved blocks (Nabla, ORT 1 thread, ORT
/// 2 threads, repeated), so that a slow spell on a shared machine falls on all three alike; p50 and p99 are over all
/// the calls of each. Allocation is the process's allocated bytes (every thread, precise) over Nabla's timed calls,
/// per call; ORT's managed allocation per call is reported the same way.
/// </para>
/// </remarks>
internal sealed class ServingWorkload() : Workload("serving", "w8",
    $"batch-1 Predict(x, verbose: 0) of W4's MLP (784-128-10) and W5's CNN, freshly initialised, on a Fashion-MNIST test image: " +
    $"p50 and p99 latency over {Calls:N0} calls each (--quick: {QuickCalls:N0}) after a warm-up, against ONNX Runtime " +
    "(IoBinding over preallocated OrtValues, 1 and 2 intra-op threads) running the ExportOnnx file in the same process")
{
    private const int Calls = 10_000;
    private const int QuickCalls = 1_000;
    private const int Blocks = 10;

    protected override WorkloadResult Execute(RunnerOptions options)
    {
        var (_, test) = TutorialData.FashionMnistScaled;
        float[] image = test.X[..1].ToArray();
        int calls = options.Quick ? QuickCalls : Calls;
        var figures = new List<Figure>();
        figures.AddRange(Measure("W4 MLP", FashionMlpWorkload.CreateModel(), image, calls));
        figures.AddRange(Measure("W5 CNN", FashionCnnWorkload.CreateModel(), image, calls));
        return Result($"{calls:N0} timed calls per contender in {Blocks} interleaved blocks, after {Math.Max(calls / 10, 100):N0} warm-up calls each", figures);
    }

    private static List<Figure> Measure(string label, Model model, float[] image, int calls)
    {
        Tensor x = Tensor.FromArray((float[])image.Clone(), 1, 28, 28, 1);
        string path = Path.Combine(Path.GetTempPath(), $"nabla-w8-{Environment.ProcessId}-{label.Replace(' ', '-')}.onnx");
        model.ExportOnnx(path);
        try
        {
            Tensor expected = model.Predict(x, verbose: 0);
            using var ort1 = new OrtContender(path, image, expected.Size, intraOpThreads: 1);
            using var ort2 = new OrtContender(path, image, expected.Size, intraOpThreads: 2);
            ort1.Check(expected.ToArray(), label);
            ort2.Check(expected.ToArray(), label);

            var nabla = new long[calls];
            var onnx1 = new long[calls];
            var onnx2 = new long[calls];
            int warmUp = Math.Max(calls / 10, 100);
            for (int i = 0; i < warmUp; i++)
            {
                model.Predict(x, verbose: 0);
                ort1.Run();
                ort2.Run();
            }

            long nablaBytes = 0, ortBytes = 0;
            int perBlock = calls / Blocks;
            for (int block = 0; block < Blocks; block++)
            {
                int from = block * perBlock, to = block == Blocks - 1 ? calls : from + perBlock;
                long before = GC.GetTotalAllocatedBytes(precise: true);
                for (int i = from; i < to; i++)
                {
                    long start = Stopwatch.GetTimestamp();
                    model.Predict(x, verbose: 0);
                    nabla[i] = Stopwatch.GetTimestamp() - start;
                }

                nablaBytes += GC.GetTotalAllocatedBytes(precise: true) - before;
                before = GC.GetTotalAllocatedBytes(precise: true);
                for (int i = from; i < to; i++)
                {
                    long start = Stopwatch.GetTimestamp();
                    ort1.Run();
                    onnx1[i] = Stopwatch.GetTimestamp() - start;
                }

                ortBytes += GC.GetTotalAllocatedBytes(precise: true) - before;
                for (int i = from; i < to; i++)
                {
                    long start = Stopwatch.GetTimestamp();
                    ort2.Run();
                    onnx2[i] = Stopwatch.GetTimestamp() - start;
                }
            }

            (double nablaP50, double nablaP99) = Percentiles(nabla);
            (double ort1P50, double ort1P99) = Percentiles(onnx1);
            (double ort2P50, double ort2P99) = Percentiles(onnx2);
            double ortBest = Math.Min(ort1P50, ort2P50);
            string bestThreads = ort1P50 <= ort2P50 ? "1 thread" : "2 threads";
            return
            [
                new Figure($"{label}: Predict p50", nablaP50, Units.Microseconds),
                new Figure($"{label}: Predict p99", nablaP99, Units.Microseconds),
                new Figure($"{label}: ONNX Runtime p50, 1 intra-op thread", ort1P50, Units.Microseconds),
                new Figure($"{label}: ONNX Runtime p99, 1 intra-op thread", ort1P99, Units.Microseconds),
                new Figure($"{label}: ONNX Runtime p50, 2 intra-op threads", ort2P50, Units.Microseconds),
                new Figure($"{label}: ONNX Runtime p99, 2 intra-op threads", ort2P99, Units.Microseconds),
                new Figure($"{label}: Predict p50 / ONNX Runtime's best p50 ({bestThreads})", nablaP50 / ortBest, Units.None, Goal.AtMost(1.0)),
                new Figure($"{label}: allocated per Predict", (double)nablaBytes / calls, Units.Bytes),
                new Figure($"{label}: ONNX Runtime managed allocation per run (1 thread)", (double)ortBytes / calls, Units.Bytes),
            ];
        }
        finally
        {
            File.Delete(path);
        }
    }

    // The median and the 99th percentile (nearest rank) of Stopwatch tick counts, in microseconds.
    private static (double P50, double P99) Percentiles(long[] ticks)
    {
        long[] sorted = (long[])ticks.Clone();
        Array.Sort(sorted);
        double Micro(long t) => t * 1e6 / Stopwatch.Frequency;
        return (Micro(sorted[(sorted.Length - 1) / 2]), Micro(sorted[(int)Math.Ceiling(0.99 * sorted.Length) - 1]));
    }

    /// <summary>One ONNX Runtime session with its input and output bound once over preallocated arrays.</summary>
    private sealed class OrtContender : IDisposable
    {
        private readonly SessionOptions _options;
        private readonly InferenceSession _session;
        private readonly RunOptions _runOptions = new();
        private readonly OrtValue _input;
        private readonly OrtValue _output;
        private readonly OrtIoBinding _binding;
        private readonly float[] _result;

        public OrtContender(string path, float[] image, int outputs, int intraOpThreads)
        {
            _options = new SessionOptions
            {
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                IntraOpNumThreads = intraOpThreads,
                InterOpNumThreads = 1,
            };
            _session = new InferenceSession(path, _options);
            _result = new float[outputs];
            _input = OrtValue.CreateTensorValueFromMemory((float[])image.Clone(), [1, 28, 28, 1]);
            _output = OrtValue.CreateTensorValueFromMemory(_result, [1, outputs]);
            _binding = _session.CreateIoBinding();
            _binding.BindInput(_session.InputNames[0], _input);
            _binding.BindOutput(_session.OutputNames[0], _output);
        }

        public void Run() => _session.RunWithBinding(_runOptions, _binding);

        /// <summary>Throws unless ONNX Runtime's answer matches <paramref name="expected"/> (Predict's) to 1e-4.</summary>
        public void Check(float[] expected, string label)
        {
            Run();
            for (int i = 0; i < expected.Length; i++)
            {
                if (Math.Abs(_result[i] - expected[i]) > 1e-4 + (1e-4 * Math.Abs(expected[i])))
                {
                    throw new InvalidOperationException(
                        $"W8 {label}: ONNX Runtime computes {_result[i]} for output {i}, Predict {expected[i]}; the exported model differs.");
                }
            }
        }

        public void Dispose()
        {
            _binding.Dispose();
            _output.Dispose();
            _input.Dispose();
            _runOptions.Dispose();
            _session.Dispose();
            _options.Dispose();
        }
    }
}
