using Nabla.Kernels;
using Nabla.Tensors;

namespace Nabla.Autodiff;

// Matrix products on the GEMM kernel: [m, k]·[k, n], batched [b, m, k]·[b, k, n], and [b, m, k]·[k, n] with one
// right matrix shared by the batch (computed as a single [b·m, k]·[k, n] product).
public static partial class Ops
{
    /// <summary>
    /// Matrix product (Keras's <c>ops.matmul</c>) of [m, k]·[k, n] → [m, n], a batch [b, m, k]·[b, k, n] →
    /// [b, m, n], or a batch times one matrix [b, m, k]·[k, n] → [b, m, n].
    /// </summary>
    /// <param name="a">The left operand, 2-D or 3-D.</param>
    /// <param name="b">The right operand, 2-D, or 3-D when <paramref name="a"/> is 3-D.</param>
    /// <returns>The product, of rank <paramref name="a"/>.Rank.</returns>
    /// <exception cref="ShapeMismatchException">
    /// The ranks are not one of the three forms, the inner dimensions differ, or the batch sizes differ.
    /// </exception>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        MatMulShape s = MatMulShape.Of(a.Dims, b.Dims);
        Span<int> dims = stackalloc int[a.Rank];
        a.Dims.CopyTo(dims);
        dims[^1] = s.N;
        Tensor y = OpSupport.Empty(dims, a);
        if (s.Batched)
        {
            Compute.GemmBatched("MatMul", false, false, s.Batch, s.M, s.N, s.K,
                a, s.K, s.M * s.K, b, s.N, s.K * s.N, y, s.N, s.M * s.N);
        }
        else
        {
            // 2-D, or a batch sharing one right matrix: rows of all batch items form one [rows, k] matrix.
            Compute.Gemm("MatMul", false, false, s.Rows, s.N, s.K, a, s.K, b, s.N, y, s.N);
        }

        OpSupport.TapeFor(a, b)?.RecordBinary<MatMulNode>(y, a, b);
        return y;
    }

    /// <summary>The dimensions of a validated product: op(A) is [batch][m, k], op(B) is [batch][k, n].</summary>
    private readonly record struct MatMulShape(int Batch, int M, int K, int N, bool Batched)
    {
        /// <summary>Rows of A seen as one matrix (batch·m), for the unbatched and shared-B forms.</summary>
        public int Rows => Batch * M;

        public static MatMulShape Of(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
        {
            if (a.Length is < 2 or > 3 || b.Length is < 2 or > 3 || b.Length > a.Length)
            {
                string sa = ShapeUtil.Format(a), sb = ShapeUtil.Format(b);
                throw new ShapeMismatchException("MatMul", "[m, k]·[k, n], [b, m, k]·[b, k, n] or [b, m, k]·[k, n]", $"{sa} and {sb}",
                    $"MatMul: expects operands of ranks 2·2, 3·3 or 3·2 ([m, k]·[k, n], [b, m, k]·[b, k, n] or [b, m, k]·[k, n]), " +
                    $"but received {sa} and {sb} (ranks {a.Length} and {b.Length}). Reshape the operands first, e.g. x.Reshape(1, -1) for a row vector.");
            }

            if (a[^1] != b[^2])
            {
                string sa = ShapeUtil.Format(a), sb = ShapeUtil.Format(b);
                throw new ShapeMismatchException("MatMul", $"a right operand with {a[^1]} rows", sb,
                    $"MatMul: inner dimensions must match, but received {sa} and {sb} ({a[^1]} != {b[^2]}).");
            }

            if (b.Length == 3 && a[0] != b[0])
            {
                string sa = ShapeUtil.Format(a), sb = ShapeUtil.Format(b);
                throw new ShapeMismatchException("MatMul", $"a right operand with batch size {a[0]}", sb,
                    $"MatMul: batch sizes must match, but received {sa} and {sb} ({a[0]} != {b[0]}).");
            }

            return new MatMulShape(a.Length == 3 ? a[0] : 1, a[^2], a[^1], b[^1], Batched: b.Length == 3);
        }
    }

    private sealed class MatMulNode : BinaryNode
    {
        public override string Name => "MatMul";

        // Y = A·B: dL/dA = G·Bᵀ and dL/dB = Aᵀ·G, batch item by batch item. When one B serves the whole batch,
        // dL/dB sums Aᵢᵀ·Gᵢ over the batch, which is one product of the stacked [b·m, k] and [b·m, n] matrices.
        // The transposes are the GEMM's flags, so nothing is copied.
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor a = A, b = B;
            MatMulShape s = MatMulShape.Of(a.Dims, b.Dims);
            if (tape.NeedsGradient(a))
            {
                Tensor da = OpSupport.Empty(a.Dims, grad);
                if (s.Batched)
                {
                    Compute.GemmBatched("MatMul", false, true, s.Batch, s.M, s.K, s.N,
                        grad, s.N, s.M * s.N, b, s.N, s.K * s.N, da, s.K, s.M * s.K);
                }
                else
                {
                    Compute.Gemm("MatMul", false, true, s.Rows, s.K, s.N, grad, s.N, b, s.N, da, s.K);
                }

                tape.Accumulate(a, da, owned: true);
            }

            if (tape.NeedsGradient(b))
            {
                Tensor db = OpSupport.Empty(b.Dims, grad);
                if (s.Batched)
                {
                    Compute.GemmBatched("MatMul", true, false, s.Batch, s.K, s.N, s.M,
                        a, s.K, s.M * s.K, grad, s.N, s.M * s.N, db, s.N, s.K * s.N);
                }
                else
                {
                    Compute.Gemm("MatMul", true, false, s.K, s.N, s.Rows, a, s.K, grad, s.N, db, s.N);
                }

                tape.Accumulate(b, db, owned: true);
            }
        }
    }
}
