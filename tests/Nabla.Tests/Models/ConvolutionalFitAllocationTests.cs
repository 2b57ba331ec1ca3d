using Nabla.Callbacks;
using Nabla.Layers;
using Nabla.Tests.Support;
using Xunit.Abstractions;

namespace Nabla.Tests.Models;

/// <summary>
/// A warm <c>Fit</c> step of a convolutional network allocates no managed memory: the convolution, pooling, batch-norm,
/// resizing and spatial-dropout ops take their outputs and saved tensors from the step arena and their scratch from the
/// kernels' per-thread buffers, and the moving statistics update in place.
/// </summary>
/// <remarks>
/// Measured as <see cref="FitStepAllocationTests"/> measures the MLP (from the start of batch 20 to the start of batch 120
/// of each epoch, the quietest of three epochs counting): nothing on the training thread, and, counting the kernels'
/// worker threads too (<c>GC.GetTotalAllocatedBytes</c>, which also sees the test host's own threads), less than the
/// 64 KB per 100 steps the engine's step budget allows.
/// </remarks>
[Collection(nameof(AllocationMeasurement))]
public class ConvolutionalFitAllocationTests(ITestOutputHelper output)
{
    private const int From = 20, To = 120, Batch = 4;
    private const long ProcessBudget = 64 * 1024;

    public static TheoryData<string> Models() => ["issue cnn", "every layer", "sequence"];

    [Theory]
    [MemberData(nameof(Models))]
    public void One_hundred_warm_Fit_steps_allocate_nothing_on_the_training_thread(string which)
    {
        (Sequential model, int[] sample) = which switch
        {
            "issue cnn" => (SmallIssueCnn(), new[] { 12, 12, 1 }),
            "every layer" => (ConvolutionalModelTests.EveryLayer(), new[] { 10, 10, 2 }),
            _ => (ConvolutionalModelTests.Sequence(), new[] { 12, 3 }),
        };
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        int n = (To + 10) * Batch;
        Tensor x = TestData.Uniform([n, .. sample], seed: 2);
        Tensor y = Tensor.FromArray(Enumerable.Range(0, n).Select(i => (float)(i % 3)).ToArray(), n);
        var thread = new List<long>();
        var process = new List<long>();
        long startThread = 0, startProcess = 0;
        var meter = new LambdaCallback(onTrainBatchBegin: (batch, _) =>
        {
            if (batch == From)
            {
                (startThread, startProcess) = (GC.GetAllocatedBytesForCurrentThread(), GC.GetTotalAllocatedBytes(precise: true));
            }
            else if (batch == To)
            {
                thread.Add(GC.GetAllocatedBytesForCurrentThread() - startThread);
                process.Add(GC.GetTotalAllocatedBytes(precise: true) - startProcess);
            }
        });
        History h = model.Fit(x, y, batchSize: Batch, epochs: 3, verbose: 0, callbacks: [meter]);
        output.WriteLine($"{which}: {To - From} steps allocated per epoch {string.Join(", ", thread)} bytes on the training thread, " +
            $"{string.Join(", ", process)} in the process; loss {h["loss"][0]:F4} → {h["loss"][^1]:F4}.");
        Assert.Equal(3, thread.Count);
        Assert.True(thread.Min() == 0, $"{To - From} warm Fit steps allocated {thread.Min()} bytes on the training thread (epochs: {string.Join(", ", thread)}).");
        Assert.True(process.Min() < ProcessBudget, $"{To - From} warm Fit steps allocated {process.Min()} bytes in the process (epochs: {string.Join(", ", process)}).");
        Assert.True(double.IsFinite(h["loss"][^1]));
    }

    // The issue's CNN at a smaller size (12×12 images, fewer filters), so that 390 steps run in about a second.
    private static Sequential SmallIssueCnn() => new([
        new Conv2D(8, kernelSize: 3, activation: "relu", padding: "same", inputShape: [12, 12, 1]),
        new MaxPooling2D(2),
        new Conv2D(16, kernelSize: 3, activation: "relu", padding: "same"),
        new MaxPooling2D(2),
        new Flatten(),
        new Dense(16, activation: "relu"),
        new Dense(3, activation: "softmax"),
    ]);
}
