using System.Diagnostics;
using System.Text.Json;
using Nabla.Callbacks;
using Nabla.Tests.Reliability;
using Nabla.Tests.Support;

namespace Nabla.Tests.Callbacks;

// Keras 3's BackupAndRestore (keras/src/callbacks/backup_and_restore.py): back up every epoch, resume an interrupted
// Fit from the last completed epoch with the same weights and optimizer state, delete the backup at the end.
public class BackupAndRestoreTests
{
    [Fact]
    public async Task A_fit_killed_during_epoch_3_resumes_at_epoch_index_2_and_ends_with_the_uninterrupted_weights()
    {
        using var dir = new TempFolder();
        string backup = Path.Combine(dir.Path, "backup"), marker = Path.Combine(dir.Path, "marker"), result = Path.Combine(dir.Path, "result.txt");
        var stopwatch = Stopwatch.StartNew();

        // Run 1: a child process trains and blocks in epoch 3 (index 2) after its third batch; it is killed there.
        using (Process child = ChildProcess.Start(new Dictionary<string, string>(), "backup-fit", backup, result, "2", marker))
        {
            Task<string> output = child.StandardOutput.ReadToEndAsync(), errors = child.StandardError.ReadToEndAsync();
            while (!File.Exists(marker))
            {
                if (child.HasExited)
                {
                    Assert.Fail($"the child ended before reaching epoch 3: {await output}{await errors}");
                }

                Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(60), "the child did not reach epoch 3 within 60 s");
                await Task.Delay(20);
            }

            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
        }

