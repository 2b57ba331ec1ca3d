using Nabla.Callbacks;
using Nabla.Tests.Reliability;
using Nabla.Tests.Support;

namespace Nabla.Tests.Callbacks;

// Keras 3's ModelCheckpoint (keras/src/callbacks/model_checkpoint.py): file names, extensions, the best-only
// decision, save frequencies and its messages. In the console collection because verbose runs print.
[Collection(ConsoleOutputCollection.Name)]
public class ModelCheckpointTests
{
    [Fact]
    public void The_API_md_form_compiles_with_Keras_defaults()
    {
        var checkpoint = new ModelCheckpoint("best.keras", saveBestOnly: true);

        Assert.Equal(("val_loss", "min", 0, true, false), (checkpoint.Monitor, checkpoint.Mode, checkpoint.Verbose, checkpoint.SaveBestOnly, checkpoint.SaveWeightsOnly));
        Assert.True(checkpoint.SaveFreq.IsEpoch);
        Assert.Null(checkpoint.Best);
    }

    [Theory]
    [InlineData("model.txt", false, "The filepath provided must end in .keras (Keras model format). Received: filepath=model.txt")]
    [InlineData("model.keras", true, "When using saveWeightsOnly: true in ModelCheckpoint, the filepath provided must end in .weights.h5 (Keras weights format). Received: filepath=model.keras")]
    [InlineData("model.h5", true, "must end in .weights.h5 (Keras weights format). Received: filepath=model.h5")]
    [InlineData("model.h5", false, "Received: filepath=model.h5. Nabla writes whole models as Keras 3 .keras files only")]
    [InlineData("w.weights.h5", false, "Received: filepath=w.weights.h5. Nabla writes whole models as Keras 3 .keras files only")]
    [InlineData("ckpt-{epoch:02d}", false, "Received: filepath=ckpt-{epoch:02d}")]
    public void A_path_with_the_wrong_extension_is_refused_as_Keras_refuses_it(string path, bool weightsOnly, string message) =>
        AssertEx.Throws<ArgumentException>(() => new ModelCheckpoint(path, saveWeightsOnly: weightsOnly), message);

    [Theory]
    [InlineData("model.keras", false)]
    [InlineData("ckpt/{epoch:02d}-{val_loss:.4f}.keras", false)]
    [InlineData("model.weights.h5", true)]
    [InlineData("{epoch}.weights.h5", true)]
    public void Keras_extensions_are_accepted(string path, bool weightsOnly) =>
        Assert.Equal(path, new ModelCheckpoint(path, saveWeightsOnly: weightsOnly).Filepath);

    [Theory]
    [InlineData("val_loss", "auto", "min")]
    [InlineData("loss", "auto", "min")]
    [InlineData("val_mean_absolute_error", "auto", "min")]
    [InlineData("val_accuracy", "auto", "max")]
    [InlineData("sparse_categorical_accuracy", "auto", "max")]
    [InlineData("val_auc", "auto", "max")]
    [InlineData("val_loss", "max", "max")]
    [InlineData("accuracy", "min", "min")]
    public void Auto_mode_takes_the_direction_from_the_quantity(string monitor, string mode, string expected) =>
        Assert.Equal(expected, new ModelCheckpoint("m.keras", monitor: monitor, mode: mode).Mode);

    [Fact]
    public void An_unknown_mode_or_an_undecidable_quantity_is_refused()
    {
        AssertEx.Throws<ArgumentException>(() => new ModelCheckpoint("m.keras", mode: "sideways"), "ModelCheckpoint: unknown mode 'sideways'. Known: auto, max, min.");
        AssertEx.Throws<ArgumentException>(() => new ModelCheckpoint("m.keras", monitor: "val_banana"),
            "ModelCheckpoint cannot tell whether 'val_banana' should go up or down. Pass mode: \"max\" or mode: \"min\".");
    }

