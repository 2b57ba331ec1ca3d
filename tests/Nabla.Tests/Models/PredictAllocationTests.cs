using Nabla.Layers;
using Nabla.Tests.Reliability;
using Xunit.Abstractions;

namespace Nabla.Tests.Models;

/// <summary>
/// Serving one sample at a time: a warm, silent Predict allocates its result and nothing else (it used to allocate a
/// batch buffer, an iterator and callbacks per call, and 10,000 calls grew the process by 250 MB).
/// </summary>
[Collection(nameof(Support.AllocationMeasurement))]
public class PredictAllocationTests(ITestOutputHelper output)
{
    [Fact]
    public void A_warm_one_sample_Predict_allocates_only_its_result()
    {
        Sequential model = ReliabilityModels.Classifier();
        (Tensor x, _) = ReliabilityModels.Data(64);
        Tensor[] samples = [.. Enumerable.Range(0, 64).Select(i => x[i..(i + 1)])];
        for (int i = 0; i < 50; i++)
        {
            model.Predict(samples[i % 64], verbose: 0);
        }

        // The result: a tensor object, its shape array and 5 floats, about 160 bytes on 64-bit .NET.
        const int Calls = 1000;
        long best = long.MaxValue;
        for (int window = 0; window < 10 && best > 256L * Calls; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < Calls; i++)
            {
                model.Predict(samples[i % 64], verbose: 0);
            }

            best = Math.Min(best, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        output.WriteLine($"{Calls} warm one-sample Predict calls allocated {best} bytes on the calling thread ({best / Calls} a call).");
        Assert.True(best <= 256L * Calls, $"{best / Calls} bytes a call; expected only the result (under 256).");
    }

    [Fact]
    public void The_serving_path_gives_the_batched_paths_numbers()
    {
        Sequential model = ReliabilityModels.Classifier();
        (Tensor x, _) = ReliabilityModels.Data(40);
        float[] batched = model.Predict(x, batchSize: 40, verbose: 0, steps: 1).ToArray();   // the loop (steps given)
        float[] serving = model.Predict(x, verbose: 0).ToArray();                                   // at most one batch: the fast path
        Assert.Equal(batched, serving);
        Support.AssertEx.Throws<ArgumentException>(() => model.Predict(Tensor.Full([1, ReliabilityModels.Features], float.NaN), verbose: 0), "contains NaN");
    }
}
