using System.Globalization;

namespace Nabla.Callbacks;

/// <summary>
/// When a saving callback writes: at the end of every epoch, or every so many training batches (Keras's
/// <c>save_freq</c>: <c>"epoch"</c> or an integer).
/// </summary>
/// <remarks>
/// Write it as Keras users do: <c>saveFreq: "epoch"</c> or <c>saveFreq: 100</c>; both convert implicitly. The
/// default value is <see cref="Epoch"/>. Batches are counted across epochs: with 30 batches per epoch and
/// <c>saveFreq: 20</c>, saves come after the 20th batch, the 10th of the second epoch, and so on.
/// </remarks>
/// <example>
/// <code>
/// new ModelCheckpoint("ckpt-{epoch:02d}-{batch}.keras", saveFreq: 500);
/// new BackupAndRestore("backup", saveFreq: "epoch");
/// </code>
/// </example>
public readonly struct SaveFrequency : IEquatable<SaveFrequency>
{
    private readonly int _batches;   // 0: every epoch

    private SaveFrequency(int batches) => _batches = batches;

    /// <summary>At the end of every epoch (Keras's <c>"epoch"</c>), the default.</summary>
    public static SaveFrequency Epoch => default;

    /// <summary>True when saving at the end of every epoch.</summary>
    public bool IsEpoch => _batches == 0;

    /// <summary>The number of batches between saves, or null when saving every epoch.</summary>
    public int? Batches => _batches == 0 ? null : _batches;

    /// <summary>Every <paramref name="batches"/> training batches.</summary>
    /// <param name="batches">The number of batches between saves; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batches"/> is zero or negative.</exception>
    public static SaveFrequency EveryBatches(int batches)
    {
        if (batches <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batches), batches,
                $"Unrecognized saveFreq: {batches}. Expected \"epoch\" or a positive number of batches.");
        }

        return new SaveFrequency(batches);
    }

    /// <summary>Reads Keras's string form, <c>"epoch"</c>.</summary>
    /// <param name="value">The text; only <c>"epoch"</c> is a frequency in words (give a batch count as an integer).</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> is not <c>"epoch"</c>.</exception>
    public static SaveFrequency Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value == "epoch"
            ? Epoch
            : throw new ArgumentException($"Unrecognized saveFreq: '{value}'. Expected \"epoch\" or a positive number of batches.", nameof(value));
    }

    /// <summary>Every <paramref name="batches"/> training batches: <c>saveFreq: 100</c>.</summary>
    /// <param name="batches">The number of batches between saves; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batches"/> is zero or negative.</exception>
    public static implicit operator SaveFrequency(int batches) => EveryBatches(batches);

    /// <summary>Keras's <c>"epoch"</c>: <c>saveFreq: "epoch"</c>.</summary>
    /// <param name="value">Must be <c>"epoch"</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> is not <c>"epoch"</c>.</exception>
    public static implicit operator SaveFrequency(string value) => Parse(value);

    /// <summary>Same as the <c>int</c> conversion (for languages without implicit conversions).</summary>
    /// <param name="batches">The number of batches between saves; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batches"/> is zero or negative.</exception>
    public static SaveFrequency FromInt32(int batches) => EveryBatches(batches);

    /// <summary>Same as the <c>string</c> conversion (for languages without implicit conversions).</summary>
    /// <param name="value">Must be <c>"epoch"</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> is not <c>"epoch"</c>.</exception>
    public static SaveFrequency FromString(string value) => Parse(value);

    /// <summary>Whether two frequencies are the same.</summary>
    public static bool operator ==(SaveFrequency left, SaveFrequency right) => left.Equals(right);

    /// <summary>Whether two frequencies differ.</summary>
    public static bool operator !=(SaveFrequency left, SaveFrequency right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(SaveFrequency other) => _batches == other._batches;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SaveFrequency other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _batches;

    /// <summary><c>epoch</c>, or the number of batches.</summary>
    public override string ToString() => _batches == 0 ? "epoch" : _batches.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Counts finished training batches and says when a save is due (Keras's <c>_should_save_on_batch</c>): a batch
    /// index not above the last one seen starts a new epoch.
    /// </summary>
    internal sealed class BatchCounter(SaveFrequency frequency)
    {
        private int _sinceLastSave;
        private int? _lastBatch;

        /// <summary>Records that batch <paramref name="batch"/> (0-based in its epoch) finished; true when a save is due.</summary>
        public bool BatchEnded(int batch)
        {
            if (frequency.IsEpoch)
            {
                return false;
            }

            _sinceLastSave += _lastBatch is not int last || batch <= last ? batch + 1 : batch - last;
            _lastBatch = batch;
            if (_sinceLastSave < frequency._batches)
            {
                return false;
            }

            _sinceLastSave = 0;
            return true;
        }
    }
}
