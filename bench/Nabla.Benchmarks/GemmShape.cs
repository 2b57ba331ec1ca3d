namespace Nabla.Benchmarks;

/// <summary>One GEMM of a benchmark: C[m×n] = op(A)·op(B) with inner dimension k.</summary>
/// <param name="Name">Short label used in tables.</param>
/// <param name="TransposeA">A is stored k×m.</param>
/// <param name="TransposeB">B is stored n×k.</param>
/// <param name="M">Rows of C.</param>
/// <param name="N">Columns of C.</param>
/// <param name="K">Inner dimension.</param>
public sealed record GemmShape(string Name, bool TransposeA, bool TransposeB, int M, int N, int K)
{
    /// <summary>
    /// The products of a Dense layer's training step for 784-wide inputs: forward Y = X·W (NN),
    /// input gradient dX = dY·Wᵀ (NT) and weight gradient dW = Xᵀ·dY (TN), for a 784→128 layer with
    /// batch 32 and a 784→512 layer with batch 128, plus the batch-256 forward pass and the batch-1 step (W7), whose
    /// forward pass is a row vector times W and whose weight gradient is an outer product (k = 1), and the three products
    /// of W2's 256 → 256 layers at batch 20.
    /// </summary>
    public static readonly GemmShape[] Backprop =
    [
        new("32x784x128 fwd NN", false, false, 32, 128, 784),
        new("32x784x128 dX NT", false, true, 32, 784, 128),
        new("32x784x128 dW TN", true, false, 784, 128, 32),
        new("128x784x512 fwd NN", false, false, 128, 512, 784),
        new("128x784x512 dX NT", false, true, 128, 784, 512),
        new("128x784x512 dW TN", true, false, 784, 512, 128),
        new("256x784x128 fwd NN", false, false, 256, 128, 784),
        new("256x784x128 dW TN", true, false, 784, 128, 256),
        new("1x784x128 fwd NN", false, false, 1, 128, 784),
        new("1x784x128 dW TN", true, false, 784, 128, 1),
        new("20x256x256 fwd NN", false, false, 20, 256, 256),
        new("20x256x256 dX NT", false, true, 20, 256, 256),
        new("20x256x256 dW TN", true, false, 256, 256, 20),
    ];

    /// <summary>Floating-point operations of the product, 2·m·n·k.</summary>
    public double Flops => 2.0 * M * N * K;

    /// <inheritdoc/>
    public override string ToString() => Name;
}
