namespace Nabla.Callbacks;

/// <summary>
/// Saves the model, or only its weights, during training: every epoch, every so many batches, or only when a
/// monitored quantity improves (Keras's <c>ModelCheckpoint</c>).
/// </summary>
/// <remarks>
/// <para>
/// The file path may hold Python format fields, filled as Keras fills them: <c>{epoch}</c> is the
/// 1-based epoch, <c>{batch}</c> the 1-based batch (when saving every <c>saveFreq</c> batches), and any log key
/// (<c>{loss}</c>, <c>{val_loss}</c>, <c>{val_accuracy}</c>…) its value, with Python's format specs:
/// <c>"ckpt-{epoch:02d}-{val_loss:.4f}.keras"</c> names <c>ckpt-03-0.4127.keras</c>. Without fields the same file
/// is overwritten, atomically: a save that fails or is interrupted leaves the previous file whole.
/// </para>
/// <para>
/// Full models are written as Keras 3 <c>.keras</c> files (<see cref="Model.Save"/>), weights (with the optimizer's
/// state, so training can resume) as <c>.weights.h5</c> files (<see cref="Model.SaveWeights"/>). With
/// <c>saveBestOnly</c>, a save happens only when <c>monitor</c> beats the best value so far
/// (or <c>initialValueThreshold</c>); when the epoch's logs lack the monitored key, a warning goes to
/// standard error (once) and the model is saved anyway, as Keras does.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// model.Fit(xTrain, yTrain, epochs: 20, validationSplit: 0.1,
///           callbacks: [new ModelCheckpoint("best.keras", saveBestOnly: true),
///                       new ModelCheckpoint("ckpt/epoch-{epoch:02d}-{val_loss:.4f}.weights.h5", saveWeightsOnly: true)]);
/// Model best = Model.Load("best.keras");
/// </code>
/// </example>
public class ModelCheckpoint : Callback
{
    private readonly bool _maximize;
    private readonly SaveFrequency.BatchCounter _batches;
    private int _currentEpoch;
    private bool _warnedMissing;

    /// <summary>Creates the callback.</summary>
    /// <param name="filepath">
    /// Where to save, optionally with Python format fields (<c>{epoch:02d}</c>, <c>{batch}</c>, <c>{val_loss:.4f}</c>, any log
    /// key). It must end in <c>.keras</c>, or in <c>.weights.h5</c> when <paramref name="saveWeightsOnly"/>. Missing
    /// folders are created.
    /// </param>
    /// <param name="monitor">The quantity compared by <paramref name="saveBestOnly"/> (default <c>val_loss</c>).</param>
    /// <param name="verbose">1 prints a line for each decision and save, in Keras's words (default 0).</param>
    /// <param name="saveBestOnly">Save only when <paramref name="monitor"/> improves on the best value so far (default false).</param>
    /// <param name="saveWeightsOnly">Save the weights and optimizer state only (<see cref="Model.SaveWeights"/>) instead of the whole model (default false).</param>
    /// <param name="mode">
    /// <c>auto</c> (default: from the quantity's name; losses and errors go down, accuracies, AUC, precision and recall
    /// go up), <c>min</c> or <c>max</c>.
    /// </param>
    /// <param name="saveFreq"><c>"epoch"</c> (default) to save at the end of each epoch, or a number of batches.</param>
    /// <param name="initialValueThreshold">A value the monitored quantity must beat for the first save with <paramref name="saveBestOnly"/>, or null (default).</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="filepath"/> is empty or has the wrong extension; <paramref name="mode"/> is unknown, or auto mode
    /// cannot tell whether <paramref name="monitor"/> should go up or down.
    /// </exception>
    public ModelCheckpoint(string filepath, string monitor = "val_loss", int verbose = 0, bool saveBestOnly = false, bool saveWeightsOnly = false,
        string mode = "auto", SaveFrequency saveFreq = default, double? initialValueThreshold = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(filepath);
        ArgumentException.ThrowIfNullOrEmpty(monitor);
        CheckExtension(filepath, saveWeightsOnly);
        Filepath = filepath;
        Monitor = monitor;
        Verbose = verbose;
        SaveBestOnly = saveBestOnly;
        SaveWeightsOnly = saveWeightsOnly;
        SaveFreq = saveFreq;
        Best = initialValueThreshold;
        _maximize = MonitorMode.Maximize(nameof(ModelCheckpoint), monitor, mode);
        Mode = _maximize ? "max" : "min";
        _batches = new SaveFrequency.BatchCounter(saveFreq);
    }

    /// <summary>The file path, with its format fields.</summary>
    public string Filepath { get; }

    /// <summary>The quantity watched.</summary>
    public string Monitor { get; }

    /// <summary>The direction the monitored quantity improves in: <c>min</c> or <c>max</c> (auto resolved).</summary>
    public string Mode { get; }

    /// <summary>Verbosity.</summary>
    public int Verbose { get; }

    /// <summary>Whether only improvements are saved.</summary>
    public bool SaveBestOnly { get; }

    /// <summary>Whether only the weights (and optimizer state) are saved.</summary>
    public bool SaveWeightsOnly { get; }

    /// <summary>When saves happen.</summary>
    public SaveFrequency SaveFreq { get; }

    /// <summary>
    /// The best monitored value so far (or the initial threshold), or null before the first comparison. Kept across
    /// <c>Fit</c> calls, as Keras keeps it.
    /// </summary>
    public double? Best { get; private set; }

