using System.Globalization;

namespace Nabla.Distributed;

// Communicator: reporting a rank's failure to the others, and the text of a mismatch between ranks.
public abstract unsafe partial class Communicator
{
    /// <summary>Reports an unhandled exception to the other ranks, unless the communicator is busy for longer than <paramref name="wait"/>.</summary>
    internal void TryReportUnhandled(Exception exception, TimeSpan wait)
    {
        if (!Monitor.TryEnter(Gate, wait))
        {
            return;
        }

        try
        {
            ReportFailureLocked(exception);
        }
        finally
        {
            Monitor.Exit(Gate);
        }
    }

    /// <summary>The message of a fingerprint mismatch: the texts of rank 0 and the first differing rank, around where they first differ.</summary>
    internal static string DescribeDifference(string what, string reference, List<int> differ, string other)
    {
        int at = 0;
        while (at < reference.Length && at < other.Length && reference[at] == other[at])
        {
            at++;
        }

        string others = differ.Count == 1 ? "" : $" (and rank{(differ.Count == 2 ? "" : "s")} {string.Join(", ", differ.Skip(1).Take(8))}{(differ.Count > 9 ? ", ..." : "")})";
        return $"The ranks disagree on {what}: rank {differ[0]}{others} has {Excerpt(other, at)} but rank 0 has {Excerpt(reference, at)} " +
               $"(they first differ at character {at.ToString(CultureInfo.InvariantCulture)}). Every rank must run the same program " +
               "with the same settings; compare the ranks' command lines, environment variables and input files.";
    }

    private static string Excerpt(string text, int at)
    {
        const int Context = 40;
        int start = Math.Max(0, at - Context), end = Math.Min(text.Length, at + Context);
        return $"\"{(start > 0 ? "..." : "")}{text[start..end]}{(end < text.Length ? "..." : "")}\"";
    }

    private void ReportFailureLocked(Exception exception)
    {
        if (_disposed || _reported)
        {
            return;
        }

        // Once per rank: a later report (an unhandled exception after ReportFailure, say) would only repeat the news.
        // A failure or timeout that came from another rank is news the others get from that rank.
        _reported = true;
        Fault(exception);
        if (Size > 1 && exception is not (RankFailedException or CollectiveTimeoutException))
        {
            ReportFailureCore($"{exception.GetType().Name}: {exception.Message}");
        }
    }
}
