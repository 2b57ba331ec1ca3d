using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Models;

[Collection(ConsoleOutputCollection.Name)]
public class ModelConsoleOutputTests
{
    [Fact]
    public void Verbose_0_writes_nothing_to_the_console_and_verbose_2_writes_the_epoch_lines()
    {
        var model = new Sequential([new Dense(1, inputShape: [1])]);
        model.Compile(optimizer: "sgd", loss: "mse");
        Tensor x = TestData.Uniform([8, 1]);
        string silent, loud;
        TextWriter original = Console.Out;
        try
        {
            var capture = new StringWriter();
            Console.SetOut(capture);
            model.Fit(x, x, batchSize: 4, epochs: 2, verbose: 0, validationData: (x, x));
            model.Evaluate(x, x, verbose: 0);
            model.Predict(x, verbose: 0);
            silent = capture.ToString();

            capture = new StringWriter();
            Console.SetOut(capture);
            model.Fit(x, x, batchSize: 4, epochs: 2, verbose: 2);   // the control: the capture does see the progress logger
            loud = capture.ToString();
        }
        finally
        {
            Console.SetOut(original);
        }

        Assert.Equal(string.Empty, silent);
        string[] lines = loud.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Equal("Epoch 1/2", lines[0]);
        Assert.StartsWith("2/2 - ", lines[1], StringComparison.Ordinal);
    }
}
