using System.Buffers.Binary;
using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Saving;

/// <summary>
/// Damaged files: truncated at every section boundary and with bytes flipped (seeded), every loader must throw
/// <see cref="InvalidDataException"/> naming the file — never crash, hang, run out of memory or return a model that
/// computes something other than what was saved.
/// </summary>
public class FuzzTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    [Fact]
    public void Keras_files_truncated_at_every_zip_section_boundary_are_refused()
    {
        using var dir = new TempFolder();
        string good = dir.File("good.keras");
        SavingFixtures.Mlp().Save(good);
        byte[] bytes = File.ReadAllBytes(good);
        string bad = dir.File("bad.keras");
        var cuts = new SortedSet<int>();
        foreach (int boundary in ZipBoundaries(bytes))
        {
            cuts.UnionWith([boundary - 1, boundary, boundary + 1, boundary + 30]);
        }

        cuts.UnionWith(Enumerable.Range(0, 40));
        foreach (int cut in cuts.Where(c => c >= 0 && c < bytes.Length))
        {
            File.WriteAllBytes(bad, bytes[..cut]);
            ExpectRefusal(() => Model.Load(bad), bad, $"truncated to {cut} of {bytes.Length} bytes");
        }
    }

    [Fact]
    public void Keras_files_with_flipped_bytes_are_refused_or_load_unchanged()
    {
        using var dir = new TempFolder();
        string good = dir.File("good.keras");
        Sequential model = SavingFixtures.Mlp();
        model.Save(good);
        byte[] bytes = File.ReadAllBytes(good);
        Tensor x = SavingFixtures.X([3, 4, 3], 2);
        float[] expected = model.Predict(x, verbose: 0).ToArray();
        string bad = dir.File("bad.keras");
        var rng = new System.Random(1234);
        int refused = 0;
        for (int trial = 0; trial < 400; trial++)
        {
            byte[] damaged = (byte[])bytes.Clone();
            int at = trial < 100 ? rng.Next(Math.Min(bytes.Length, 400)) : rng.Next(bytes.Length);
            damaged[at] ^= (byte)(1 << rng.Next(8));
            File.WriteAllBytes(bad, damaged);
            Model? loaded = ExpectRefusalOrModel(() => Model.Load(bad), bad, $"byte {at} flipped");
            if (loaded is null)
            {
                refused++;
                continue;
            }

            // Only bytes no reader uses (timestamps, version fields) may change without an error.
            Assert.Equal(expected, loaded.Predict(x, verbose: 0).ToArray());
        }

        Assert.True(refused > 300, $"only {refused} of 400 damaged files were refused");
    }

    [Fact]
    public void Weights_files_truncated_or_flipped_never_crash_hang_or_half_load()
    {
        using var dir = new TempFolder();
        string good = dir.File("good.weights.h5");
        Sequential source = SavingFixtures.Mlp(seed: 4);
        source.SaveWeights(good);
        byte[] bytes = File.ReadAllBytes(good);
        string bad = dir.File("bad.weights.h5");
        Sequential target = SavingFixtures.Mlp(seed: 5);
        float[][] original = SavingFixtures.Weights(target);

        for (int cut = 0; cut < bytes.Length; cut += cut < 64 ? 1 : 37)
        {
            File.WriteAllBytes(bad, bytes[..cut]);
            ExpectRefusal(() => target.LoadWeights(bad), bad, $"truncated to {cut} of {bytes.Length} bytes");
            Assert.Equal(original, SavingFixtures.Weights(target));
        }

        // HDF5 has no checksum over raw data (neither has Keras's file), so a flipped weight byte can load as another
        // value; what must never happen is a crash, a hang, or a load that stops half way.
        var rng = new System.Random(99);
        int refused = 0;
        for (int trial = 0; trial < 300; trial++)
        {
            byte[] damaged = (byte[])bytes.Clone();
            int at = rng.Next(bytes.Length);
            damaged[at] ^= (byte)(1 << rng.Next(8));
            File.WriteAllBytes(bad, damaged);
            Sequential fresh = SavingFixtures.Mlp(seed: 5);
            if (ExpectRefusalOrModel(() => { fresh.LoadWeights(bad); return fresh; }, bad, $"byte {at} flipped") is null)
            {
                refused++;
                Assert.Equal(original, SavingFixtures.Weights(fresh));
            }
        }

        Assert.True(refused > 0, "no damaged weights file was refused");
    }

    [Fact]
    public void Empty_foreign_and_oversized_files_are_refused_with_what_is_wrong()
    {
        using var dir = new TempFolder();
        string empty = dir.File("empty.keras");
        File.WriteAllBytes(empty, []);
        AssertEx.Throws<InvalidDataException>(() => Model.Load(empty), $"'{empty}' is empty");
        string text = dir.File("text.keras");
        File.WriteAllText(text, "this is not a model");
        AssertEx.Throws<InvalidDataException>(() => Model.Load(text), $"'{text}' is not a zip archive");

        string weights = dir.File("w.weights.h5");
        SavingFixtures.Mlp().SaveWeights(weights);
        AssertEx.Throws<InvalidDataException>(() => Model.Load(weights), $"'{weights}' is an HDF5 file without a 'model_config' attribute", "LoadWeights");

        // A zip without the weights entry, and one whose entry claims more than the reader accepts.
        string partial = dir.File("partial.keras");
        using (var zip = new System.IO.Compression.ZipArchive(File.Create(partial), System.IO.Compression.ZipArchiveMode.Create))
        {
            zip.CreateEntry("metadata.json");
            zip.CreateEntry("config.json");
        }

        AssertEx.Throws<InvalidDataException>(() => Model.Load(partial), $"'{partial}' has no model.weights.h5", "found: metadata.json, config.json");
        string good = dir.File("good.keras");
        SavingFixtures.Mlp().Save(good);
        AssertEx.Throws<InvalidDataException>(() => Nabla.Saving.KerasArchive.Read(good, maxEntryBytes: 100), "claims", "more than the 100 this reader accepts");
    }

    /// <summary>Offsets where zip records start and where each stored entry's data starts and ends.</summary>
    private static IEnumerable<int> ZipBoundaries(byte[] zip)
    {
        for (int i = 0; i + 4 <= zip.Length; i++)
        {
            uint signature = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i));
            if (signature is 0x04034b50)
            {
                int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(i + 26));
                int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(i + 28));
                int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i + 18));
                int data = i + 30 + nameLength + extraLength;
                yield return i;
                yield return data;
                yield return data + size;
            }
            else if (signature is 0x02014b50 or 0x06054b50)
            {
                yield return i;
            }
        }

        yield return zip.Length;
    }

    private static void ExpectRefusal(Action load, string path, string what)
    {
        Exception? e = Run(() =>
        {
            load();
            return null;
        }, what).Error;
        Assert.True(e is not null, $"A file {what} loaded without an error.");
        Assert.True(e is InvalidDataException, $"A file {what} gave {e!.GetType().Name} instead of InvalidDataException: {e.Message}");
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    private static Model? ExpectRefusalOrModel(Func<Model?> load, string path, string what)
    {
        (Model? model, Exception? e) = Run(load, what);
        if (e is null)
        {
            return model;
        }

        Assert.True(e is InvalidDataException, $"A file with {what} gave {e.GetType().Name} instead of InvalidDataException: {e}");
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        return null;
    }

    // Runs a load on another thread, so that a hang fails the test instead of stalling the run.
    private static (Model? Model, Exception? Error) Run(Func<Model?> load, string what)
    {
        var task = Task.Run(() =>
        {
            try
            {
                return (load(), (Exception?)null);
            }
            catch (Exception e)
            {
                return ((Model?)null, e);
            }
        });
        Assert.True(task.Wait(Limit), $"Loading a file with {what} did not finish within {Limit.TotalSeconds} s.");
        return task.Result;
    }
}
