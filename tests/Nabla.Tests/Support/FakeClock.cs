namespace Nabla.Tests.Support;

/// <summary>A clock that stands still until the test moves it; one timestamp tick is one <see cref="TimeSpan"/> tick.</summary>
internal sealed class FakeClock : TimeProvider
{
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _ticks;

    /// <summary>Moves the clock forward by <paramref name="milliseconds"/>.</summary>
    public void AdvanceMilliseconds(int milliseconds) => _ticks += milliseconds * TimeSpan.TicksPerMillisecond;
}
