using System.Globalization;
using System.Text;
using Nabla.Distributed.Native;

namespace Nabla.Distributed;

// Failure handling: the notices other ranks send, the verdict when ranks go silent, and the words of the errors.
internal sealed unsafe partial class MpiCommunicator
{
    /// <summary>Throws for a notice that has arrived: another rank failed or gave up.</summary>
    private void ThrowIfNotified(in CollectiveDescriptor mine)
    {
        while (_faults.TryReceive(out Notice notice))
        {
            switch (notice.Kind)
            {
                case NoticeKind.Failed:
                    throw new RankFailedException(
                        $"Rank {notice.Rank} of {Size} failed: {Sentence(notice.Text)} This rank ({Rank}) stopped at {mine.Describe()}.", Rank, notice.Rank);
                case NoticeKind.TimedOut:
                    (string verdict, List<int> silent) = AnswerAndAwaitVerdict(notice, mine);
                    throw new CollectiveTimeoutException(
                        $"Rank {notice.Rank} of {Size} gave up waiting for the other ranks in {notice.Text}, so the job cannot go on; this rank " +
                        $"({Rank}) was at {mine.Describe()}. {verdict}", Rank, mine.Describe(), silent);
                default:
                    continue;   // a late answer or verdict this rank no longer waits for
            }
        }
    }

    /// <summary>
    /// Answers a rank that gave up (this rank is alive, and where), then waits for its verdict on the ranks that did
    /// not answer, so that every waiting rank's error names them and not only the error of the rank that asked.
    /// </summary>
    private (string Verdict, List<int> Silent) AnswerAndAwaitVerdict(Notice question, in CollectiveDescriptor mine)
    {
        _faults.Send(NoticeKind.Present, mine.Describe(), question.Rank);
        long end = Environment.TickCount64 + (long)Grace.TotalMilliseconds + 1000;
        while (Environment.TickCount64 < end)
        {
            _faults.FlushSends(TimeSpan.Zero);
            while (_faults.TryReceive(out Notice notice))
            {
                if (notice.Kind == NoticeKind.Verdict && notice.Rank == question.Rank)
                {
                    // "2,5\nRanks 2, 5 did not respond: ...": the silent ranks, then the text.
                    int split = notice.Text.IndexOf('\n', StringComparison.Ordinal);
                    List<int> silent = [.. notice.Text[..Math.Max(split, 0)].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => int.Parse(r, CultureInfo.InvariantCulture))];
                    return (notice.Text[(split + 1)..], silent);
                }

                if (notice.Kind == NoticeKind.TimedOut)
                {
                    _faults.Send(NoticeKind.Present, mine.Describe(), notice.Rank);   // another rank gave up at the same time
                }
            }

            Thread.Sleep(1);
        }

        return ($"Rank {question.Rank}'s error names the ranks that did not arrive.", []);
    }

    /// <summary>How long a rank that gave up waits for the others to say where they are.</summary>
    private TimeSpan Grace => Timeout < TimeSpan.FromSeconds(1) ? Timeout : TimeSpan.FromSeconds(1);

    /// <summary>
    /// After the timeout: asks every rank where it is, waits <see cref="Grace"/> for the answers, tells the ranks that
    /// answered which ranks did not, and throws naming them.
    /// </summary>
    private void GiveUp(in CollectiveDescriptor mine)
    {
        string where = mine.Describe();
        _faults.Send(NoticeKind.TimedOut, $"{where} after {Seconds(Timeout)}");
        var answers = new SortedDictionary<int, Notice>();
        long end = Environment.TickCount64 + (long)Grace.TotalMilliseconds;
        while (answers.Count < Size - 1 && Environment.TickCount64 < end)
        {
            _faults.FlushSends(TimeSpan.Zero);
            while (_faults.TryReceive(out Notice notice))
            {
                if (notice.Kind != NoticeKind.Verdict)
                {
                    answers[notice.Rank] = notice;
                }
            }

            Thread.Sleep(1);
        }

        var silent = Enumerable.Range(0, Size).Where(r => r != Rank && !answers.ContainsKey(r)).ToList();
        var verdict = new StringBuilder();
        if (silent.Count > 0)
        {
            verdict.Append(CultureInfo.InvariantCulture,
                $"{Ranks(silent)} did not respond: {(silent.Count == 1 ? "it died, hangs, or has" : "they died, hang, or have")} been working outside MPI calls for longer than the timeout.");
        }

        foreach ((int rank, Notice notice) in answers.Where(a => a.Value.Kind == NoticeKind.Failed))
        {
            verdict.Append(CultureInfo.InvariantCulture, $" Rank {rank} failed: {Sentence(notice.Text)}");
        }

        string advice = $" If a rank legitimately works alone for longer (writing a checkpoint, evaluating), raise the timeout: {Mpi.TimeoutVariable}=<seconds> or Mpi.Initialize(timeout: ...).";
        foreach ((int rank, Notice notice) in answers.Where(a => a.Value.Kind is NoticeKind.Present or NoticeKind.TimedOut))
        {
            _faults.Send(NoticeKind.Verdict, $"{string.Join(',', silent)}\n{verdict.ToString().Trim()}{advice}", rank);
        }

        _faults.FlushSends(TimeSpan.FromMilliseconds(200));
        var message = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"{where} timed out on rank {Rank} of {Size}: after {Seconds(Timeout)} not every rank had arrived. {verdict.ToString().Trim()}");
        foreach ((int rank, Notice notice) in answers.Where(a => a.Value.Kind is NoticeKind.Present or NoticeKind.TimedOut))
        {
            message.Append(notice.Kind == NoticeKind.TimedOut ? $" Rank {rank} gave up too, in {notice.Text}." : $" Rank {rank} answered from {notice.Text}.");
        }

        throw new CollectiveTimeoutException(message.Append(advice).ToString(), Rank, where, silent);
    }

    private static string Sentence(string text) => text.EndsWith('.') || text.EndsWith('!') || text.EndsWith('?') ? text : text + ".";

    private static string Ranks(List<int> ranks) =>
        ranks.Count == 1 ? $"Rank {ranks[0]}" : $"Ranks {string.Join(", ", ranks.Take(16))}{(ranks.Count > 16 ? $" and {ranks.Count - 16} more" : "")}";
}