    /// <summary>
    /// Whether this process writes the files: true, except on the ranks other than 0 in data-parallel training, so that
    /// the ranks do not write the same file. The decisions (best value, messages) are still made on every process.
    /// </summary>
    protected virtual bool WritesFiles => Model?.Trainer.Compiled?.Distribution is not { IsChief: false };

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch, Dictionary<string, double> logs) => _currentEpoch = epoch;

    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, Dictionary<string, double> logs)
    {
        if (_batches.BatchEnded(batch))
        {
            SaveModel(_currentEpoch, batch, logs);
        }
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, Dictionary<string, double> logs)
    {
        if (SaveFreq.IsEpoch)
        {
            SaveModel(epoch, null, logs);
        }
    }

    /// <summary>
    /// The file name for an epoch (0-based, shown 1-based) and batch (0-based, shown 1-based, or null for an epoch
    /// save) with these logs, as Python's <c>filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)</c>.
    /// </summary>
    /// <exception cref="KeyNotFoundException">A field names a key the logs lack.</exception>
    /// <exception cref="FormatException">A field's format spec does not apply to its value.</exception>
    internal string FilePathFor(int epoch, int? batch, IReadOnlyDictionary<string, double>? logs)
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach ((string key, double value) in logs ?? new Dictionary<string, double>())
        {
            values[key] = value;
        }

        values["epoch"] = (long)epoch + 1;
        if (batch is int b && !values.ContainsKey("batch"))
        {
            values["batch"] = (long)b + 1;
        }

        try
        {
            return PythonFormat.Format(Filepath, values);
        }
        catch (KeyNotFoundException e)
        {
            throw new KeyNotFoundException(
                $"Failed to format this callback filepath: \"{Filepath}\". Reason: {e.Message}. Available: {string.Join(", ", values.Keys.Order(StringComparer.Ordinal))}.", e);
        }
        catch (FormatException e)
        {
            throw new FormatException($"Failed to format this callback filepath: \"{Filepath}\". Reason: {e.Message}.", e);
        }
    }

    private void SaveModel(int epoch, int? batch, Dictionary<string, double> logs)
    {
        string filepath = FilePathFor(epoch, batch, logs);
        if (!ShouldSave(epoch, logs, filepath))
        {
            return;
        }

        if (Directory.Exists(filepath))
        {
            throw new IOException($"Please specify a non-directory filepath for ModelCheckpoint. Filepath used is an existing directory: {filepath}");
        }

        if (WritesFiles)
        {
            string? folder = Path.GetDirectoryName(Path.GetFullPath(filepath));
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            Model model = Model ?? throw new InvalidOperationException("ModelCheckpoint has no model: it saves only when run by Fit.");
            if (SaveWeightsOnly)
            {
                model.SaveWeights(filepath);
            }
            else
            {
                model.Save(filepath);
            }
        }

        if (Verbose > 0)
        {
            Console.WriteLine($"\nEpoch {epoch + 1}: finished saving model to {filepath}");
        }
    }

    /// <summary>Keras's decision: always without <see cref="SaveBestOnly"/>; else when the monitored value improves (or is missing).</summary>
    private bool ShouldSave(int epoch, Dictionary<string, double> logs, string filepath)
    {
        if (!SaveBestOnly)
        {
            if (Verbose > 0)
            {
                Console.WriteLine($"\nEpoch {epoch + 1}: saving model to {filepath}");
            }

            return true;
        }

        if (logs is null || !logs.TryGetValue(Monitor, out double current))
        {
            if (!_warnedMissing)
            {
                _warnedMissing = true;
                Console.Error.WriteLine($"Warning: Can save best model only with {Monitor} available. Available: {(logs is null || logs.Count == 0 ? "nothing" : string.Join(", ", logs.Keys))}. Saving anyway.");
            }

            return true;
        }

        string bestText = Best is double b ? Fixed5(b) : "None";
        if (Best is not double best || (_maximize ? current > best : current < best))
        {
            if (Verbose > 0)
            {
                Console.WriteLine($"\nEpoch {epoch + 1}: {Monitor} improved from {bestText} to {Fixed5(current)}, saving model to {filepath}");
            }

            Best = current;
            return true;
        }

        if (Verbose > 0)
        {
            Console.WriteLine($"\nEpoch {epoch + 1}: {Monitor} did not improve from {bestText}");
        }

        return false;
    }

    private static string Fixed5(double value) => PythonFormat.Format("{v:.5f}", new Dictionary<string, object> { ["v"] = value });

    private static void CheckExtension(string filepath, bool saveWeightsOnly)
    {
        if (saveWeightsOnly)
        {
            if (!filepath.EndsWith(".weights.h5", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException(
                    $"When using saveWeightsOnly: true in ModelCheckpoint, the filepath provided must end in .weights.h5 (Keras weights format). Received: filepath={filepath}",
                    nameof(filepath));
            }

            return;
        }

        if (filepath.EndsWith(".h5", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"The filepath provided must end in .keras (Keras model format). Received: filepath={filepath}. " +
                "Nabla writes whole models as Keras 3 .keras files only (it reads legacy .h5 models but does not write them); " +
                "use a .keras name, or saveWeightsOnly: true with a .weights.h5 name.", nameof(filepath));
        }

        if (!filepath.EndsWith(".keras", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"The filepath provided must end in .keras (Keras model format). Received: filepath={filepath}", nameof(filepath));
        }
    }
}
