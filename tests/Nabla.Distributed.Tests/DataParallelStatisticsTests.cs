using Nabla.Layers;

namespace Nabla.Distributed.Tests;

/// <summary>What <see cref="DataParallel"/> reports about its communication: one gradient all-reduce per training step.</summary>
public class DataParallelStatisticsTests
{
    [Fact]
    public void Counts_one_gradient_all_reduce_per_step_and_times_them_within_the_fit()
    {
        using var world = new LocalCommunicator(TimeSpan.FromSeconds(30), "test");
        var strategy = new DataParallel(world);
        Assert.Equal(0, strategy.GradientAllReduceCount);
        Assert.Equal(TimeSpan.Zero, strategy.GradientAllReduceTime);

        var model = new Sequential([new Dense(4, activation: "relu", inputShape: [3]), new Dense(1)]);
        model.Compile(optimizer: "sgd", loss: "mse", distribution: strategy);
        Tensor x = Tensor.FromArray([.. Enumerable.Range(0, 30).Select(i => i / 30f)], 10, 3);
        Tensor y = Tensor.FromArray([.. Enumerable.Range(0, 10).Select(i => i / 10f)], 10, 1);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        model.Fit(x, y, epochs: 2, batchSize: 4, verbose: 0);   // 3 steps an epoch (4 + 4 + 2 rows)
        clock.Stop();

        Assert.Equal(6, strategy.GradientAllReduceCount);
        Assert.True(strategy.GradientAllReduceTime > TimeSpan.Zero, "the all-reduces took no time");
        Assert.True(strategy.GradientAllReduceTime < clock.Elapsed, $"{strategy.GradientAllReduceTime} spent reducing in a fit of {clock.Elapsed}");
    }
}
