using System.Globalization;
using Nabla.Callbacks;
using Nabla.Tests.Reliability;

namespace Nabla.Tests.Callbacks;

/// <summary>
/// The training run the BackupAndRestore tests interrupt and resume: a seeded 12-32-5 classifier under Adam, 96
/// samples in batches of 8 (12 batches per epoch), 5 epochs, no shuffling, so that two runs see the same batches.
/// </summary>
internal static class BackupRun
{
    public const int Epochs = 5, Samples = 96, BatchSize = 8;

    /// <summary>Trains a fresh model with a <see cref="BackupAndRestore"/> into <paramref name="backupDir"/> and any extra callbacks.</summary>
    public static (Sequential Model, History History, BackupAndRestore Backup) Fit(string backupDir, params Callback[] extra)
    {
        Sequential model = ReliabilityModels.Classifier();
        (Tensor x, Tensor y) = ReliabilityModels.Data(Samples);
        var backup = new BackupAndRestore(backupDir);
        History history = model.Fit(x, y, batchSize: BatchSize, epochs: Epochs, shuffle: false, verbose: 0, callbacks: [backup, .. extra]);
        return (model, history, backup);
    }

    /// <summary>Every weight's bits, in order, as text: compares runs bit for bit.</summary>
    public static string WeightBits(Model model) =>
        string.Join('\n', model.Weights.Select(w => string.Join(',', w.Value.ToArray().Select(v => BitConverter.SingleToInt32Bits(v).ToString("x8", CultureInfo.InvariantCulture)))));

    /// <summary>
    /// The child process's side: runs <see cref="Fit"/>; with <paramref name="blockAtEpoch"/> at or above 0, creates
    /// <paramref name="marker"/> after the third batch of that epoch and waits there to be killed. A run that finishes
    /// writes the epoch it restored, the epochs it ran and the weight bits to <paramref name="resultFile"/>.
    /// </summary>
    public static void Child(string backupDir, string resultFile, int blockAtEpoch, string marker)
    {
        int epochNow = -1;
        var blocker = new LambdaCallback(
            onEpochBegin: (epoch, _) => epochNow = epoch,
            onTrainBatchEnd: (batch, _) =>
            {
                if (epochNow == blockAtEpoch && batch == 2)
                {
                    File.WriteAllText(marker, "blocked");
                    Thread.Sleep(Timeout.Infinite);
                }
            });
        (Sequential model, History history, BackupAndRestore backup) = Fit(backupDir, blocker);
        File.WriteAllText(resultFile,
            $"{backup.RestoredEpoch?.ToString(CultureInfo.InvariantCulture) ?? "none"}\n{string.Join(',', history.Epoch)}\n{WeightBits(model)}");
    }
}
