using Nabla.Callbacks;

namespace Nabla;

/// <summary>
/// The record of a training run that <c>Fit</c> returns: for each logged quantity (<c>loss</c>, <c>accuracy</c>,
/// <c>val_loss</c>, …) its value at the end of every epoch (Keras's <c>History</c>).
/// </summary>
/// <remarks>
/// <c>Fit</c> adds a <see cref="History"/> callback to every run and returns it. <c>history["loss"]</c> is Keras's <c>history.history["loss"]</c> (C# does not allow a member named like its
/// type); <see cref="Epoch"/> lists the epoch numbers (0-based, as Keras) in the same order.
/// </remarks>
/// <example>
/// <code>
/// History history = model.Fit(x, y, epochs: 5, validationSplit: 0.1f);
/// double last = history["val_accuracy"][^1];
/// </code>
/// </example>
public sealed class History : Callback
{
    private readonly Dictionary<string, List<double>> _values = new(StringComparer.Ordinal);
    private readonly List<string> _keys = [];
    private readonly List<int> _epochs = [];

    /// <summary>The per-epoch values of one logged quantity.</summary>
    /// <param name="key">A log name such as <c>loss</c> or <c>val_accuracy</c>.</param>
    /// <exception cref="KeyNotFoundException">Nothing was logged under <paramref name="key"/>; the message lists what was.</exception>
    public IReadOnlyList<double> this[string key] => _values.TryGetValue(key, out List<double>? v)
        ? v
        : throw new KeyNotFoundException($"History has no '{key}'. Logged: {(_keys.Count == 0 ? "nothing yet" : string.Join(", ", _keys))}.");

    /// <summary>The logged quantities, in the order they first appeared.</summary>
    public IReadOnlyList<string> Keys => _keys;

    /// <summary>The epoch numbers recorded, 0-based (Keras's <c>history.epoch</c>).</summary>
    public IReadOnlyList<int> Epoch => _epochs;

    /// <summary>True when <paramref name="key"/> was logged.</summary>
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <summary>Starts a new run: the epoch list restarts, values already recorded are kept (as Keras).</summary>
    public override void OnTrainBegin(Dictionary<string, double> logs) => _epochs.Clear();

    /// <summary>Records the epoch's logs.</summary>
    public override void OnEpochEnd(int epoch, Dictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        Record(epoch, logs);
    }

    /// <summary>Appends one epoch's logs.</summary>
    internal void Record(int epoch, IEnumerable<KeyValuePair<string, double>> logs)
    {
        _epochs.Add(epoch);
        foreach ((string key, double value) in logs)
        {
            if (!_values.TryGetValue(key, out List<double>? list))
            {
                list = [];
                _values[key] = list;
                _keys.Add(key);
            }

            list.Add(value);
        }
    }
}
