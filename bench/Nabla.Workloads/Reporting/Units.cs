namespace Nabla.Workloads.Reporting;

/// <summary>The units figures are recorded in; <see cref="ValueFormat"/> decides how each is shown.</summary>
internal static class Units
{
    public const string None = "";
    public const string Seconds = "s";
    public const string Milliseconds = "ms";
    public const string Microseconds = "µs";
    public const string SamplesPerSecond = "samples/s";
    public const string Bytes = "B";
    public const string Count = "count";
    public const string Gflops = "GFLOP/s";
    public const string Percent = "%";
    public const string Fahrenheit = "°F";
}
