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
