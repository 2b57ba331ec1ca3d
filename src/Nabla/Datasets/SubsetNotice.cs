using System.Runtime.CompilerServices;

namespace Nabla.Datasets;

/// <summary>
/// Says once per process (per output writer) that a loader fell back to a subset of a dataset, such as the
/// 10,000-image MNIST shipped with the repository, and how to get the full set: a Keras user expects
/// <c>mnist.load_data()</c> to give 60,000 training images, and silence would hide the difference.
/// </summary>
internal static class SubsetNotice
{
    // Keyed by writer, so that a test's own writer sees the notice whatever other tests did before it.
    private static readonly ConditionalWeakTable<TextWriter, HashSet<string>> s_shown = [];

    /// <summary>Writes <paramref name="message"/> to <paramref name="log"/> unless it was written there for <paramref name="dataset"/> before.</summary>
    public static void Once(TextWriter log, string dataset, string message)
    {
        HashSet<string> shown = s_shown.GetOrCreateValue(log);
        lock (shown)
        {
            if (!shown.Add(dataset))
            {
                return;
            }
        }

        log.WriteLine(message);
    }
}
