using System.Text;

namespace Nabla.Layers;

/// <summary>Keras's automatic layer names: the class name in snake_case, then <c>_1</c>, <c>_2</c>… per thread.</summary>
internal static class LayerNames
{
    [ThreadStatic]
    private static Dictionary<string, int>? t_counters;

    /// <summary>The next unique name for <paramref name="prefix"/>: <c>dense</c>, <c>dense_1</c>, <c>dense_2</c>…</summary>
    public static string Unique(string prefix)
    {
        Dictionary<string, int> counters = t_counters ??= new Dictionary<string, int>(StringComparer.Ordinal);
        counters.TryGetValue(prefix, out int n);
        counters[prefix] = n + 1;
        return n == 0 ? prefix : $"{prefix}_{n}";
    }

    /// <summary>Forgets the counters (Keras's <c>clear_session</c>).</summary>
    public static void Reset() => t_counters?.Clear();

    /// <summary>Keras's <c>to_snake_case</c>: <c>MaxPooling2D</c> → <c>max_pooling2d</c>, <c>Dense</c> → <c>dense</c>.</summary>
    public static string ToSnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c) && i > 0)
            {
                char prev = name[i - 1];
                bool nextLower = i + 1 < name.Length && char.IsLower(name[i + 1]);
                // A word starts at an upper-case letter that follows a lower-case one ("ConvTranspose"), or that
                // begins a capitalised word after another letter ("ReLULayer" -> "re_lu_layer" as Keras does).
                if (char.IsLower(prev) || (nextLower && prev != '_'))
                {
                    sb.Append('_');
                }
            }

            sb.Append(char.ToLowerInvariant(c));
        }

        return sb.ToString();
    }
}
