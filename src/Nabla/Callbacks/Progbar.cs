using System.Globalization;
using System.Text;

namespace Nabla.Callbacks;

/// <summary>
/// Keras 3's progress bar: a 20-character bar of <c>━</c> redrawn in place on a terminal, ETA while running,
/// elapsed time at the end, time per step and the metrics; or, in one-line mode, a single line when finished.
/// </summary>
/// <remarks>
/// Mirrors <c>keras.utils.Progbar</c> exactly, including how it displays values: until the last update each
/// logged value is averaged over steps (weighted by the steps since the previous update); the final update
/// shows the values it is given. Redraws are throttled as Keras throttles them: an update redraws when at least
/// 50 ms of wall time have passed since the last redraw (not since the last update, or a run of fast steps would
/// never redraw), and the final update always redraws. The clock is a <see cref="TimeProvider"/> so that tests can
/// drive the cadence with a fake one.
/// </remarks>
internal sealed class Progbar
{
    private const int Width = 20;
    private const double Interval = 0.05;

    private readonly TextWriter _out;
    private readonly bool _oneLine;
    private readonly bool _colors;
    private readonly Dictionary<string, (double Sum, double Count)> _values = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly TimeProvider _clock;
    private readonly long _start;
    private readonly StringBuilder _sb = new();
    private int? _target;
    private int _seen;
    private long? _lastRedraw;
    private long? _afterFirstStep;
    private int _prevWidth;

    public Progbar(TextWriter output, int? target, bool oneLine, bool colors, TimeProvider? clock = null)
    {
        _out = output;
        _target = target;
        _oneLine = oneLine;
        _colors = colors;
        _clock = clock ?? TimeProvider.System;
        _start = _clock.GetTimestamp();
    }

    /// <summary>The total number of steps, when known; set at the end when it was not.</summary>
    public int? Target
    {
        get => _target;
        set => _target = value;
    }

    /// <summary>Records step <paramref name="current"/> (1-based) with the latest logs and redraws if due.</summary>
    public void Update(int current, Dictionary<string, double>? values, bool finalize)
    {
        if (values is not null)
        {
            foreach ((string key, double v) in values)
            {
                if (!_values.ContainsKey(key))
                {
                    _order.Add(key);
                }

                if (finalize)
                {
                    _values[key] = (v, 1);
                }
                else
                {
                    double weight = Math.Max(current - _seen, 1);
                    _values[key] = _values.TryGetValue(key, out (double Sum, double Count) old)
                        ? (old.Sum + (v * weight), old.Count + weight)
                        : (v * weight, weight);
                }
            }
        }

        _seen = current;
        long now = _clock.GetTimestamp();
        double perStep = StepDuration(current, now);
        if (_oneLine)
        {
            if (finalize && _target is > 0)
            {
                WriteOneLine(current, now, perStep);
            }
        }
        else if (finalize || _lastRedraw is not long last || _clock.GetElapsedTime(last, now).TotalSeconds >= Interval)
        {
            // The interval runs from the last redraw: Keras returns before recording the time when it skips one.
            Redraw(current, now, perStep, finalize);
            _lastRedraw = now;
        }
    }

