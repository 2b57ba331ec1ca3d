using Nabla.Autodiff;

namespace Nabla;

// The arithmetic operators and NumPy-style methods users write (a * b, x.Reshape(-1, 1)); each forwards to the
// differentiable op in Nabla.Autodiff.Ops. Tensor-tensor operators broadcast as NumPy does. Scalars may be float or
// double (x / 255.0 as in Python); a double is rounded once to the nearest float, as NumPy does when it combines a
// Python float with a float32 array, and int literals pick the float overloads.
public sealed partial class Tensor
{
    /// <summary>Elementwise sum with NumPy broadcasting.</summary>
    /// <param name="a">The first operand.</param>
    /// <param name="b">The second operand.</param>
    /// <exception cref="ShapeMismatchException">The shapes cannot be broadcast together.</exception>
    public static Tensor operator +(Tensor a, Tensor b) => Ops.Add(a, b);

    /// <summary>Every element plus <paramref name="s"/>.</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="s">The scalar.</param>
    public static Tensor operator +(Tensor a, float s) => Ops.Add(a, s);

    /// <summary><paramref name="s"/> plus every element.</summary>
    /// <param name="s">The scalar.</param>
    /// <param name="a">The tensor.</param>
    public static Tensor operator +(float s, Tensor a) => Ops.Add(s, a);

    /// <summary>Every element plus <paramref name="s"/>, rounded to single precision first.</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="s">The scalar.</param>
    public static Tensor operator +(Tensor a, double s) => Ops.Add(a, (float)s);

    /// <summary><paramref name="s"/>, rounded to single precision, plus every element.</summary>
    /// <param name="s">The scalar.</param>
    /// <param name="a">The tensor.</param>
    public static Tensor operator +(double s, Tensor a) => Ops.Add((float)s, a);

    /// <summary>Elementwise difference with NumPy broadcasting.</summary>
    /// <param name="a">The minuend.</param>
    /// <param name="b">The subtrahend.</param>
    /// <exception cref="ShapeMismatchException">The shapes cannot be broadcast together.</exception>
    public static Tensor operator -(Tensor a, Tensor b) => Ops.Subtract(a, b);

    /// <summary>Every element minus <paramref name="s"/>.</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="s">The scalar.</param>
    public static Tensor operator -(Tensor a, float s) => Ops.Subtract(a, s);

    /// <summary><paramref name="s"/> minus every element.</summary>
    /// <param name="s">The scalar.</param>
    /// <param name="a">The tensor.</param>
    public static Tensor operator -(float s, Tensor a) => Ops.Subtract(s, a);

    /// <summary>Every element minus <paramref name="s"/>, rounded to single precision first.</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="s">The scalar.</param>
    public static Tensor operator -(Tensor a, double s) => Ops.Subtract(a, (float)s);

    /// <summary><paramref name="s"/>, rounded to single precision, minus every element.</summary>
    /// <param name="s">The scalar.</param>
    /// <param name="a">The tensor.</param>
    public static Tensor operator -(double s, Tensor a) => Ops.Subtract((float)s, a);

    /// <summary>Elementwise negation.</summary>
    /// <param name="a">The tensor.</param>
    public static Tensor operator -(Tensor a) => Ops.Negate(a);

    /// <summary>Elementwise product with NumPy broadcasting.</summary>
    /// <param name="a">The first operand.</param>
    /// <param name="b">The second operand.</param>
    /// <exception cref="ShapeMismatchException">The shapes cannot be broadcast together.</exception>
    public static Tensor operator *(Tensor a, Tensor b) => Ops.Multiply(a, b);

    /// <summary>Every element times <paramref name="s"/>.</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="s">The scalar.</param>
    public static Tensor operator *(Tensor a, float s) => Ops.Multiply(a, s);

    /// <summary>Every element times <paramref name="s"/>.</summary>
    /// <param name="s">The scalar.</param>
    /// <param name="a">The tensor.</param>
    public static Tensor operator *(float s, Tensor a) => Ops.Multiply(a, s);

    /// <summary>Every element times <paramref name="s"/>, rounded to single precision first.</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="s">The scalar.</param>
    public static Tensor operator *(Tensor a, double s) => Ops.Multiply(a, (float)s);

    /// <summary>Every element times <paramref name="s"/>, rounded to single precision first.</summary>
    /// <param name="s">The scalar.</param>
    /// <param name="a">The tensor.</param>
    public static Tensor operator *(double s, Tensor a) => Ops.Multiply(a, (float)s);

    /// <summary>Elementwise quotient with NumPy broadcasting (IEEE rules for division by zero).</summary>
    /// <param name="a">The dividend.</param>
    /// <param name="b">The divisor.</param>
    /// <exception cref="ShapeMismatchException">The shapes cannot be broadcast together.</exception>
    public static Tensor operator /(Tensor a, Tensor b) => Ops.Divide(a, b);

    /// <summary>Every element divided by <paramref name="s"/>.</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="s">The divisor.</param>
    public static Tensor operator /(Tensor a, float s) => Ops.Divide(a, s);

    /// <summary><paramref name="s"/> divided by every element.</summary>
    /// <param name="s">The dividend.</param>
    /// <param name="a">The divisors.</param>
    public static Tensor operator /(float s, Tensor a) => Ops.Divide(s, a);

    /// <summary>Every element divided by <paramref name="s"/>, rounded to single precision first: <c>x / 255.0</c>.</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="s">The divisor.</param>
    public static Tensor operator /(Tensor a, double s) => Ops.Divide(a, (float)s);

    /// <summary><paramref name="s"/>, rounded to single precision, divided by every element.</summary>
    /// <param name="s">The dividend.</param>
    /// <param name="a">The divisors.</param>
    public static Tensor operator /(double s, Tensor a) => Ops.Divide((float)s, a);

    /// <summary>The same elements with a new shape; one dimension may be -1 (inferred). A view, not a copy.</summary>
    /// <param name="shape">The new length of each axis, e.g. <c>Reshape(-1, 1)</c>.</param>
    /// <exception cref="ShapeMismatchException">The element counts differ.</exception>
    public Tensor Reshape(params ReadOnlySpan<int> shape) => Ops.Reshape(this, shape);
}
