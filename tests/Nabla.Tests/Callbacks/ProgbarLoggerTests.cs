using System.Text.RegularExpressions;
using Nabla.Callbacks;
using Nabla.Layers;

namespace Nabla.Tests.Callbacks;

public partial class ProgbarLoggerTests
{
    private static Sequential Model()
    {
        var model = new Sequential([new Dense(2, activation: "softmax", inputShape: [3])]);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        return model;
    }

    private static readonly Tensor s_x = Tensor.RandomUniform([64, 3], seed: 1);
    private static readonly Tensor s_y = Tensor.FromArray(Enumerable.Range(0, 64).Select(i => (float)(i % 2)).ToArray(), 64);

    [GeneratedRegex(@"^2/2 - \d+s - \d+(us|ms|s)/step - accuracy: \d\.\d{4} - loss: \d\.\d{4}$")]
    private static partial Regex OneLine();

    [GeneratedRegex(@"^2/2 - \d+s - \d+(us|ms|s)/step - accuracy: \d\.\d{4} - loss: \d\.\d{4} - val_accuracy: \d\.\d{4} - val_loss: \d\.\d{4}$")]
    private static partial Regex OneLineWithValidation();

    [Fact]
    public void Redirected_output_prints_one_plain_line_per_epoch()
    {
        var output = new StringWriter();
        Model().Fit(s_x, s_y, batchSize: 32, epochs: 2, verbose: 1, callbacks: [new ProgbarLogger(output, dynamicDisplay: false, colors: true)]);
        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Equal("Epoch 1/2", lines[0]);
        Assert.Matches(OneLine(), lines[1]);
        Assert.Equal("Epoch 2/2", lines[2]);
        Assert.Matches(OneLine(), lines[3]);
        Assert.DoesNotContain("\u001b", output.ToString());
        Assert.DoesNotContain("\r", output.ToString());
    }

    [Fact]
    public void Verbose_2_prints_validation_metrics_on_the_epoch_line()
    {
        var output = new StringWriter();
        Model().Fit(s_x, s_y, batchSize: 32, epochs: 1, verbose: 2, validationData: (s_x, s_y),
            callbacks: [new ProgbarLogger(output, dynamicDisplay: true, colors: true)]);
        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Matches(OneLineWithValidation(), lines[0]);
    }

    [Fact]
    public void Terminal_output_redraws_a_twenty_character_bar_in_place()
    {
        var output = new StringWriter();
        Model().Fit(s_x, s_y, batchSize: 32, epochs: 1, verbose: 1, callbacks: [new ProgbarLogger(output, dynamicDisplay: true, colors: true)]);
        string text = output.ToString();
        string last = text.Split('\r', StringSplitOptions.RemoveEmptyEntries)[^1];
        string plain = Regex.Replace(last, "\u001b\\[[0-9;]*m", string.Empty);
        Assert.Matches(@"^2/2 ━{20} \d+s \d+(us|ms|s)/step - accuracy: \d\.\d{4} - loss: \d\.\d{4}\s*\n$", plain);
        Assert.Contains("\u001b[32m━━━━━━━━━━━━━━━━━━━━\u001b[0m", last);   // done part in green
    }

    [Fact]
    public void Keras_time_format()
    {
        Assert.Equal(" 512us/step", Progbar.FormatTime(0.000512));
        Assert.Equal(" 12ms/step", Progbar.FormatTime(0.012));
        Assert.Equal(" 2s/step", Progbar.FormatTime(2.2));
        Assert.Equal(" 0s/step", Progbar.FormatTime(0));
    }

    [Fact]
    public void Small_values_use_scientific_notation()
    {
        var output = new StringWriter();
        var bar = new Progbar(output, 1, oneLine: true, colors: false);
        bar.Update(1, new Dictionary<string, double> { ["loss"] = 0.000123 }, finalize: true);
        Assert.Contains("loss: 1.2300e-04", output.ToString());
    }
}
