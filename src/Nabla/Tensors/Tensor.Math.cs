using Nabla.Autodiff;

namespace Nabla;

// NumPy-style elementwise math as instance methods (u.Sin().Exp().Clip(0f, 2f)); each forwards to the
// differentiable op in Nabla.Autodiff.Ops.
public sealed partial class Tensor
{
    /// <summary>Elementwise sine, in radians.</summary>
    public Tensor Sin() => Ops.Sin(this);

    /// <summary>Elementwise cosine, in radians.</summary>
    public Tensor Cos() => Ops.Cos(this);

    /// <summary>Elementwise e^x.</summary>
    public Tensor Exp() => Ops.Exp(this);

    /// <summary>Elementwise natural logarithm (−∞ at 0, NaN for negative elements).</summary>
    public Tensor Log() => Ops.Log(this);

    /// <summary>Elementwise square root (NaN for negative elements).</summary>
    public Tensor Sqrt() => Ops.Sqrt(this);

    /// <summary>Elementwise absolute value.</summary>
    public Tensor Abs() => Ops.Abs(this);

    /// <summary>Elementwise x².</summary>
    public Tensor Square() => Ops.Square(this);

    /// <summary>Every element raised to <paramref name="exponent"/>.</summary>
    /// <param name="exponent">The exponent.</param>
    public Tensor Pow(float exponent) => Ops.Pow(this, exponent);

    /// <summary>Elementwise power with NumPy broadcasting: this^exponent.</summary>
    /// <param name="exponent">The exponents; the shape must broadcast with this tensor's.</param>
    /// <exception cref="ShapeMismatchException">The shapes cannot be broadcast together.</exception>
    public Tensor Pow(Tensor exponent) => Ops.Pow(this, exponent);

    /// <summary>Elementwise maximum with NumPy broadcasting; on ties the gradient goes to this tensor.</summary>
    /// <param name="other">The other operand.</param>
    /// <exception cref="ShapeMismatchException">The shapes cannot be broadcast together.</exception>
    public Tensor Maximum(Tensor other) => Ops.Maximum(this, other);

    /// <summary>Elementwise max(x, <paramref name="value"/>), e.g. <c>x.Maximum(0f)</c> for ReLU.</summary>
    /// <param name="value">The scalar.</param>
    public Tensor Maximum(float value) => Ops.Maximum(this, value);

    /// <summary>Elementwise minimum with NumPy broadcasting; on ties the gradient goes to this tensor.</summary>
    /// <param name="other">The other operand.</param>
    /// <exception cref="ShapeMismatchException">The shapes cannot be broadcast together.</exception>
    public Tensor Minimum(Tensor other) => Ops.Minimum(this, other);

    /// <summary>Elementwise min(x, <paramref name="value"/>).</summary>
    /// <param name="value">The scalar.</param>
    public Tensor Minimum(float value) => Ops.Minimum(this, value);

    /// <summary>Limits every element to [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <param name="min">The lower bound.</param>
    /// <param name="max">The upper bound; at least <paramref name="min"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="min"/> exceeds <paramref name="max"/>, or either is NaN.</exception>
    public Tensor Clip(float min, float max) => Ops.Clip(this, min, max);

    /// <summary>Sum of the elements: all of them (a 0-d tensor; <c>Item()</c> reads it) or along one axis.</summary>
    /// <param name="axis">The axis to reduce, negative counting from the end; null (the default) reduces everything.</param>
    /// <param name="keepDims">Whether the reduced axis stays as length 1 (default false).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is not an axis of this tensor.</exception>
    public Tensor Sum(int? axis = null, bool keepDims = false) => Ops.Sum(this, axis, keepDims);

    /// <summary>Arithmetic mean: of all elements (a 0-d tensor) or along one axis, e.g. <c>x.Mean(axis: 0)</c>.</summary>
    /// <param name="axis">The axis to reduce, negative counting from the end; null (the default) reduces everything.</param>
    /// <param name="keepDims">Whether the reduced axis stays as length 1 (default false).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is not an axis of this tensor.</exception>
    public Tensor Mean(int? axis = null, bool keepDims = false) => Ops.Mean(this, axis, keepDims);

