using Nabla.Layers;
using Nabla.Saving;
using Nabla.Tests.Support;

namespace Nabla.Tests.Saving;

public class WeightsFileTests
{
    [Fact]
    public void SaveWeights_then_LoadWeights_restores_weights_and_optimizer_state()
    {
        using var dir = new TempFolder();
        Sequential model = SavingFixtures.Mlp(seed: 2);
        model.Fit(SavingFixtures.X([10, 4, 3], 1), SavingFixtures.Labels(10, 3), epochs: 1, batchSize: 5, verbose: 0);
        string path = dir.File("mlp.weights.h5");
        model.SaveWeights(path);

        Sequential other = SavingFixtures.Mlp(seed: 9);
        other.TrainOnBatch(SavingFixtures.X([4, 4, 3], 2), SavingFixtures.Labels(4, 3));
        other.LoadWeights(path);

        Assert.Equal(SavingFixtures.Weights(model), SavingFixtures.Weights(other));
        Assert.Equal(SavingFixtures.Slots(model), SavingFixtures.Slots(other));
        Assert.Equal(model.Optimizer!.Iterations, other.Optimizer!.Iterations);
    }

    [Fact]
    public void LoadWeights_reads_the_weights_of_a_keras_file_too()
    {
        using var dir = new TempFolder();
        Model model = SavingFixtures.Functional(seed: 1);
        model.Save(dir.File("f.keras"));
        Model other = SavingFixtures.Functional(seed: 2);
        other.LoadWeights(dir.File("f.keras"));
        Assert.Equal(SavingFixtures.Weights(model), SavingFixtures.Weights(other));
    }

    [Fact]
    public void A_weight_of_another_shape_names_the_file_the_layer_and_both_shapes_and_changes_nothing()
    {
        using var dir = new TempFolder();
        string path = dir.File("wide.weights.h5");
        Sequential wide = new([new Dense(5, inputShape: [3], name: "hidden"), new Dense(2, name: "head")]);
        wide.SaveWeights(path);
        Sequential narrow = new([new Dense(4, inputShape: [3], name: "hidden"), new Dense(2, name: "head")]);
        float[][] before = SavingFixtures.Weights(narrow);

        var e = AssertEx.Throws<InvalidDataException>(() => narrow.LoadWeights(path),
            $"'{path}'", "weight 'kernel' of layer 'hidden' (Dense, units=4) has shape [3, 4] in the model, but [3, 5] in the file ('layers/dense/vars/0')");
        Assert.Null(e.InnerException);
        Assert.Equal(before, SavingFixtures.Weights(narrow));
    }

    [Fact]
    public void A_missing_or_extra_weight_is_reported_with_the_counts()
    {
        using var dir = new TempFolder();
        string path = dir.File("nobias.weights.h5");
        new Sequential([new Dense(4, useBias: false, inputShape: [3])]).SaveWeights(path);
        AssertEx.Throws<InvalidDataException>(() => new Sequential([new Dense(4, inputShape: [3])]).LoadWeights(path),
            "has 2 weights (kernel [3, 4], bias [4]), but the file holds 1 under 'layers/dense/vars'");
    }

    [Fact]
    public void The_file_nabla_writes_has_the_structure_keras_writes_as_h5dump_shows_it()
    {
        using var dir = new TempFolder();
        // The dense part of fashion_cnn.keras (Keras 3.10): Flatten -> Dropout -> Dense(64, relu) -> Dense(10, softmax), Adam.
        var model = new Sequential([
            new Flatten(inputShape: [5, 5, 64]),
            new Dropout(0.5f),
            new Dense(64, activation: "relu"),
            new Dense(10, activation: "softmax"),
        ]);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        model.TrainOnBatch(SavingFixtures.X([2, 5, 5, 64], 1), SavingFixtures.Labels(2, 10));
        string ours = dir.File("nabla.weights.h5");
        model.SaveWeights(ours);
        string theirs = dir.File("keras.weights.h5");
        File.WriteAllBytes(theirs, KerasArchive.Read(SavingFixtures.FashionCnnPath).Weights);

        H5Dump mine = H5Dump.Of(ours), keras = H5Dump.Of(theirs);

        // Same groups, attributes, datatypes and shapes for every layer both models have. h5py writes the name
        // attribute null-terminated, PureHDF null-padded; both are variable-length UTF-8 strings that h5py reads as str.
        static string Pad(string line) => line.Replace("H5T_STR_NULLPAD", "H5T_STR_NULLTERM", StringComparison.Ordinal);
        foreach (string layer in (string[])["layers/flatten", "layers/dropout", "layers/dense", "layers/dense_1"])
        {
            Assert.Equal(keras[layer].Outline(Pad), mine[layer].Outline(Pad));
        }

        Assert.Equal(keras["vars"].Outline(Pad), mine["vars"].Outline(Pad));
        Assert.Equal(keras["optimizer/vars/name"].Outline(Pad), mine["optimizer/vars/name"].Outline(Pad));
        Assert.Equal(["DATATYPE  H5T_STD_I64LE", "DATASPACE  SCALAR"], mine["optimizer/vars/0"].Lines);
        Assert.Equal(keras["optimizer/vars/0"].Lines, mine["optimizer/vars/0"].Lines);
        Assert.Equal(keras["optimizer/vars/1"].Lines, mine["optimizer/vars/1"].Lines);

        // Adam's slots: momentum and velocity per variable, in model order, like Keras's 10..17.
        string[] shapes = [.. Enumerable.Range(2, 8).Select(i => mine[$"optimizer/vars/{i}"].Lines[1])];
        Assert.Equal([.. Enumerable.Range(10, 8).Select(i => keras[$"optimizer/vars/{i}"].Lines[1])], shapes);
        Assert.Equal(10, mine["optimizer/vars"].Children.Count(c => c.Kind == "DATASET"));
    }
}
