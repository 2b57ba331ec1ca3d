namespace Nabla.Kernels;

/// <summary>
/// A function a kernel applies in place to rows of its output as it finishes them, while they are still in cache: a
/// convolution's activation, fused into the pass that wrote the rows instead of a second pass over the whole output.
/// </summary>
/// <remarks>
/// Called from the kernel's worker threads, concurrently on disjoint rows, so it must keep no state of its own between
/// calls. A call covers whole rows of <c>cols</c> floats (a row-wise function such as softmax sees each row entire).
/// </remarks>
internal interface IRowEpilogue
{
    /// <summary>Replaces every value of <paramref name="rows"/> ([rows.Length / cols, cols]) by the function of it.</summary>
    /// <param name="rows">Whole rows of the output, overwritten.</param>
    /// <param name="cols">Floats per row.</param>
    void Apply(Span<float> rows, int cols);

    /// <summary>Whether the function is ReLU, max(x, 0) as <see cref="ReluOp"/> computes it, which a kernel may apply to its sums before it stores them instead of calling <see cref="Apply"/>.</summary>
    bool IsRelu => false;
}
