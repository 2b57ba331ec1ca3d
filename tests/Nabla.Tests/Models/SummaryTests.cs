using Nabla.Layers;

namespace Nabla.Tests.Models;

public class SummaryTests
{
    private static Sequential Tutorial()
    {
        Backend.ClearSession();
        return new Sequential([
            new Flatten(inputShape: [28, 28, 1]),
            new Dense(128, activation: "relu"),
            new Dense(10, activation: "softmax"),
        ]);
    }

    [Fact]
    public void Prints_keras_3s_table_at_88_columns()
    {
        var lines = new List<string>();
        Tutorial().Summary(lineLength: 88, printFn: lines.Add);
        string[] expected =
        [
            "Model: \"sequential\"",
            "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓",
            "┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃",
            "┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩",
            "│ flatten (Flatten)                    │ (None, 784)                 │               0 │",
            "├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤",
            "│ dense (Dense)                        │ (None, 128)                 │         100,480 │",
            "├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤",
            "│ dense_1 (Dense)                      │ (None, 10)                  │           1,290 │",
            "└──────────────────────────────────────┴─────────────────────────────┴─────────────────┘",
            " Total params: 101,770 (397.54 KB)",
            " Trainable params: 101,770 (397.54 KB)",
            " Non-trainable params: 0 (0.00 B)",
        ];
        Assert.Equal(expected, lines);
    }

    [Fact]
    public void After_training_the_optimizers_variables_count_as_in_keras()
    {
        // Keras 3 adds the built optimizer's variables: Adam's momentum and velocity per weight (2 x 101,770), its step
        // count (int64, 8 bytes) and learning rate (float32): 203,542 values, 814,172 bytes.
        Sequential model = Tutorial();
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy");
        var lines = new List<string>();
        model.Summary(lineLength: 88, printFn: lines.Add);
        Assert.DoesNotContain(lines, l => l.Contains("Optimizer params", StringComparison.Ordinal));   // not built before a step

        model.TrainOnBatch(Tensor.Zeros(4, 28, 28, 1), Tensor.Zeros(4));
        lines.Clear();
        model.Summary(lineLength: 88, printFn: lines.Add);
        Assert.Equal(
            [" Total params: 305,312 (1.16 MB)", " Trainable params: 101,770 (397.54 KB)", " Non-trainable params: 0 (0.00 B)", " Optimizer params: 203,542 (795.09 KB)"],
            lines[^4..]);

        Sequential plain = Tutorial();
        plain.Compile(optimizer: "sgd", loss: "sparse_categorical_crossentropy");
        plain.TrainOnBatch(Tensor.Zeros(4, 28, 28, 1), Tensor.Zeros(4));
        lines.Clear();
        plain.Summary(lineLength: 88, printFn: lines.Add);
        Assert.Equal(" Optimizer params: 2 (12.00 B)", lines[^1]);
    }

    [Fact]
    public void Redirected_output_uses_76_columns_like_keras()
    {
        var lines = new List<string>();
        Tutorial().Summary(lineLength: 76, printFn: lines.Add);
        Assert.All(lines.Skip(1).Take(9), l => Assert.Equal(76, l.Length));
        Assert.Equal("│ dense (Dense)                   │ (None, 128)            │       100,480 │", lines[6]);
    }

    [Fact]
    public void Functional_models_list_their_input_layer()
    {
        Backend.ClearSession();
        var input = new Input(shape: [784]);
        var model = new Model(input, new Dense(10).Apply(input));
        var lines = new List<string>();
        model.Summary(lineLength: 88, printFn: lines.Add);
        Assert.Equal("Model: \"functional\"", lines[0]);
        Assert.StartsWith("│ input_layer (InputLayer)", lines[4]);
        Assert.Contains("(None, 784)", lines[4]);
        Assert.Contains(" Total params: 7,850 (30.66 KB)", lines);
    }

    [Fact]
    public void Unbuilt_layers_show_no_shape()
    {
        var model = new Sequential([new Dense(3)]);
        var lines = new List<string>();
        model.Summary(lineLength: 88, printFn: lines.Add);
        Assert.Contains(lines, l => l.Contains(" ? ", StringComparison.Ordinal) && l.Contains("0 (unbuilt)", StringComparison.Ordinal));
    }
}
