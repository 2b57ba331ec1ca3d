using System.Globalization;
using System.Text.RegularExpressions;
using Nabla.Saving;

namespace Nabla.Callbacks;

/// <summary>
/// Backs up the training state at the end of every epoch (or every so many batches) and, when a <c>Fit</c> that was
/// interrupted runs again, restores it, so that training continues from the last backup instead of from scratch
/// (Keras's <c>BackupAndRestore</c>).
/// </summary>
/// <remarks>
/// <para>
/// A backup is the model's weights with the optimizer's state (a Keras <c>.weights.h5</c> file) and the epoch
/// counter (<c>training_metadata.json</c>), in the backup folder. At the start of <c>Fit</c>, if a backup exists, the
/// weights and optimizer state are loaded and the run starts at the epoch after the last completed one: a run
/// killed during epoch 3 (index 2) runs again from epoch index 2, and its <see cref="History"/> holds the epochs run
/// then. With the same data order (no shuffling, or a dataset whose order does not depend on the run), the result is
/// the one an uninterrupted run gives. A backup taken every <c>saveFreq</c> batches restores those weights and
/// restarts the epoch it was taken in, as Keras does.
/// </para>
/// <para>
/// Each backup is written atomically: the weights go to a new file, then the metadata naming that file replaces the
/// previous metadata in one rename, then the older weights are deleted. A process killed at any moment leaves a
/// backup whose weights and epoch belong together. When training ends normally the backup is deleted (unless
/// <c>deleteCheckpoint</c> is false); the folder itself is removed when nothing else is in it. The model must be built
/// before <c>Fit</c> (an <c>inputShape</c> on its first layer, an <see cref="Layers.Input"/>, or a call on data), and
/// must be the same model, compiled the same way, as the one that was backed up.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// // Run the program again after a crash: training continues from the last completed epoch.
/// model.Fit(xTrain, yTrain, epochs: 10, callbacks: [new BackupAndRestore("backup")]);
/// </code>
/// </example>
public sealed partial class BackupAndRestore : Callback
{
    /// <summary>The metadata file, as Keras names it.</summary>
    public const string MetadataFileName = "training_metadata.json";

    private readonly SaveFrequency.BatchCounter _batches;
    private int _currentEpoch;
    private int _lastBatch;
    private long _generation;

    /// <summary>Creates the callback.</summary>
    /// <param name="backupDir">
    /// The folder holding the backup; created when missing. Use it for nothing else: another run's backup there would
    /// be restored into this one.
    /// </param>
    /// <param name="saveFreq"><c>"epoch"</c> (default) to back up at the end of each epoch, or a number of batches.</param>
    /// <param name="deleteCheckpoint">Whether to delete the backup when training ends normally (default true).</param>
    /// <exception cref="ArgumentException"><paramref name="backupDir"/> is empty.</exception>
    public BackupAndRestore(string backupDir, SaveFrequency saveFreq = default, bool deleteCheckpoint = true)
    {
        if (string.IsNullOrEmpty(backupDir))
        {
            throw new ArgumentException("Empty backupDir argument passed: BackupAndRestore needs a folder for its backup.", nameof(backupDir));
        }

        BackupDir = backupDir;
        SaveFreq = saveFreq;
        DeleteCheckpoint = deleteCheckpoint;
        _batches = new SaveFrequency.BatchCounter(saveFreq);
    }

    /// <summary>The backup folder.</summary>
    public string BackupDir { get; }

    /// <summary>When backups are taken.</summary>
    public SaveFrequency SaveFreq { get; }

    /// <summary>Whether the backup is deleted when training ends normally.</summary>
    public bool DeleteCheckpoint { get; }

    /// <summary>The epoch (0-based) the last <c>Fit</c> started at after restoring a backup, or null when it found none.</summary>
    public int? RestoredEpoch { get; private set; }

    private string MetadataPath => Path.Combine(BackupDir, MetadataFileName);

