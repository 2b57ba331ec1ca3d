using System.Text;

namespace Nabla;

/// <summary>
/// Messages for unknown string identifiers (STYLE.md R7): the name received, every valid name, and the closest
/// valid name when one is near enough to be a likely typo.
/// </summary>
internal static class KnownNames
{
    /// <summary>
    /// "Unknown {kind} '{name}'. Known: a, b, c. Did you mean 'b'?" — <paramref name="listed"/> are printed;
    /// the suggestion is searched among <paramref name="listed"/> and <paramref name="aliases"/> (names that are
    /// accepted but not worth listing, such as class-name spellings).
    /// </summary>
    public static string UnknownMessage(string kind, string name, IReadOnlyList<string> listed, IReadOnlyList<string>? aliases = null)
    {
        var sb = new StringBuilder();
        sb.Append("Unknown ").Append(kind).Append(" '").Append(name).Append("'. Known: ");
        sb.AppendJoin(", ", listed).Append('.');
        string? closest = Closest(name, listed, aliases);
        if (closest is not null)
        {
            sb.Append(" Did you mean '").Append(closest).Append("'?");
        }

        return sb.ToString();
    }

    /// <summary>
    /// The candidate with the smallest case-insensitive edit distance to <paramref name="name"/> (adjacent
    /// transpositions count as one edit), or null when even the best one differs in more than about a third of
    /// its characters (then it is not a typo of anything known).
    /// </summary>
    public static string? Closest(string name, IReadOnlyList<string> candidates, IReadOnlyList<string>? more = null)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        Consider(candidates);
        if (more is not null)
        {
            Consider(more);
        }

        return best is not null && bestDistance <= Math.Max(2, name.Length / 3) ? best : null;

        void Consider(IReadOnlyList<string> list)
        {
            foreach (string candidate in list)
            {
                int d = Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
                if (d < bestDistance)
                {
                    (best, bestDistance) = (candidate, d);
                }
            }
        }
    }

    /// <summary>Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                int v = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    v = Math.Min(v, d[i - 2, j - 2] + 1);
                }

                d[i, j] = v;
            }
        }

        return d[a.Length, b.Length];
    }
}
