using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Nabla;

/// <summary>
/// What <c>Model.Evaluate</c> returns: the loss and every metric, readable both ways Keras offers them — by name, as
/// <c>evaluate(..., return_dict=True)</c> gives them, and by position in Keras's order (the loss first, then each
/// output's loss for a model with several outputs, then the metrics in the order they were compiled), as the default
/// <c>evaluate</c> list does.
/// </summary>
/// <example>
/// <code>
/// var result = model.Evaluate(xTest, yTest);
/// double accuracy = result["accuracy"];
/// double loss = result[0];
/// var (testLoss, testAccuracy) = result;
/// </code>
/// </example>
public sealed class EvaluationResult : IReadOnlyDictionary<string, double>
{
    private readonly Dictionary<string, double> _byName;
    private readonly string[] _order;

    internal EvaluationResult(Dictionary<string, double> byName, IReadOnlyList<string> order)
    {
        _byName = byName;
        var names = order.Where(byName.ContainsKey).ToList();
        names.AddRange(byName.Keys.Where(k => !names.Contains(k)).Order(StringComparer.Ordinal));   // entries a custom step adds
        _order = [.. names];
    }

    /// <summary>The names in Keras's order: <c>loss</c>, then the per-output losses, then the metrics.</summary>
    public IReadOnlyList<string> Names => _order;

    /// <summary>The number of values.</summary>
    public int Count => _order.Length;

    /// <summary>The names, in Keras's order.</summary>
    public IEnumerable<string> Keys => _order;

    /// <summary>The values, in Keras's order.</summary>
    public IEnumerable<double> Values => _order.Select(n => _byName[n]);

    /// <summary>The value logged as <paramref name="key"/>, e.g. <c>result["accuracy"]</c>.</summary>
    /// <param name="key">A name from <see cref="Names"/>.</param>
    /// <exception cref="KeyNotFoundException">No value has that name; the message lists the names there are.</exception>
    public double this[string key] => _byName.TryGetValue(key, out double v)
        ? v
        : throw new KeyNotFoundException($"Evaluate's result has no value named '{key}'. It has: {string.Join(", ", _order)}.");

    /// <summary>The value at <paramref name="index"/> in Keras's order: <c>result[0]</c> is the loss.</summary>
    /// <param name="index">A position in <see cref="Names"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside [0, <see cref="Count"/>).</exception>
    public double this[int index] => (uint)index < (uint)_order.Length
        ? _byName[_order[index]]
        : throw new ArgumentOutOfRangeException(nameof(index), index,
            $"Evaluate's result has {_order.Length} values ({string.Join(", ", _order)}); index {index} is out of range.");

    /// <summary>The loss and the only metric: <c>var (loss, accuracy) = result;</c>.</summary>
    /// <exception cref="InvalidOperationException">The result does not hold exactly two values.</exception>
    public void Deconstruct(out double first, out double second)
    {
        CheckArity(2);
        (first, second) = (this[0], this[1]);
    }

    /// <summary>Three values in Keras's order.</summary>
    /// <exception cref="InvalidOperationException">The result does not hold exactly three values.</exception>
    public void Deconstruct(out double first, out double second, out double third)
    {
        CheckArity(3);
        (first, second, third) = (this[0], this[1], this[2]);
    }

    /// <summary>Four values in Keras's order.</summary>
    /// <exception cref="InvalidOperationException">The result does not hold exactly four values.</exception>
    public void Deconstruct(out double first, out double second, out double third, out double fourth)
    {
        CheckArity(4);
        (first, second, third, fourth) = (this[0], this[1], this[2], this[3]);
    }

    /// <inheritdoc/>
    public bool ContainsKey(string key) => _byName.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out double value) => _byName.TryGetValue(key, out value);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, double>> GetEnumerator() =>
        _order.Select(n => new KeyValuePair<string, double>(n, _byName[n])).GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The values by name, as <c>{loss: 0.3412, accuracy: 0.8813}</c>.</summary>
    public override string ToString() =>
        "{" + string.Join(", ", _order.Select(n => $"{n}: {_byName[n].ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)}")) + "}";

    private void CheckArity(int wanted)
    {
        if (_order.Length != wanted)
        {
            throw new InvalidOperationException(
                $"Evaluate's result holds {_order.Length} values ({string.Join(", ", _order)}), so it cannot be deconstructed into {wanted}. " +
                $"Read them by name (result[\"{_order[^1]}\"]) or by position (result[{_order.Length - 1}]).");
        }
    }
}