    /// <summary>Largest element: of all elements (a 0-d tensor) or along one axis; equal maxima share the gradient.</summary>
    /// <param name="axis">The axis to reduce, negative counting from the end; null (the default) reduces everything.</param>
    /// <param name="keepDims">Whether the reduced axis stays as length 1 (default false).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is not an axis of this tensor.</exception>
    /// <exception cref="ArgumentException">The reduction is over no elements.</exception>
    public Tensor Max(int? axis = null, bool keepDims = false) => Ops.Max(this, axis, keepDims);

    /// <summary>Smallest element: of all elements (a 0-d tensor) or along one axis; equal minima share the gradient.</summary>
    /// <param name="axis">The axis to reduce, negative counting from the end; null (the default) reduces everything.</param>
    /// <param name="keepDims">Whether the reduced axis stays as length 1 (default false).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is not an axis of this tensor.</exception>
    /// <exception cref="ArgumentException">The reduction is over no elements.</exception>
    public Tensor Min(int? axis = null, bool keepDims = false) => Ops.Min(this, axis, keepDims);

    /// <summary>The flat (row-major) index of the largest element, the first one on ties; for a vector, its position.</summary>
    /// <exception cref="ArgumentException">The tensor has no elements.</exception>
    public int ArgMax() => Ops.ArgMax(this);

    /// <summary>Indices of the largest elements along <paramref name="axis"/>, as floats (e.g. predicted classes with <c>ArgMax(axis: -1)</c>).</summary>
    /// <param name="axis">The axis searched, negative counting from the end.</param>
    /// <param name="keepDims">Whether the searched axis stays as length 1 (default false).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is not an axis of this tensor.</exception>
    /// <exception cref="ArgumentException">The axis is empty.</exception>
    public Tensor ArgMax(int axis, bool keepDims = false) => Ops.ArgMax(this, axis, keepDims);

    /// <summary>The flat (row-major) index of the smallest element, the first one on ties.</summary>
    /// <exception cref="ArgumentException">The tensor has no elements.</exception>
    public int ArgMin() => Ops.ArgMin(this);

    /// <summary>Indices of the smallest elements along <paramref name="axis"/>, as floats.</summary>
    /// <param name="axis">The axis searched, negative counting from the end.</param>
    /// <param name="keepDims">Whether the searched axis stays as length 1 (default false).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is not an axis of this tensor.</exception>
    /// <exception cref="ArgumentException">The axis is empty.</exception>
    public Tensor ArgMin(int axis, bool keepDims = false) => Ops.ArgMin(this, axis, keepDims);

    /// <summary>
    /// Matrix product: [m, k]·[k, n] → [m, n], batched [b, m, k]·[b, k, n] → [b, m, n], or a batch times one
    /// matrix [b, m, k]·[k, n] → [b, m, n].
    /// </summary>
    /// <param name="a">The left operand, 2-D or 3-D.</param>
    /// <param name="b">The right operand, 2-D, or 3-D when <paramref name="a"/> is 3-D.</param>
    /// <exception cref="ShapeMismatchException">The ranks, inner dimensions or batch sizes do not fit together.</exception>
    public static Tensor MatMul(Tensor a, Tensor b) => Ops.MatMul(a, b);

    /// <summary>This tensor times <paramref name="other"/> as matrices; see <see cref="MatMul(Tensor, Tensor)"/>.</summary>
    /// <param name="other">The right operand.</param>
    /// <exception cref="ShapeMismatchException">The ranks, inner dimensions or batch sizes do not fit together.</exception>
    public Tensor MatMul(Tensor other) => Ops.MatMul(this, other);

    /// <summary>The transpose of a matrix as a new tensor; a vector or scalar is returned as is (as NumPy).</summary>
    /// <exception cref="ShapeMismatchException">The tensor has rank above 2.</exception>
    public Tensor Transpose() => Ops.Transpose(this);
}
