using Nabla.Kernels.Parallel;

namespace Nabla.Tests.Kernels.Parallel;

public class CallerSpeedTests
{
    private const double Smoothing = 0.125;

    [Fact]
    public void A_fresh_estimate_is_even_and_cuts_in_half()
    {
        var speed = new CallerSpeed();
        Assert.Equal(1.0, speed.Ratio);
        Assert.Equal(8, speed.CallerUnits(16));
        Assert.Equal(1, speed.CallerUnits(2));
        Assert.Equal(2, speed.CallerUnits(5));   // 2 or 3 leave the slower part 3 pieces: the tie goes to the lower
    }

    // One record moves ln(ratio) an eighth of the way to the measurement: the caller did 300 units in 100 ticks, the
    // worker 200 in 100, a ratio of 1.5, so ln 1.5 / 8.
    [Fact]
    public void A_record_moves_the_estimate_an_eighth_of_the_way()
    {
        var speed = new CallerSpeed();
        speed.Record(300, 100, 200, 100);
        Assert.Equal(Math.Exp(Math.Log(1.5) * Smoothing), speed.Ratio, 12);
        for (int i = 0; i < 200; i++)
            speed.Record(300, 100, 200, 100);
        Assert.Equal(1.5, speed.Ratio, 9);
    }

    [Fact]
    public void Measurements_beyond_the_bound_count_as_the_bound()
    {
        var speed = new CallerSpeed();
        for (int i = 0; i < 300; i++)
            speed.Record(1, 100, 10, 1);   // the caller 1,000 times slower
        Assert.Equal(1 / CallerSpeed.MaxRatio, speed.Ratio, 9);
        for (int i = 0; i < 300; i++)
            speed.Record(1000, 1, 1, 1);
        Assert.Equal(CallerSpeed.MaxRatio, speed.Ratio, 9);
    }

    [Theory]
    [InlineData(0, 10, 5, 10)]
    [InlineData(5, 0, 5, 10)]
    [InlineData(5, 10, 0, 10)]
    [InlineData(5, 10, 5, 0)]
    [InlineData(-5, 10, 5, 10)]
    public void A_measurement_without_work_or_time_is_ignored(long callerUnits, long callerTicks, long workerUnits, long workerTicks)
    {
        var speed = new CallerSpeed();
        speed.Record(callerUnits, callerTicks, workerUnits, workerTicks);
        Assert.Equal(1.0, speed.Ratio);
    }

    // 16 pieces: both parts finish together at 16·r/(1 + r); the whole number either side whose slower part is shorter
    // wins. r = 2: 10 pieces leave the worker 6 (6 ticks), 11 leave the caller 11/2 = 5.5, so 11. r = 1/2: 5 pieces
    // take the caller 10 and the worker 11, 6 take the caller 12, so 5. r = 0.9: 7 pieces leave the worker 9, 8 take
    // the caller 8.9, so 8; r = 0.88: 8 take the caller 9.09, more than the worker's 9 with 7, so 7.
    [Theory]
    [InlineData(2.0, 16, 11)]
    [InlineData(0.5, 16, 5)]
    [InlineData(0.9, 16, 8)]
    [InlineData(1.1, 16, 8)]
    [InlineData(0.88, 16, 7)]
    [InlineData(1 / 0.88, 16, 9)]
    [InlineData(2.0, 2, 1)]
    [InlineData(0.5, 2, 1)]
    [InlineData(2.0, 3, 2)]
    [InlineData(0.5, 3, 1)]
    public void The_caller_takes_the_pieces_that_finish_soonest(double ratio, int units, int expected)
    {
        var speed = new CallerSpeed();
        speed.Reset(ratio);
        Assert.Equal(expected, speed.CallerUnits(units));
    }

    [Fact]
    public void Every_cut_leaves_each_part_a_piece()
    {
        var speed = new CallerSpeed();
        foreach (double ratio in new[] { 0.5, 0.6, 0.75, 1.0, 1.3, 1.7, 2.0 })
        {
            speed.Reset(ratio);
            for (int units = 2; units < 70; units++)
                Assert.InRange(speed.CallerUnits(units), 1, units - 1);
        }
    }

    [Theory]
    [InlineData(0.49)]
    [InlineData(2.01)]
    [InlineData(0.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Reset_refuses_a_ratio_outside_the_bounds(double ratio)
    {
        var speed = new CallerSpeed();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => speed.Reset(ratio));
        Assert.Equal("ratio", e.ParamName);
        Assert.Contains("within [0.5, 2]", e.Message);
    }

    [Fact]
    public void Too_few_pieces_are_refused()
    {
        var speed = new CallerSpeed();
        Assert.Throws<ArgumentOutOfRangeException>(() => speed.CallerUnits(1));
    }

    // Four threads record the same measurement 50 times each, released at once: every record applies to the estimate
    // the one before left, so the result has the bits of 200 records made one after the other. (After 200 records the
    // estimate is still 2.6·10⁻¹² short of the measurement, far more than a double's rounding: one lost record would
    // show.)
    [Fact]
    public void Records_from_racing_threads_are_none_of_them_lost()
    {
        const int threads = 4, records = 50;
        var speed = new CallerSpeed();
        int go = 0;
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            while (Volatile.Read(ref go) == 0)
                Thread.SpinWait(1);
            for (int i = 0; i < records; i++)
                speed.Record(3, 2, 1, 1);
        })).ToArray();
        foreach (Thread t in workers)
            t.Start();
        Volatile.Write(ref go, 1);
        foreach (Thread t in workers)
            t.Join();

        var sequential = new CallerSpeed();
        for (int i = 0; i < threads * records; i++)
            sequential.Record(3, 2, 1, 1);
        Assert.NotEqual(1.5, sequential.Ratio);
        Assert.Equal(BitConverter.DoubleToInt64Bits(sequential.Ratio), BitConverter.DoubleToInt64Bits(speed.Ratio));
    }
}
