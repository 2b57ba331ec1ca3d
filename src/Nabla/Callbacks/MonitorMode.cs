namespace Nabla.Callbacks;

/// <summary>Whether a monitored quantity improves by going down or up, shared by the callbacks that watch one.</summary>
internal static class MonitorMode
{
    /// <summary>
    /// True when <paramref name="monitor"/> should be maximised. <paramref name="mode"/> is <c>min</c>, <c>max</c> or
    /// <c>auto</c>; in auto mode losses and errors go down and accuracies (and other "higher is better" metrics) go
    /// up, as Keras decides from the metric.
    /// </summary>
    /// <exception cref="ArgumentException">The mode is unknown, or auto mode cannot tell the direction.</exception>
    public static bool Maximize(string callback, string monitor, string mode)
    {
        switch (mode)
        {
            case "min":
                return false;
            case "max":
                return true;
            case "auto":
                string name = monitor.StartsWith("val_", StringComparison.Ordinal) ? monitor[4..] : monitor;
                if (name is "loss" || name.Contains("loss", StringComparison.Ordinal) || name.Contains("error", StringComparison.Ordinal) ||
                    name is "mse" or "mae" or "rmse" or "learning_rate")
                {
                    return false;
                }

                if (name.Contains("acc", StringComparison.Ordinal) || name is "auc" or "precision" or "recall" or "f1_score")
                {
                    return true;
                }

                throw new ArgumentException(
                    $"{callback} cannot tell whether '{monitor}' should go up or down. Pass mode: \"max\" or mode: \"min\".", nameof(mode));
            default:
                throw new ArgumentException($"{callback}: unknown mode '{mode}'. Known: auto, max, min.", nameof(mode));
        }
    }
}
