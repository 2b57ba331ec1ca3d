namespace Nabla.Datasets;

/// <summary>Facts about one split of a catalogued dataset (tfds's <c>SplitInfo</c>).</summary>
public sealed class SplitInfo
{
    internal SplitInfo(string name, int numExamples)
    {
        Name = name;
        NumExamples = numExamples;
    }

    /// <summary>The split's name, <c>train</c> or <c>test</c>.</summary>
    public string Name { get; }

    /// <summary>How many examples the split holds (as loaded: 8,000 for the shipped MNIST subset's training split).</summary>
    public int NumExamples { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {NumExamples} examples";
}