    /// <summary>Restores the backup, if there is one: weights, optimizer state and the epoch to start at.</summary>
    /// <exception cref="InvalidOperationException">The model is not built.</exception>
    /// <exception cref="InvalidDataException">The backup is damaged or does not fit the model; the message names the file.</exception>
    public override void OnTrainBegin(Dictionary<string, double> logs)
    {
        Model model = Model ?? throw new InvalidOperationException("BackupAndRestore has no model: it runs inside Fit.");
        if (!model.IsBuilt || model.DeclaredInputShape is null)
        {
            throw new InvalidOperationException(
                $"To use the BackupAndRestore callback, the model must be built before Fit is called, but model '{model.Name}' is not built. " +
                "Give its first layer an inputShape (or start it with new Input(...)), or call it on a batch of data first.");
        }

        RestoredEpoch = null;
        _currentEpoch = 0;
        _lastBatch = 0;
        _generation = 0;
        if (!File.Exists(MetadataPath))
        {
            return;
        }

        (int epoch, string weights, long generation) = ReadMetadata();
        model.LoadWeights(Path.Combine(BackupDir, weights));
        (_generation, _currentEpoch) = (generation, epoch);
        model.Trainer.ResumeAt(epoch);
        RestoredEpoch = epoch;
    }

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch, Dictionary<string, double> logs) => _currentEpoch = epoch;

    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, Dictionary<string, double> logs)
    {
        if (_batches.BatchEnded(batch))
        {
            _lastBatch = batch;
            Backup();
        }
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, Dictionary<string, double> logs)
    {
        _currentEpoch = epoch + 1;
        _lastBatch = 0;
        if (SaveFreq.IsEpoch)
        {
            Backup();
        }
    }

    /// <summary>Deletes the backup when <see cref="DeleteCheckpoint"/> (training ended normally).</summary>
    public override void OnTrainEnd(Dictionary<string, double> logs)
    {
        if (!DeleteCheckpoint || !Directory.Exists(BackupDir))
        {
            return;
        }

        // The metadata goes first: without it, leftover weights are never restored.
        File.Delete(MetadataPath);
        foreach (string file in OwnWeightFiles())
        {
            File.Delete(file);
        }

        if (!Directory.EnumerateFileSystemEntries(BackupDir).Any())
        {
            Directory.Delete(BackupDir);
        }
    }

    private void Backup()
    {
        Model model = Model ?? throw new InvalidOperationException("BackupAndRestore has no model: it runs inside Fit.");
        if (model.Trainer.Compiled?.Distribution is { IsChief: false })
        {
            return;   // in data-parallel training rank 0 writes the backup every rank restores from
        }

        Directory.CreateDirectory(BackupDir);
        long generation = _generation + 1;
        string weights = string.Create(CultureInfo.InvariantCulture, $"latest-{generation}.weights.h5");
        model.SaveWeights(Path.Combine(BackupDir, weights));
        var metadata = new Dictionary<string, object?>
        {
            ["epoch"] = (long)_currentEpoch,
            ["batch"] = (long)_lastBatch,
            ["weights"] = weights,
            ["generation"] = generation,
        };
        byte[] json = KerasJson.Write(metadata);
        AtomicFile.Write(MetadataPath, stream => stream.Write(json));   // the commit point: from here on, this backup is the one restored
        _generation = generation;
        foreach (string file in OwnWeightFiles())
        {
            if (Path.GetFileName(file) != weights)
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>The weight files this callback writes, in the backup folder.</summary>
    private IEnumerable<string> OwnWeightFiles() =>
        Directory.EnumerateFiles(BackupDir, "latest-*.weights.h5").Where(f => WeightsName().IsMatch(Path.GetFileName(f))).ToList();

    private (int Epoch, string Weights, long Generation) ReadMetadata()
    {
        string source = $"'{MetadataPath}'";
        Dictionary<string, object?> metadata = KerasJson.ParseObject(File.ReadAllBytes(MetadataPath), source);
        long epoch = metadata.GetValueOrDefault("epoch") is long e && e is >= 0 and <= int.MaxValue
            ? e
            : throw new InvalidDataException($"{source} has no valid 'epoch' (a non-negative integer); the backup is damaged. Delete the folder '{BackupDir}' to start afresh.");
        string weights = metadata.GetValueOrDefault("weights") is string w && WeightsName().IsMatch(w)
            ? w
            : throw new InvalidDataException($"{source} does not name its weights file ('weights': \"latest-N.weights.h5\"); it was not written by this version of BackupAndRestore. Delete the folder '{BackupDir}' to start afresh.");
        long generation = metadata.GetValueOrDefault("generation") is long g && g > 0 ? g : 1;
        if (!File.Exists(Path.Combine(BackupDir, weights)))
        {
            throw new InvalidDataException($"{source} names the weights file '{weights}', which is missing from '{BackupDir}'; the backup is incomplete. Delete the folder to start afresh.");
        }

        return ((int)epoch, weights, generation);
    }

    [GeneratedRegex(@"^latest-[0-9]+\.weights\.h5$", RegexOptions.CultureInvariant)]
    private static partial Regex WeightsName();
}
