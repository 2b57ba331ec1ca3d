using System.Globalization;
using System.Text;

namespace Nabla.Callbacks;

/// <summary>
/// Streams each epoch's logs to a CSV file: a header <c>epoch,accuracy,loss,…</c> (keys sorted), then one row per
/// epoch (Keras's <c>CSVLogger</c>).
/// </summary>
public sealed class CSVLogger : Callback
{
    private StreamWriter? _writer;
    private string[]? _keys;

    /// <summary>Creates the logger.</summary>
    /// <param name="filename">The CSV file to write.</param>
    /// <param name="separator">The field separator (default <c>,</c>).</param>
    /// <param name="append">Append to an existing file instead of overwriting it (default false).</param>
    public CSVLogger(string filename, string separator = ",", bool append = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(filename);
        ArgumentException.ThrowIfNullOrEmpty(separator);
        Filename = filename;
        Separator = separator;
        Append = append;
    }

    /// <summary>The file written.</summary>
    public string Filename { get; }

    /// <summary>The field separator.</summary>
    public string Separator { get; }

    /// <summary>Whether rows are appended to an existing file.</summary>
    public bool Append { get; }

    /// <inheritdoc/>
    public override void OnTrainBegin(Dictionary<string, double> logs)
    {
        bool hasHeader = Append && File.Exists(Filename) && new FileInfo(Filename).Length > 0;
        _writer = new StreamWriter(Filename, Append, new UTF8Encoding(false)) { NewLine = "\n" };
        _keys = null;
        if (hasHeader)
        {
            _keys = [];
        }
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, Dictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (_writer is null)
        {
            return;
        }

        if (_keys is null || (_keys.Length == 0 && logs.Count > 0))
        {
            bool writeHeader = _keys is null;
            _keys = logs.Keys.Order(StringComparer.Ordinal).ToArray();
            if (writeHeader)
            {
                _writer.WriteLine(string.Join(Separator, ["epoch", .. _keys]));
            }
        }

        var row = new StringBuilder(epoch.ToString(CultureInfo.InvariantCulture));
        foreach (string key in _keys)
        {
            row.Append(Separator);
            if (logs.TryGetValue(key, out double v))
            {
                row.Append(v.ToString("R", CultureInfo.InvariantCulture));
            }
        }

        _writer.WriteLine(row.ToString());
        _writer.Flush();
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(Dictionary<string, double> logs)
    {
        _writer?.Dispose();
        _writer = null;
    }
}
