namespace Nabla.Distributed;

/// <summary>One fused all-reduce of <see cref="GradientBuckets"/>: gradients <see cref="First"/> to <see cref="First"/> + <see cref="Count"/> − 1, <see cref="Length"/> floats in all.</summary>
/// <param name="First">The index of its first gradient.</param>
/// <param name="Count">How many consecutive gradients it holds.</param>
/// <param name="Length">The total number of floats.</param>
internal readonly record struct GradientBucket(int First, int Count, long Length);
