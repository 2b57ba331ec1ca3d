namespace Nabla.Datasets;

/// <summary>The closest known name to a misspelt one, for "Did you mean" hints in error messages.</summary>
internal static class NameSuggestion
{
    /// <summary>
    /// The known name at the smallest edit distance from <paramref name="name"/> (ignoring case, and treating
    /// '-' and '_' alike), or null when even the closest differs in more than half of its characters.
    /// </summary>
    public static string? Closest(string name, IReadOnlyList<string> known)
    {
        string a = Normalize(name);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in known)
        {
            int d = Distance(a, Normalize(candidate));
            if (d < bestDistance)
            {
                (best, bestDistance) = (candidate, d);
            }
        }

        return best is not null && bestDistance <= Math.Max(1, best.Length / 2) ? best : null;
    }

    private static string Normalize(string s) => s.Trim().ToLowerInvariant().Replace('-', '_');

    // Levenshtein distance with two rolling rows.
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