        Assert.False(File.Exists(result));
        using (JsonDocument metadata = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(backup, BackupAndRestore.MetadataFileName))))
        {
            Assert.Equal(2, metadata.RootElement.GetProperty("epoch").GetInt32());   // epochs 0 and 1 completed
        }

        // Run 2: the same program again, not interrupted.
        (int exitCode, string childOutput) = ChildProcess.Run(new Dictionary<string, string>(), "backup-fit", backup, result, "-1", marker);
        Assert.True(exitCode == 0, childOutput);
        string[] lines = File.ReadAllText(result).Split('\n', 3);

        // The reference: an uninterrupted run of the same training, here.
        using var referenceDir = new TempFolder();
        (Sequential reference, History referenceHistory, BackupAndRestore referenceBackup) = BackupRun.Fit(Path.Combine(referenceDir.Path, "backup"));

        Assert.Equal("2", lines[0]);                 // restored epoch index 2
        Assert.Equal("2,3,4", lines[1]);             // its History covers the remaining epochs
        Assert.Equal(BackupRun.WeightBits(reference), lines[2]);   // bit for bit
        Assert.Null(referenceBackup.RestoredEpoch);
        Assert.Equal([0, 1, 2, 3, 4], referenceHistory.Epoch);
        Assert.False(Directory.Exists(backup));      // deleted when training ended normally
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public void An_exception_mid_run_then_a_new_fit_continues_from_the_backup()
    {
        // Keras's own scenario, in one process: a callback raises in epoch index 3; the next Fit runs epochs 3 and 4.
        using var dir = new TempFolder();
        string backup = Path.Combine(dir.Path, "backup");
        int epochNow = -1;
        var interrupt = new LambdaCallback(onEpochBegin: (e, _) => epochNow = e, onTrainBatchEnd: (b, _) =>
        {
            if (epochNow == 3 && b == 5)
            {
                throw new InvalidOperationException("Interrupting!");
            }
        });
        AssertEx.Throws<InvalidOperationException>(() => BackupRun.Fit(backup, interrupt), "Interrupting!");

        (Sequential resumed, History history, BackupAndRestore callback) = BackupRun.Fit(backup);
        using var referenceDir = new TempFolder();
        (Sequential reference, _, _) = BackupRun.Fit(Path.Combine(referenceDir.Path, "b"));

        Assert.Equal(3, callback.RestoredEpoch);
        Assert.Equal([3, 4], history.Epoch);
        Assert.Equal(2, history["loss"].Count);
        Assert.Equal(BackupRun.WeightBits(reference), BackupRun.WeightBits(resumed));
        Assert.Equal(reference.Optimizer!.Iterations, resumed.Optimizer!.Iterations);
    }

    [Fact]
    public void Each_epoch_leaves_one_weights_file_and_metadata_naming_it()
    {
        using var dir = new TempFolder();
        string backup = Path.Combine(dir.Path, "backup");
        var seen = new List<string>();
        var inspect = new LambdaCallback(onEpochEnd: (epoch, _) =>
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(backup, BackupAndRestore.MetadataFileName)));
            JsonElement root = doc.RootElement;
            string files = string.Join(' ', Directory.GetFiles(backup).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            seen.Add($"{root.GetProperty("epoch").GetInt32()} {root.GetProperty("batch").GetInt32()} {root.GetProperty("weights").GetString()} | {files}");
        });

        BackupRun.Fit(backup, inspect);   // the inspector runs after the backup callback

        Assert.Equal(
            [.. Enumerable.Range(1, BackupRun.Epochs).Select(e => $"{e} 0 latest-{e}.weights.h5 | latest-{e}.weights.h5 training_metadata.json")],
            seen);
        Assert.False(Directory.Exists(backup));
    }

    [Fact]
    public void Keeping_the_backup_makes_a_rerun_of_a_finished_fit_train_no_more_epochs()
    {
        using var dir = new TempFolder();
        string backup = Path.Combine(dir.Path, "backup");
        Sequential model = ReliabilityModels.Classifier();
        (Tensor x, Tensor y) = ReliabilityModels.Data(BackupRun.Samples);
        model.Fit(x, y, batchSize: BackupRun.BatchSize, epochs: 2, shuffle: false, verbose: 0, callbacks: [new BackupAndRestore(backup, deleteCheckpoint: false)]);
        Assert.Equal(["latest-2.weights.h5", "training_metadata.json"], Directory.GetFiles(backup).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        Sequential again = ReliabilityModels.Classifier();
        History history = again.Fit(x, y, batchSize: BackupRun.BatchSize, epochs: 2, shuffle: false, verbose: 0, callbacks: [new BackupAndRestore(backup, deleteCheckpoint: false)]);

        Assert.Empty(history.Epoch);
        Assert.Equal(BackupRun.WeightBits(model), BackupRun.WeightBits(again));   // restored, not retrained
    }

    [Fact]
    public void A_batch_frequency_backs_up_mid_epoch_and_the_resumed_run_restarts_that_epoch()
    {
        using var dir = new TempFolder();
        string backup = Path.Combine(dir.Path, "backup");
        Sequential model = ReliabilityModels.Classifier();
        (Tensor x, Tensor y) = ReliabilityModels.Data(BackupRun.Samples);
        int epochNow = -1;
        var interrupt = new LambdaCallback(onEpochBegin: (e, _) => epochNow = e, onTrainBatchEnd: (b, _) =>
        {
            if (epochNow == 1 && b == 6)
            {
                throw new InvalidOperationException("Interrupting!");
            }
        });

        // 12 batches per epoch, a backup every 5 steps (counted across epochs): steps 5, 10, then 15, which is batch
        // index 2 of epoch 1; the run is interrupted after batch index 6, before the next.
        Assert.Throws<InvalidOperationException>(() => model.Fit(x, y, batchSize: BackupRun.BatchSize, epochs: 3, shuffle: false, verbose: 0,
            callbacks: [new BackupAndRestore(backup, saveFreq: 5), interrupt]));
        using (JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(backup, BackupAndRestore.MetadataFileName))))
        {
            Assert.Equal((1, 2), (doc.RootElement.GetProperty("epoch").GetInt32(), doc.RootElement.GetProperty("batch").GetInt32()));
        }

        Sequential resumed = ReliabilityModels.Classifier();
        var callback = new BackupAndRestore(backup, saveFreq: 5);
        History history = resumed.Fit(x, y, batchSize: BackupRun.BatchSize, epochs: 3, shuffle: false, verbose: 0, callbacks: [callback]);

        Assert.Equal(1, callback.RestoredEpoch);
        Assert.Equal([1, 2], history.Epoch);
        Assert.Equal(15 + 24, resumed.Optimizer!.Iterations);   // the steps of the backup, then two full epochs
    }

    [Fact]
    public void Other_files_in_the_folder_are_left_alone()
    {
        using var dir = new TempFolder();
        string backup = Path.Combine(dir.Path, "backup");
        Directory.CreateDirectory(backup);
        File.WriteAllText(Path.Combine(backup, "notes.txt"), "mine");

        BackupRun.Fit(backup);

        Assert.Equal(["notes.txt"], Directory.GetFiles(backup).Select(Path.GetFileName));
    }

    [Fact]
    public void An_empty_folder_name_an_unbuilt_model_and_a_damaged_backup_are_reported()
    {
        AssertEx.Throws<ArgumentException>(() => new BackupAndRestore(""), "Empty backupDir argument passed");

        using var dir = new TempFolder();
        (Tensor x, Tensor y) = ReliabilityModels.Data(16);
        AssertEx.Throws<InvalidOperationException>(
            () => ReliabilityModels.Classifier(lazy: true).Fit(x, y, epochs: 1, verbose: 0, callbacks: [new BackupAndRestore(dir.Path)]),
            "To use the BackupAndRestore callback, the model must be built before Fit is called", "is not built. Give its first layer an inputShape");

        string metadata = Path.Combine(dir.Path, BackupAndRestore.MetadataFileName);
        File.WriteAllText(metadata, "{\"epoch\": 2, \"batch\": 0, \"weights\": \"latest-7.weights.h5\"}");
        AssertEx.Throws<InvalidDataException>(
            () => ReliabilityModels.Classifier().Fit(x, y, epochs: 1, verbose: 0, callbacks: [new BackupAndRestore(dir.Path)]),
            $"'{metadata}' names the weights file 'latest-7.weights.h5', which is missing");
        File.WriteAllText(metadata, "{\"epoch\": -1}");
        AssertEx.Throws<InvalidDataException>(
            () => ReliabilityModels.Classifier().Fit(x, y, epochs: 1, verbose: 0, callbacks: [new BackupAndRestore(dir.Path)]),
            $"'{metadata}' has no valid 'epoch'");
        File.WriteAllText(metadata, "{\"epoch\": ");
        AssertEx.Throws<InvalidDataException>(
            () => ReliabilityModels.Classifier().Fit(x, y, epochs: 1, verbose: 0, callbacks: [new BackupAndRestore(dir.Path)]),
            $"'{metadata}' is not valid JSON");
    }

    [Fact]
    public void Only_OnTrainBegin_during_fit_may_move_the_first_epoch()
    {
        Sequential model = ReliabilityModels.Classifier();
        AssertEx.Throws<InvalidOperationException>(() => model.Trainer.ResumeAt(1), "can only be moved from a callback's OnTrainBegin during Fit");

        (Tensor x, Tensor y) = ReliabilityModels.Data(16);
        var late = new LambdaCallback(onEpochBegin: (_, _) => model.Trainer.ResumeAt(1));
        AssertEx.Throws<InvalidOperationException>(() => model.Fit(x, y, epochs: 2, verbose: 0, callbacks: [late]), "OnTrainBegin");

        var early = new LambdaCallback(onTrainBegin: _ => model.Trainer.ResumeAt(1));
        Assert.Equal([1], model.Fit(x, y, epochs: 2, verbose: 0, callbacks: [early]).Epoch);
        Assert.Equal([0, 1], model.Fit(x, y, epochs: 2, verbose: 0).Epoch);   // for that run only
    }

    [Fact]
    public void Metadata_is_plain_json_with_keras_keys()
    {
        using var dir = new TempFolder();
        string backup = Path.Combine(dir.Path, "backup");
        Sequential model = ReliabilityModels.Classifier();
        (Tensor x, Tensor y) = ReliabilityModels.Data(16);
        model.Fit(x, y, epochs: 1, verbose: 0, callbacks: [new BackupAndRestore(backup, deleteCheckpoint: false)]);

        string json = File.ReadAllText(Path.Combine(backup, BackupAndRestore.MetadataFileName));
        Assert.Equal("{\"epoch\":1,\"batch\":0,\"weights\":\"latest-1.weights.h5\",\"generation\":1}", json);
    }
}