    [Fact]
    public void Save_frequencies_are_epoch_or_a_positive_batch_count()
    {
        Assert.Equal(SaveFrequency.Epoch, new ModelCheckpoint("m.keras", saveFreq: "epoch").SaveFreq);
        SaveFrequency every = new ModelCheckpoint("m.keras", saveFreq: 100).SaveFreq;
        Assert.Equal((100, false, "100"), (every.Batches, every.IsEpoch, every.ToString()));
        Assert.Equal("epoch", SaveFrequency.Epoch.ToString());
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new ModelCheckpoint("m.keras", saveFreq: 0), "Unrecognized saveFreq: 0. Expected \"epoch\" or a positive number of batches.");
        AssertEx.Throws<ArgumentException>(() => new ModelCheckpoint("m.keras", saveFreq: "batch"), "Unrecognized saveFreq: 'batch'. Expected \"epoch\" or a positive number of batches.");
    }

    [Fact]
    public void File_names_are_filled_as_Python_formats_them_with_the_1_based_epoch_and_batch()
    {
        var logs = new Dictionary<string, double> { ["loss"] = 0.5, ["val_loss"] = 0.41274 };

        Assert.Equal("ckpt-03-0.4127.keras", new ModelCheckpoint("ckpt-{epoch:02d}-{val_loss:.4f}.keras").FilePathFor(2, null, logs));
        Assert.Equal("1-5-0.5.keras", new ModelCheckpoint("{epoch}-{batch}-{loss}.keras").FilePathFor(0, 4, logs));
        // A "batch" in the logs wins over the batch counter, as Keras leaves it to the logs.
        Assert.Equal("1-9.0.keras", new ModelCheckpoint("{epoch}-{batch}.keras").FilePathFor(0, 4, new Dictionary<string, double> { ["batch"] = 9 }));
    }

    [Fact]
    public void A_field_the_logs_lack_or_a_spec_that_does_not_apply_is_reported_with_the_path()
    {
        var logs = new Dictionary<string, double> { ["loss"] = 0.5 };

        AssertEx.Throws<KeyNotFoundException>(() => new ModelCheckpoint("x-{val_loss}.keras").FilePathFor(0, null, logs),
            "Failed to format this callback filepath: \"x-{val_loss}.keras\". Reason: 'val_loss'. Available: epoch, loss.");
        AssertEx.Throws<FormatException>(() => new ModelCheckpoint("{loss:d}.keras").FilePathFor(0, null, logs),
            "Failed to format this callback filepath: \"{loss:d}.keras\". Reason: Unknown format code 'd' for object of type 'float'.");
        AssertEx.Throws<KeyNotFoundException>(() => new ModelCheckpoint("{batch}.keras").FilePathFor(0, null, logs), "Reason: 'batch'");
    }

    [Fact]
    public void Fit_saves_every_epoch_to_the_file_its_logs_name()
    {
        using var dir = new TempFolder();
        Sequential model = ReliabilityModels.Classifier();
        (Tensor x, Tensor y) = ReliabilityModels.Data(40);

        History history = model.Fit(x, y, batchSize: 8, epochs: 3, verbose: 0, shuffle: false,
            callbacks: [new ModelCheckpoint(Path.Combine(dir.Path, "e{epoch:02d}-{loss:.3f}.keras"), monitor: "loss")]);

        string[] expected = [.. history["loss"].Select((loss, i) => PythonFormat.Format("e{e:02d}-{l:.3f}.keras", new Dictionary<string, object> { ["e"] = (long)i + 1, ["l"] = loss }))];
        Assert.Equal(expected, Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Model last = Model.Load(Path.Combine(dir.Path, expected[^1]));
        AssertEx.Close(model.Predict(x, verbose: 0), last.Predict(x, verbose: 0), atol: 0, rtol: 0);
        Assert.Equal(15, last.Optimizer!.Iterations);   // 3 epochs of 5 batches: the optimizer's state came along
    }

    [Fact]
    public void Save_best_only_saves_on_improvement_and_says_so_in_Keras_words()
    {
        using var dir = new TempFolder();
        string path = Path.Combine(dir.Path, "best-{epoch}.keras");
        var checkpoint = new ModelCheckpoint(path, monitor: "loss", verbose: 1, saveBestOnly: true);

        string output = Drive(checkpoint, ReliabilityModels.Classifier(), "loss", [0.5, 0.7, 0.4, 0.4]);

        string p1 = Path.Combine(dir.Path, "best-1.keras"), p3 = Path.Combine(dir.Path, "best-3.keras");
        Assert.Equal(
            $"\nEpoch 1: loss improved from None to 0.50000, saving model to {p1}\n\nEpoch 1: finished saving model to {p1}\n" +
            "\nEpoch 2: loss did not improve from 0.50000\n" +
            $"\nEpoch 3: loss improved from 0.50000 to 0.40000, saving model to {p3}\n\nEpoch 3: finished saving model to {p3}\n" +
            "\nEpoch 4: loss did not improve from 0.40000\n",
            output.ReplaceLineEndings("\n"));
        Assert.Equal(["best-1.keras", "best-3.keras"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(0.4, checkpoint.Best);
    }

    [Fact]
    public void The_initial_threshold_must_be_beaten_and_accuracies_go_up()
    {
        using var dir = new TempFolder();
        var checkpoint = new ModelCheckpoint(Path.Combine(dir.Path, "{epoch}.keras"), monitor: "val_accuracy", verbose: 1, saveBestOnly: true, initialValueThreshold: 0.6);

        string output = Drive(checkpoint, ReliabilityModels.Classifier(), "val_accuracy", [0.5, 0.65, 0.6]);

        Assert.Equal(["2.keras"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
        Assert.Contains("Epoch 1: val_accuracy did not improve from 0.60000", output, StringComparison.Ordinal);
        Assert.Contains("Epoch 2: val_accuracy improved from 0.60000 to 0.65000", output, StringComparison.Ordinal);
        Assert.Contains("Epoch 3: val_accuracy did not improve from 0.65000", output, StringComparison.Ordinal);
        Assert.Equal(0.65, checkpoint.Best);
    }

    [Fact]
    public void A_missing_monitored_key_warns_once_and_saves_anyway()
    {
        using var dir = new TempFolder();
        Sequential model = ReliabilityModels.Classifier();
        (Tensor x, Tensor y) = ReliabilityModels.Data(16);
        TextWriter original = Console.Error;
        var errors = new StringWriter();
        try
        {
            Console.SetError(errors);
            model.Fit(x, y, batchSize: 8, epochs: 3, verbose: 0, callbacks: [new ModelCheckpoint(Path.Combine(dir.Path, "{epoch}.keras"), saveBestOnly: true)]);
        }
        finally
        {
            Console.SetError(original);
        }

        string[] warnings = errors.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Warning: Can save best model only with val_loss available. Available: accuracy, loss. Saving anyway.", Assert.Single(warnings));
        Assert.Equal(["1.keras", "2.keras", "3.keras"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_step_count_saves_every_that_many_batches_counted_across_epochs()
    {
        using var dir = new TempFolder();
        Sequential model = ReliabilityModels.Classifier();
        (Tensor x, Tensor y) = ReliabilityModels.Data(10);

        // 5 batches per epoch, a save every 3: after batch 3 of epoch 1, then batches 1 and 4 of epoch 2 (Keras's numbering).
        model.Fit(x, y, batchSize: 2, epochs: 2, verbose: 0, shuffle: false,
            callbacks: [new ModelCheckpoint(Path.Combine(dir.Path, "{epoch}-{batch}.weights.h5"), saveWeightsOnly: true, saveFreq: 3)]);

        Assert.Equal(["1-3.weights.h5", "2-1.weights.h5", "2-4.weights.h5"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Sequential again = ReliabilityModels.Classifier();
        again.LoadWeights(Path.Combine(dir.Path, "2-4.weights.h5"));
        Assert.Equal(9, again.Optimizer!.Iterations);   // batch 4 of epoch 2 is the 9th step
    }

    [Fact]
    public void Verbose_saves_print_Keras_lines_and_missing_folders_are_created()
    {
        using var dir = new TempFolder();
        string path = Path.Combine(dir.Path, "sub", "deeper", "m.keras");
        var checkpoint = new ModelCheckpoint(path, verbose: 1);

        string output = Drive(checkpoint, ReliabilityModels.Classifier(), "loss", [1.0]);

        Assert.Equal($"\nEpoch 1: saving model to {path}\n\nEpoch 1: finished saving model to {path}\n", output.ReplaceLineEndings("\n"));
        Assert.True(File.Exists(path));
    }

    [Fact]
    public void A_path_that_is_a_folder_is_reported()
    {
        using var dir = new TempFolder();
        string path = Path.Combine(dir.Path, "taken.keras");
        Directory.CreateDirectory(path);

        AssertEx.Throws<IOException>(() => Drive(new ModelCheckpoint(path), ReliabilityModels.Classifier(), "loss", [1.0]),
            $"Please specify a non-directory filepath for ModelCheckpoint. Filepath used is an existing directory: {path}");
    }

    [Fact]
    public void A_process_that_does_not_write_files_still_tracks_the_best_value()
    {
        using var dir = new TempFolder();
        var checkpoint = new SilentCheckpoint(Path.Combine(dir.Path, "m.keras"));

        Drive(checkpoint, ReliabilityModels.Classifier(), "loss", [0.9, 0.3, 0.5]);

        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
        Assert.Equal(0.3, checkpoint.Best);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_save_that_fails_part_way_leaves_the_previous_checkpoint_whole(bool ignoreSignal)
    {
        // The child's files may not grow past 64 KB (ulimit -f), and its checkpoint is about 230 KB: the write into the
        // temporary file fails mid-way. With SIGXFSZ ignored the write fails with an exception (and the temporary
        // file is cleaned up); with the default action the kernel kills the process in the middle of the write.
        // DOTNET_EnableWriteXorExecute=0: the runtime's double-mapped code memory is a file the limit would refuse.
        using var dir = new TempFolder();
        string path = dir.File("model.keras");
        Sequential previous = ReliabilityModels.Classifier();
        previous.Save(path);
        byte[] before = File.ReadAllBytes(path);

        (string host, string[] hostArgs) = ChildProcess.CommandLine();
        string script = (ignoreSignal ? "trap '' XFSZ; " : string.Empty) + "ulimit -f 64; exec \"$@\"";
        using var child = ChildProcess.StartProgram("bash", new Dictionary<string, string> { ["DOTNET_EnableWriteXorExecute"] = "0" },
            ["-c", script, "bash", host, .. hostArgs, "checkpoint-overwrite", path]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Task<string> stderr = child.StandardError.ReadToEndAsync(timeout.Token);
        string output = await child.StandardOutput.ReadToEndAsync(timeout.Token) + await stderr;
        await child.WaitForExitAsync(timeout.Token);

        Assert.True(output.StartsWith("training", StringComparison.Ordinal), output);
        Assert.Equal(before, File.ReadAllBytes(path));
        Tensor x = ReliabilityModels.Data(4).X;
        AssertEx.Close(previous.Predict(x, verbose: 0), Model.Load(path).Predict(x, verbose: 0), atol: 0, rtol: 0);
        string[] others = [.. Directory.GetFiles(dir.Path).Where(f => Path.GetFileName(f) != "model.keras")];
        if (ignoreSignal)
        {
            Assert.True(child.ExitCode == 1 && output.Contains("Exception: ", StringComparison.Ordinal), output);
            Assert.Empty(others);
        }
        else
        {
            // Killed by SIGXFSZ (128 + 25) mid-write: the partial temporary file stays, hidden beside the intact checkpoint.
            Assert.Equal(153, child.ExitCode);
            string partial = Assert.Single(others);
            Assert.Matches(@"^\.model\.keras\.[0-9a-f]{32}\.tmp$", Path.GetFileName(partial));
            Assert.Equal(64 * 1024, new FileInfo(partial).Length);
        }
    }

    /// <summary>Runs epoch events with the monitored value taking each of <paramref name="values"/>; returns what was printed.</summary>
    private static string Drive(ModelCheckpoint checkpoint, Model model, string key, double[] values)
    {
        checkpoint.SetModel(model);
        checkpoint.SetParams(new CallbackParams(values.Length, 1, 0));
        TextWriter original = Console.Out;
        var capture = new StringWriter();
        try
        {
            Console.SetOut(capture);
            checkpoint.OnTrainBegin([]);
            for (int epoch = 0; epoch < values.Length; epoch++)
            {
                checkpoint.OnEpochBegin(epoch, []);
                checkpoint.OnEpochEnd(epoch, new Dictionary<string, double> { [key] = values[epoch] });
            }
        }
        finally
        {
            Console.SetOut(original);
        }

        return capture.ToString();
    }

    /// <summary>The seam distributed training will use: a rank other than 0 decides but does not write.</summary>
    private sealed class SilentCheckpoint(string path) : ModelCheckpoint(path, monitor: "loss", saveBestOnly: true)
    {
        protected override bool WritesFiles => false;
    }
}
