using Nabla.Optimizers;

namespace Nabla.Tests.Optimizers;

public class LearningRateScheduleTests
{
    [Fact]
    public void A_float_converts_to_a_constant_schedule()
    {
        LearningRateSchedule s = 0.25f;
        Assert.Equal(0.25f, s.GetLearningRate(0));
        Assert.Equal(0.25f, s.GetLearningRate(1_000_000));
        Assert.Equal(0.25f, s.GetConfig()["learning_rate"]);
    }

    [Fact]
    public void FromFunction_calls_the_function_with_the_step()
    {
        LearningRateSchedule s = LearningRateSchedule.FromFunction(step => 1f / (step + 1));
        Assert.Equal(1f, s.GetLearningRate(0));
        Assert.Equal(0.25f, s.GetLearningRate(3));
        Assert.Throws<ArgumentNullException>(() => LearningRateSchedule.FromFunction(null!));
    }
}
