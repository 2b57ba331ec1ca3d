using Nabla.Kernels;
using Nabla.Tensors;

namespace Nabla.Autodiff;

// Matrix products with either operand used transposed, [m, k]-or-[k, m] · [k, n]-or-[n, k], alone or batched item by
// item ([b, ·, ·]·[b, ·, ·]). The transposes are the GEMM's flags, so no operand is copied; the Dot layer's batch dot
// product over any pair of axes reduces to this.
public static partial class Ops
{
    /// <summary>
    /// Matrix product op(a)·op(b), where op transposes the last two axes when its flag is set (TensorFlow's
    /// <c>matmul(a, b, transpose_a, transpose_b)</c>): [m, k]·[k, n] → [m, n], or batch item by batch item
    /// [b, m, k]·[b, k, n] → [b, m, n].
    /// </summary>
    /// <param name="a">The left operand, 2-D, or 3-D for a batch; stored [k, m] when <paramref name="transposeA"/>.</param>
    /// <param name="b">The right operand, of <paramref name="a"/>'s rank and batch size; stored [n, k] when <paramref name="transposeB"/>.</param>
    /// <param name="transposeA">Use each matrix of <paramref name="a"/> transposed.</param>
    /// <param name="transposeB">Use each matrix of <paramref name="b"/> transposed.</param>
    /// <returns>The product, [m, n] or [b, m, n].</returns>
    /// <example>
    /// <code>
    /// Tensor scores = Ops.MatMul(queries, keys, transposeA: false, transposeB: true);   // [b, q, d]·[b, t, d]ᵀ → [b, q, t]
    /// </code>
    /// </example>
    /// <exception cref="ShapeMismatchException">
    /// The ranks are not both 2 or both 3, the batch sizes differ, or the inner dimensions of op(a) and op(b) differ.
    /// </exception>
    public static Tensor MatMul(Tensor a, Tensor b, bool transposeA, bool transposeB)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        TransposedProduct p = TransposedProduct.Of(a.Dims, b.Dims, transposeA, transposeB);
        Tensor y = a.Rank == 3 ? OpSupport.Empty([p.Batch, p.M, p.N], a) : OpSupport.Empty([p.M, p.N], a);
        Compute.GemmBatched("MatMul", transposeA, transposeB, p.Batch, p.M, p.N, p.K,
            a, a.Dim(-1), p.M * p.K, b, b.Dim(-1), p.K * p.N, y, p.N, p.M * p.N);
        if (OpSupport.TapeFor(a, b) is { } tape)
        {
            tape.RecordBinary<MatMulTransposedNode>(y, a, b).Set(transposeA, transposeB);
        }

        return y;
    }

    /// <summary>The dimensions of a validated product: op(A) is [batch][m, k], op(B) is [batch][k, n].</summary>
    private readonly record struct TransposedProduct(int Batch, int M, int K, int N)
    {
        public static TransposedProduct Of(ReadOnlySpan<int> a, ReadOnlySpan<int> b, bool transposeA, bool transposeB)
        {
            string Flags() => $"(transposeA: {(transposeA ? "true" : "false")}, transposeB: {(transposeB ? "true" : "false")})";
            if (a.Length != b.Length || a.Length is < 2 or > 3)
            {
                string sa = ShapeUtil.Format(a), sb = ShapeUtil.Format(b);
                throw new ShapeMismatchException("MatMul", "two matrices, or two batches of matrices ([b, ·, ·] both)", $"{sa} and {sb}",
                    $"MatMul {Flags()}: expects two 2-D operands or two 3-D batches, but received {sa} and {sb} (ranks {a.Length} and {b.Length}).");
            }

            if (a.Length == 3 && a[0] != b[0])
            {
                string sa = ShapeUtil.Format(a), sb = ShapeUtil.Format(b);
                throw new ShapeMismatchException("MatMul", $"a right operand with batch size {a[0]}", sb,
                    $"MatMul {Flags()}: batch sizes must match, but received {sa} and {sb} ({a[0]} != {b[0]}).");
            }

            int m = transposeA ? a[^1] : a[^2], k = transposeA ? a[^2] : a[^1];
            int kb = transposeB ? b[^1] : b[^2], n = transposeB ? b[^2] : b[^1];
            if (k != kb)
            {
                string sa = ShapeUtil.Format(a), sb = ShapeUtil.Format(b);
                throw new ShapeMismatchException("MatMul", $"op(b) with {k} rows", sb,
                    $"MatMul {Flags()}: inner dimensions must match, but received {sa} and {sb}: op(a) has {k} columns and op(b) has {kb} rows.");
            }

            return new TransposedProduct(a.Length == 3 ? a[0] : 1, m, k, n);
        }
    }

    private sealed class MatMulTransposedNode : BinaryNode
    {
        public bool TransposeA, TransposeB;

        public override string Name => "MatMul";

        public void Set(bool transposeA, bool transposeB) => (TransposeA, TransposeB) = (transposeA, transposeB);

        // C = op(A)·op(B), item by item, so dL/dop(A) = G·op(B)ᵀ and dL/dop(B) = op(A)ᵀ·G. Each gradient is stored
        // like its operand, so a transposed operand gets the transpose of that, and every case is one GEMM with flags:
        //   dA = G·op(B)ᵀ           (A as is)       dA = op(B)·Gᵀ      (A stored transposed)
        //   dB = op(A)ᵀ·G           (B as is)       dB = Gᵀ·op(A)      (B stored transposed)
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor a = A, b = B;
            bool ta = TransposeA, tb = TransposeB;
            TransposedProduct p = TransposedProduct.Of(a.Dims, b.Dims, ta, tb);
            int lda = a.Dim(-1), ldb = b.Dim(-1), strideA = p.M * p.K, strideB = p.K * p.N, strideG = p.M * p.N;
            if (tape.NeedsGradient(a))
            {
                Tensor da = OpSupport.Empty(a.Dims, grad);
                if (!ta)
                {
                    // [m, k] = G [m, n] · op(B)ᵀ [n, k]; op(B)ᵀ is B stored [n, k] when B is transposed, else Bᵀ.
                    Compute.GemmBatched("MatMul", false, !tb, p.Batch, p.M, p.K, p.N, grad, p.N, strideG, b, ldb, strideB, da, p.K, strideA);
                }
                else
                {
                    // [k, m] = op(B) [k, n] · Gᵀ [n, m].
                    Compute.GemmBatched("MatMul", tb, true, p.Batch, p.K, p.M, p.N, b, ldb, strideB, grad, p.N, strideG, da, p.M, strideA);
                }

                tape.Accumulate(a, da, owned: true);
            }

            if (tape.NeedsGradient(b))
            {
                Tensor db = OpSupport.Empty(b.Dims, grad);
                if (!tb)
                {
                    // [k, n] = op(A)ᵀ [k, m] · G [m, n]; op(A)ᵀ is A stored [k, m] when A is transposed, else Aᵀ.
                    Compute.GemmBatched("MatMul", !ta, false, p.Batch, p.K, p.N, p.M, a, lda, strideA, grad, p.N, strideG, db, p.N, strideB);
                }
                else
                {
                    // [n, k] = Gᵀ [n, m] · op(A) [m, k].
                    Compute.GemmBatched("MatMul", true, ta, p.Batch, p.N, p.K, p.M, grad, p.N, strideG, a, lda, strideA, db, p.K, strideB);
                }

                tape.Accumulate(b, db, owned: true);
            }
        }
    }
}
