namespace Nabla.Tests;

public class KnownNamesTests
{
    [Theory]
    [InlineData("relu", "relu", 0)]
    [InlineData("rleu", "relu", 1)]          // an adjacent swap is one edit
    [InlineData("adm", "adam", 1)]
    [InlineData("sgd", "adagrad", 5)]
    [InlineData("", "abc", 3)]
    public void Distance_counts_edits_with_transpositions(string a, string b, int expected) =>
        Assert.Equal(expected, KnownNames.Distance(a, b));

    [Fact]
    public void Suggests_only_near_names_case_insensitively()
    {
        string[] known = ["relu", "selu", "tanh"];
        Assert.Equal("relu", KnownNames.Closest("RLEU", known));
        Assert.Null(KnownNames.Closest("softmax", known));
        Assert.Equal("Unknown activation 'rleu'. Known: relu, selu, tanh. Did you mean 'relu'?", KnownNames.UnknownMessage("activation", "rleu", known));
        Assert.Equal("Unknown activation 'xyzzy'. Known: relu, selu, tanh.", KnownNames.UnknownMessage("activation", "xyzzy", known));
    }
}
