namespace Nabla.Kernels.Parallel;

/// <summary>One piece of work that <see cref="ParallelRunner"/> executes once for each index in [0, count).</summary>
/// <remarks>
/// Implement it on a struct holding the kernel's arguments (pointers, sizes) and run it with
/// <c>ParallelRunner.For(count, ref job)</c>. Indices run concurrently on different threads in no
/// particular order, so <see cref="Execute"/> must only write state that belongs to its index.
/// The job may be a <c>ref struct</c> (it can hold spans): the runner keeps it on the caller's
/// stack and the caller waits until every index has finished.
/// </remarks>
internal interface IParallelJob
{
    /// <summary>Runs the part of the work numbered <paramref name="index"/>.</summary>
    /// <param name="index">The index of the part, in [0, count).</param>
    void Execute(int index);
}
