namespace Nabla.Kernels;

/// <summary>Pointers, leading dimensions and sizes of one product <c>C = op(A)·op(B)</c>, as the blocked driver sees it.</summary>
/// <remarks>Plain data: the public entry points validate the spans and pin them before filling it in.</remarks>
internal unsafe struct GemmOperands
{
    /// <summary>First element of A (m×k, or k×m when <see cref="TransposeA"/>).</summary>
    public float* A;

    /// <summary>First element of B (k×n, or n×k when <see cref="TransposeB"/>).</summary>
    public float* B;

    /// <summary>First element of C (m×n).</summary>
    public float* C;

    /// <summary>Row pitch of A, B and C in floats.</summary>
    public nint Lda, Ldb, Ldc;

    /// <summary>Rows of op(A) and C, columns of op(B) and C, and the shared inner dimension.</summary>
    public int M, N, K;

    /// <summary>Whether A and B are stored transposed.</summary>
    public bool TransposeA, TransposeB;

    /// <summary>Add the product to C instead of overwriting it.</summary>
    public bool Accumulate;
}
