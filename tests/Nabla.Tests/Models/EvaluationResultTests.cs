using Nabla.Tests.Reliability;
using Nabla.Tests.Support;

namespace Nabla.Tests.Models;

public class EvaluationResultTests
{
    [Fact]
    public void Reads_by_name_by_position_in_keras_order_and_by_deconstruction()
    {
        Sequential model = ReliabilityModels.Classifier();
        (Tensor x, Tensor y) = ReliabilityModels.Data(64);
        EvaluationResult result = model.Evaluate(x, y, verbose: 0);

        Assert.Equal(["loss", "accuracy"], result.Names);   // Keras's list order: the loss, then the metrics
        Assert.Equal(result["loss"], result[0]);
        Assert.Equal(result["accuracy"], result[1]);
        var (loss, accuracy) = result;
        Assert.Equal(result["loss"], loss);
        Assert.Equal(result["accuracy"], accuracy);
        IReadOnlyDictionary<string, double> asDictionary = result;   // API.md §2 reads it as a dictionary
        Assert.Equal(2, asDictionary.Count);
        Assert.StartsWith("{loss: ", result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_names_positions_and_arity_say_what_there_is()
    {
        Sequential model = ReliabilityModels.Classifier();
        (Tensor x, Tensor y) = ReliabilityModels.Data(16);
        EvaluationResult result = model.Evaluate(x, y, verbose: 0);
        AssertEx.Throws<KeyNotFoundException>(() => _ = result["acc"], "no value named 'acc'. It has: loss, accuracy.");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => _ = result[2], "has 2 values (loss, accuracy); index 2 is out of range");
        AssertEx.Throws<InvalidOperationException>(() => { var (a, b, c) = result; }, "holds 2 values", "cannot be deconstructed into 3");
    }
}
