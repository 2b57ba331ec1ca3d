namespace Nabla.Distributed;

/// <summary>One all-reduce of <see cref="GradientBuckets"/>: the gradients it holds, in order, and their total length in floats.</summary>
/// <param name="Gradients">The indices of its gradients; one gradient is reduced where it lies, several are packed into the staging buffer.</param>
/// <param name="Length">The total number of floats.</param>
internal sealed record GradientBucket(int[] Gradients, long Length)
{
    /// <summary>Whether the bucket is one gradient, all-reduced where it lies without a copy.</summary>
    public bool InPlace => Gradients.Length == 1;

    /// <inheritdoc/>
    public bool Equals(GradientBucket? other) => other is not null && Length == other.Length && Gradients.AsSpan().SequenceEqual(other.Gradients);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Length, Gradients.Length);

    /// <inheritdoc/>
    public override string ToString() => $"[{string.Join(", ", Gradients)}] ({Length} floats)";
}
