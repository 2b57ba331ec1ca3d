using Nabla.Callbacks;
using Nabla.Layers;
using Nabla.Tests.Support;
using Xunit.Abstractions;

namespace Nabla.Tests.Models;

/// <summary>
/// A warm step of <c>Fit</c> allocates nothing on the training thread: the batches, the tape, the gradients, the
/// optimizer and the logs TrainStep returns (one dictionary per model) are all reused.
/// </summary>
/// <remarks>
/// Counted with <c>GC.GetAllocatedBytesForCurrentThread</c>, which the test host's own threads cannot disturb, from
/// the start of batch 20 to the start of batch 120 of each epoch: 100 whole steps with their callback dispatch. The
/// quietest of three epochs counts, so that work the JIT does once (tiering up a method) cannot fail the test, while
/// an allocation made by every step shows in every epoch.
/// </remarks>
[Collection(nameof(AllocationMeasurement))]
public class FitStepAllocationTests(ITestOutputHelper output)
{
    private const int From = 20, To = 120, Batch = 4;

    [Fact]
    public void One_hundred_warm_Fit_steps_allocate_nothing_on_the_training_thread()
    {
        var model = new Sequential([new Dense(16, activation: "relu", inputShape: [8]), new Dense(3, activation: "softmax")]);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        Tensor x = TestData.Uniform([(To + 10) * Batch, 8]);
        Tensor y = Tensor.FromArray(Enumerable.Range(0, x.Dim(0)).Select(i => (float)(i % 3)).ToArray(), x.Dim(0));
        var windows = new List<long>();
        long start = 0;
        var meter = new LambdaCallback(onTrainBatchBegin: (batch, _) =>
        {
            if (batch == From)
            {
                start = GC.GetAllocatedBytesForCurrentThread();
            }
            else if (batch == To)
            {
                windows.Add(GC.GetAllocatedBytesForCurrentThread() - start);
            }
        });
        model.Fit(x, y, batchSize: Batch, epochs: 3, verbose: 0, callbacks: [meter]);
        output.WriteLine($"{To - From} steps allocated per epoch on the training thread: {string.Join(", ", windows)} bytes.");
        Assert.Equal(3, windows.Count);
        Assert.True(windows.Min() == 0, $"{To - From} warm Fit steps allocated {windows.Min()} bytes on the training thread (epochs: {string.Join(", ", windows)}).");
    }
}
