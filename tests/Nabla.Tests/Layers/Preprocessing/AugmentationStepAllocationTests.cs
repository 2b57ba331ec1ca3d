using Nabla.Callbacks;
using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Tests.Support;
using Xunit.Abstractions;

namespace Nabla.Tests.Layers.Preprocessing;

/// <summary>
/// A warm Fit step through every preprocessing layer allocates nothing on the training thread: their outputs come
/// from the step's arena, their random draws go to the stack. Measured as <c>FitStepAllocationTests</c> measures.
/// </summary>
[Collection(nameof(AllocationMeasurement))]
public class AugmentationStepAllocationTests(ITestOutputHelper output)
{
    private const int From = 20, To = 120, Batch = 4;

    [Fact]
    public void One_hundred_warm_Fit_steps_through_the_augmentation_layers_allocate_nothing()
    {
        var model = new Sequential([
            new Rescaling(1 / 255.0, inputShape: [6, 5, 1]),
            new RandomFlip(seed: 1),
            new RandomTranslation(0.2, 0.2, seed: 2),
            new RandomRotation(0.1, seed: 3),
            new RandomZoom(0.2, seed: 4, interpolation: "nearest", fillMode: "constant"),
            new Flatten(),
            new Dense(3, activation: "softmax", kernelInitializer: new GlorotUniform(seed: 5)),
        ]);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy");
        Tensor x = TestData.Uniform([(To + 10) * Batch, 6, 5, 1], 0f, 255f);
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
