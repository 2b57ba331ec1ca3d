using System.Diagnostics;

namespace Nabla.Workloads.Measurement;

/// <summary>Best-of-N timing for calls that are too short or too noisy to time once.</summary>
internal static class Timing
{
    /// <summary>
    /// Seconds per call of <paramref name="call"/>, the best of <paramref name="runs"/> runs that each repeat it for at
    /// least <paramref name="minRunTime"/>, after a warm-up of the same length.
    /// </summary>
    /// <remarks>
    /// The warm-up lets the JIT reach tier 1 and the callee fill its caches and scratch buffers; its mean call time
    /// sets how many calls a run makes. The best run is kept, not the mean: on shared cores other processes only ever
    /// make a run slower.
    /// </remarks>
    public static double BestSecondsPerCall(Action call, int runs, TimeSpan minRunTime)
    {
        long warmCalls = 0;
        long start = Stopwatch.GetTimestamp();
        do
        {
            call();
            warmCalls++;
        }
        while (warmCalls < 2 || Stopwatch.GetElapsedTime(start) < minRunTime);

        double estimate = Stopwatch.GetElapsedTime(start).TotalSeconds / warmCalls;
        long callsPerRun = Math.Max(1, (long)Math.Ceiling(minRunTime.TotalSeconds / estimate));
        double best = double.MaxValue;
        for (int run = 0; run < runs; run++)
        {
            start = Stopwatch.GetTimestamp();
            for (long i = 0; i < callsPerRun; i++)
            {
                call();
            }

            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds / callsPerRun);
        }

        return best;
    }
}
