using System.Globalization;

namespace Nabla.Workloads.Reporting;

/// <summary>How the table writes a value of each unit.</summary>
internal static class ValueFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The value with a precision that suits its unit, and the unit after it (short times in a smaller unit).</summary>
    public static string Format(double value, string unit) => unit switch
    {
        _ when double.IsNaN(value) => "n/a",
        Units.Seconds when Math.Abs(value) < 0.1 => Format(value * 1e3, Units.Milliseconds),
        Units.Milliseconds when Math.Abs(value) < 0.1 => Format(value * 1e3, Units.Microseconds),
        Units.Seconds or Units.Milliseconds => value.ToString(Math.Abs(value) < 10 ? "F3" : "F1", Invariant) + Suffix(unit),
        Units.Microseconds or Units.Gflops or Units.Percent => value.ToString("F1", Invariant) + Suffix(unit),
        Units.SamplesPerSecond => value.ToString("N0", Invariant) + Suffix(unit),
        Units.Bytes => Bytes(value),
        Units.Count => value.ToString("0.##", Invariant),
        Units.Fahrenheit => value.ToString("F2", Invariant) + Suffix(unit),
        _ => value == 0 || Math.Abs(value) >= 1e-3 ? value.ToString("F4", Invariant) : value.ToString("0.00e+00", Invariant),
    };

    /// <summary>The unit as written after a number: a space and the unit, nothing for plain numbers and counts.</summary>
    public static string Suffix(string unit) => unit switch
    {
        Units.None or Units.Count => "",
        Units.Percent => "%",
        _ => " " + unit,
    };

    private static string Bytes(double bytes) => Math.Abs(bytes) switch
    {
        >= 1 << 30 => (bytes / (1 << 30)).ToString("F2", Invariant) + " GiB",
        >= 1 << 20 => (bytes / (1 << 20)).ToString("F2", Invariant) + " MiB",
        >= 1 << 10 => (bytes / (1 << 10)).ToString("F1", Invariant) + " KiB",
        _ => bytes.ToString("F0", Invariant) + " B",
    };
}