    private void Redraw(int current, long now, double perStep, bool finalize)
    {
        StringBuilder sb = _sb.Clear();
        sb.Append('\r');
        int visible = 0;
        if (_target is int target and > 0)
        {
            string count = Count(current, target);
            sb.Append(Bold(count)).Append(' ');
            int done = (int)(Width * ((double)current / target));
            done = Math.Clamp(done, 0, Width);
            if (done > 0)
            {
                sb.Append(_colors ? "\u001b[32m" : string.Empty).Append('━', done).Append(_colors ? "\u001b[0m" : string.Empty);
            }

            sb.Append(_colors ? "\u001b[37m" : string.Empty).Append('━', Width - done).Append(_colors ? "\u001b[0m" : string.Empty);
            visible += count.Length + 1 + Width;
        }
        else
        {
            string unknown = string.Create(CultureInfo.InvariantCulture, $"{current,7}/Unknown");
            sb.Append(unknown);
            visible += unknown.Length;
        }

        string time;
        if (_target is > 0 && !finalize)
        {
            double eta = perStep * (_target.Value - current);
            time = eta > 3600
                ? string.Create(CultureInfo.InvariantCulture, $"{(int)(eta / 3600)}:{(int)(eta % 3600 / 60):00}:{(int)(eta % 60):00}")
                : eta > 60
                    ? string.Create(CultureInfo.InvariantCulture, $"{(int)(eta / 60)}:{(int)(eta % 60):00}")
                    : string.Create(CultureInfo.InvariantCulture, $"{(int)eta}s");
        }
        else
        {
            time = Seconds(now);
        }

        string perStepText = FormatTime(perStep), metrics = Metrics(absoluteThreshold: true);
        sb.Append(' ').Append(Bold(time)).Append(perStepText).Append(metrics);
        visible += 1 + time.Length + perStepText.Length + metrics.Length;
        if (_prevWidth > visible)
        {
            sb.Append(' ', _prevWidth - visible);
        }

        if (finalize)
        {
            sb.Append('\n');
        }

        _out.Write(sb.ToString());
        _out.Flush();
        _prevWidth = visible;
    }

    private void WriteOneLine(int current, long now, double perStep)
    {
        _out.Write($"{Count(current, _target!.Value)} - {Seconds(now)} -{FormatTime(perStep)}{Metrics(absoluteThreshold: false)}\n");
        _out.Flush();
    }

    private string Metrics(bool absoluteThreshold)
    {
        var sb = new StringBuilder();
        foreach (string key in _order)
        {
            (double sum, double count) = _values[key];
            double avg = sum / Math.Max(1, count);
            // Keras uses |avg| in the bar and avg in the one-line form to pick fixed or scientific notation.
            bool fixedPoint = absoluteThreshold ? Math.Abs(avg) > 1e-3 : avg > 1e-3;
            sb.Append(" - ").Append(key).Append(": ").Append(fixedPoint
                ? avg.ToString("F4", CultureInfo.InvariantCulture)
                : avg.ToString("0.0000e+00", CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    private string Bold(string s) => _colors ? $"\u001b[1m{s}\u001b[0m" : s;

    private string Seconds(long now) =>
        _clock.GetElapsedTime(_start, now).TotalSeconds.ToString("F0", CultureInfo.InvariantCulture) + "s";

    private static string Count(int current, int target)
    {
        int digits = (int)Math.Log10(target) + 1;
        return current.ToString(CultureInfo.InvariantCulture).PadLeft(digits) + "/" + target.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Keras's <c>_format_time</c>: <c> 1s/step</c>, <c> 12ms/step</c> or <c> 512us/step</c>.</summary>
    internal static string FormatTime(double seconds) => seconds >= 1 || seconds == 0
        ? string.Create(CultureInfo.InvariantCulture, $" {seconds:F0}s/step")
        : seconds >= 1e-3
            ? string.Create(CultureInfo.InvariantCulture, $" {seconds * 1000:F0}ms/step")
            : string.Create(CultureInfo.InvariantCulture, $" {seconds * 1e6:F0}us/step");

    /// <summary>Seconds per step, ignoring the first step (compilation, warm-up) once more steps are done.</summary>
    private double StepDuration(int current, long now)
    {
        if (current == 0)
        {
            return 0;
        }

        double perStep = _afterFirstStep is long first && current > 1
            ? _clock.GetElapsedTime(first, now).TotalSeconds / (current - 1)
            : _clock.GetElapsedTime(_start, now).TotalSeconds / current;
        if (current == 1)
        {
            _afterFirstStep = now;
        }

        return perStep;
    }
}
